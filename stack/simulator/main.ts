import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { startSimulator } from './server.js';
import { stopOnSignals } from '../process.js';

// Standalone stellar-core simulator for the local stack:
//   node dist/stack/simulator/main.js --kubeconfig PATH [--ledger-interval-ms N] [--control-port N]
//     [--default-network NAME_OR_PASSPHRASE] [--poll-interval-ms N] [--tls-cert PEM --tls-key PEM [--https-port N]]
// Prints `simulator ready control=http://127.0.0.1:PORT` (and ` https=https://127.0.0.1:PORT` with a
// certificate) once listening, and runs until SIGTERM or SIGINT.

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'ledger-interval-ms': { type: 'string' },
    'control-port': { type: 'string' },
    'default-network': { type: 'string' },
    'poll-interval-ms': { type: 'string' },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'https-port': { type: 'string' },
  },
});

if (!values.kubeconfig) {
  console.error('usage: main.js --kubeconfig PATH [--ledger-interval-ms N] [--control-port N] [--default-network NET] [--poll-interval-ms N] [--tls-cert PEM --tls-key PEM [--https-port N]]');
  process.exit(2);
}
if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
  console.error('--tls-cert and --tls-key go together: give both to serve https, or neither');
  process.exit(2);
}

const log = (message: string): void => console.log(`${new Date().toISOString()} ${message}`);
const simulator = await startSimulator({
  kubeconfigPath: values.kubeconfig,
  ledgerIntervalMs: optionalNumber('ledger-interval-ms', values['ledger-interval-ms']),
  controlPort: optionalNumber('control-port', values['control-port']),
  defaultNetwork: values['default-network'],
  pollIntervalMs: optionalNumber('poll-interval-ms', values['poll-interval-ms']),
  https: values['tls-cert'] && values['tls-key']
    ? { cert: fs.readFileSync(values['tls-cert'], 'utf8'), key: fs.readFileSync(values['tls-key'], 'utf8'), port: optionalNumber('https-port', values['https-port']) }
    : undefined,
  log,
});
console.log(`simulator ready control=${simulator.controlUrl}${simulator.httpsUrl ? ` https=${simulator.httpsUrl}` : ''}`);

stopOnSignals(simulator, log);

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
