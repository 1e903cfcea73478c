import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';

// Standalone stellar-core simulator for the local stack:
//   node dist/stack/simulator/main.js --kubeconfig PATH [--ledger-interval-ms N] [--control-port N]
//     [--default-network NAME_OR_PASSPHRASE] [--poll-interval-ms N]
// Prints `simulator ready control=http://127.0.0.1:PORT` once listening, and runs until SIGTERM or SIGINT.

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'ledger-interval-ms': { type: 'string' },
    'control-port': { type: 'string' },
    'default-network': { type: 'string' },
    'poll-interval-ms': { type: 'string' },
  },
});

if (!values.kubeconfig) {
  console.error('usage: main.js --kubeconfig PATH [--ledger-interval-ms N] [--control-port N] [--default-network NET] [--poll-interval-ms N]');
  process.exit(2);
}

const log = (message: string): void => console.log(`${new Date().toISOString()} ${message}`);
const simulator = await startSimulator({
  kubeconfigPath: values.kubeconfig,
  ledgerIntervalMs: optionalNumber('ledger-interval-ms', values['ledger-interval-ms']),
  controlPort: optionalNumber('control-port', values['control-port']),
  defaultNetwork: values['default-network'],
  pollIntervalMs: optionalNumber('poll-interval-ms', values['poll-interval-ms']),
  log,
});
console.log(`simulator ready control=${simulator.controlUrl}`);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    simulator.stop().then(() => process.exit(0), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
}

/** A positive integer flag, or undefined when absent; exits with a usage error when malformed. */
function optionalNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`--${name} must be a positive integer, got ${text}`);
    process.exit(2);
  }
  return value;
}
