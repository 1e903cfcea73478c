import { demoCommand } from './demo-command.js';
import { stackCommand } from './stack-command.js';
import { listCommand, signalCommand, startCommand, statusCommand, stopCommand } from './workflow-commands.js';
import { NotFoundError, UsageError, type CommandResult } from './output.js';

const USAGE = `usage: steward <command>

commands:
  stack up [--name N] [--ui-port P]   start the local stack (Temporal, Kubernetes, PostgreSQL, simulator)
  stack down [--name N]               stop it
  stack status [--name N]             show where each part answers
  start <target>                      start (or attach to) a workflow
  signal <signal> <target>            rebalance | pause | resume | resync | resource-changed
  status <target> [--json]            the workflow's latest decision (a table, or JSON)
  list                                running Steward workflows
  stop <target>                       terminate a workflow (its resources stay)
  demo [--once]                       run the demo on the local stack (Web UI on 8233)

<target> is 'pool <namespace>/<name>' or 'validators <Mainnet|Testnet|Futurenet|passphrase>'.
Temporal is reached through TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE (default 127.0.0.1:7233 / default).`;

/** Runs the CLI with the given arguments; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    const result = await dispatch(command, rest);
    if (result.output) console.log(result.output);
    return result.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`steward: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`steward: ${(error as Error).message}`);
    return error instanceof NotFoundError ? 3 : 1;
  }
}

async function dispatch(command: string | undefined, args: string[]): Promise<CommandResult> {
  switch (command) {
    case 'stack':
      return stackCommand(args);
    case 'start':
      return startCommand(args);
    case 'status':
      return statusCommand(args);
    case 'signal':
      return signalCommand(args);
    case 'list':
      return listCommand();
    case 'stop':
      return stopCommand(args);
    case 'demo':
      return demoCommand(args);
    case undefined:
    case 'help':
    case '--help':
      return { output: USAGE, exitCode: 0 };
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
