import { parseArgs } from 'node:util';
import { startServiceProxy } from './proxy.js';
import { stopOnSignals } from '../process.js';

// The local stack's kube-proxy stand-in:
//   node dist/stack/service-proxy/main.js --kubeconfig PATH [--poll-interval-ms N]
// Prints `service proxy ready` after its first sync, and runs until SIGTERM or SIGINT.

const { values } = parseArgs({ options: { kubeconfig: { type: 'string' }, 'poll-interval-ms': { type: 'string' } } });
if (!values.kubeconfig) {
  console.error('usage: main.js --kubeconfig PATH [--poll-interval-ms N]');
  process.exit(2);
}
const interval = values['poll-interval-ms'];
if (interval !== undefined && !/^[1-9]\d*$/.test(interval)) {
  console.error(`--poll-interval-ms must be a positive integer, got '${interval}'`);
  process.exit(2);
}

const log = (message: string): void => console.log(`${new Date().toISOString()} ${message}`);
const proxy = await startServiceProxy({ kubeconfigPath: values.kubeconfig, pollIntervalMs: interval === undefined ? undefined : Number(interval), log });
await proxy.synced();
console.log('service proxy ready');

stopOnSignals(proxy, log);
