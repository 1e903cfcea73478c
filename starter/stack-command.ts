import { parseArgs } from 'node:util';
import { readStack, startStack, stopStack } from '../stack/index.js';
import { kubectlEnvLine, stackKubectl } from './kubectl-lines.js';
import { UsageError, type CommandResult } from './output.js';

/** `steward stack up|down|status`: runs the local stack by hand. */
export async function stackCommand(args: string[]): Promise<CommandResult> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { name: { type: 'string', default: 'dev' }, 'ui-port': { type: 'string', default: '8233' } },
  });
  const name = values.name;
  switch (positionals[0]) {
    case 'up': {
      const uiPort = Number(values['ui-port']);
      if (!Number.isInteger(uiPort) || uiPort <= 0) throw new UsageError(`--ui-port must be a port number, got '${values['ui-port']}'`);
      const info = await startStack({ name, persistent: true, uiPort });
      return { output: describe(info), exitCode: 0 };
    }
    case 'down':
      await stopStack(name);
      return { output: `stack '${name}' stopped`, exitCode: 0 };
    case 'status': {
      const info = readStack(name);
      if (!info) return { output: `stack '${name}' is not running: start it with 'steward stack up --name ${name}'`, exitCode: 3 };
      return { output: describe(info), exitCode: 0 };
    }
    default:
      throw new UsageError(`stack needs one of up, down, status`);
  }
}

function describe(info: NonNullable<ReturnType<typeof readStack>>): string {
  const lines = [`temporal    ${info.temporal.address}${info.temporal.uiUrl ? `  (Web UI ${info.temporal.uiUrl})` : ''}`];
  if (info.kube) lines.push(`kubernetes  KUBECONFIG=${info.kube.kubeconfigPath}`);
  if (info.postgres && !info.postgres.external) {
    lines.push(`postgres    primary 127.0.0.1:${info.postgres.primary.port}, replicas ${info.postgres.replicas.map((r) => r.port).join(', ')}`);
  }
  if (info.simulator) lines.push(`simulator   ${info.simulator.controlUrl}  (archive and Horizon roots over https: ${info.simulator.httpsUrl})`);
  if (info.gateway) lines.push(`gateway     ${info.gateway.url}  (listeners on port ${info.gateway.listenerPort}, controllerName ${info.gateway.controllerName})`);
  lines.push('', `export TEMPORAL_ADDRESS=${info.temporal.address}`);
  const kubectl = stackKubectl(info);
  if (kubectl) lines.push(kubectlEnvLine(kubectl));
  if (info.simulator) lines.push(`export STEWARD_CA_BUNDLE=${info.simulator.caBundle} STEWARD_EGRESS=loopback`);
  return lines.join('\n');
}
