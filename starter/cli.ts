import { demoCommand } from './demo/demo-command.js';
import { runWorker } from '../worker/run.js';
import { imageCommand } from './image-command.js';
import { stackCommand } from './stack-command.js';
import { listCommand, signalCommand, startCommand, statusCommand, stopCommand } from './workflow-commands.js';
import { NotFoundError, UsageError, type CommandResult } from './output.js';

const USAGE = `usage: steward <command>

commands:
  start <target>                      check the resource exists, then start its workflow (or attach to it)
  start --all [--namespace N]         start or attach to the workflow of every Steward resource in the cluster
  status [<target>] [--json]          a workflow's latest decision as a table (all running workflows without a target)
         [--watch [--interval S]]     redraw every S seconds (default 2) until Ctrl-C
  signal <signal> <target> [arg]      pool: rebalance | pause | resume; validators: resync;
                                      tenant: confirm-remove <pool>; replicas: check-now; any: resource-changed
  list                                running Steward workflows
  stop <target>                       terminate a workflow and mark its resource stopped, so the worker does
                                      not restart it until 'start' (its resources stay)
  worker                              run the worker until Ctrl-C (environment as for the container: see README)
  demo [--once] [--ui-port P]         run the demo scenario on the local stack (Web UI on 8233)
  stack up|down|status [--name N]     the local stack (Temporal, Kubernetes, PostgreSQL, stellar-core simulator)
  image build                         build the worker image with podman (a local stand-in for its base image)
  image run [--name N]                run the image against the local stack N as the Deployment runs it

<target> is 'pool|tenant|replicas <namespace>/<name>' or 'validators <Mainnet|Testnet|Futurenet|passphrase>'.
Every workflow command prints the workflow's Temporal Web UI link.
Temporal: TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / TEMPORAL_UI_URL, else the running 'demo' stack (STEWARD_STACK),
else 127.0.0.1:7233. Kubernetes: KUBECONFIG, else the running local stack, else ~/.kube/config.
Exit codes: 0 done, 1 failed, 2 wrong usage, 3 no such resource or workflow not running.`;

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
    case 'image':
      return imageCommand(args);
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
    case 'worker':
      if (args.length) throw new UsageError(`'worker' takes no arguments (it is configured by the environment: TEMPORAL_ADDRESS, KUBECONFIG, STEWARD_*)`);
      await runWorker();
      return { output: '', exitCode: 0 };
    case undefined:
    case 'help':
    case '--help':
      return { output: USAGE, exitCode: 0 };
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}
