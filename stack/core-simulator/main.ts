// The stellar-core simulator as a process:
// node main.js --kubeconfig FILE --control-port N [--ledger-interval-ms MS] [--default-network testnet]
import { parseArgs } from 'node:util';
import { KubeRest } from '../../activities/kube/rest.js';
import { startSimulator } from './server.js';

const { values } = parseArgs({ options: {
  kubeconfig: { type: 'string' }, 'control-port': { type: 'string' }, 'ledger-interval-ms': { type: 'string', default: '5000' }, 'default-network': { type: 'string', default: 'testnet' },
} });
if (!values.kubeconfig || !values['control-port']) {
  console.error('usage: main --kubeconfig FILE --control-port N [--ledger-interval-ms MS] [--default-network NAME]');
  process.exit(2);
}
const simulator = await startSimulator({
  kube: KubeRest.fromFile(values.kubeconfig),
  controlPort: Number(values['control-port']),
  ledgerIntervalMs: Number(values['ledger-interval-ms']),
  defaultNetwork: values['default-network'],
  log: (message) => console.error(`[simulator] ${message}`),
});
console.error(`simulator ready control=${simulator.controlUrl}`);
const shutdown = (): void => {
  void simulator.stop().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
