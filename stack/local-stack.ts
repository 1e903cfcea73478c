import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createHttpClient, readCaBundle } from '../activities/http-client.js';
import { startGateway, stopGateway, type GatewayEndpoint } from './gateway.js';
import { binDir, gatewayApiCrds, installScript, stateRoot } from './paths.js';
import { freePort } from './ports.js';
import { startPostgres, stopPostgres, type PostgresCluster } from './postgres.js';
import { runningPid, SERVER_READY_TIMEOUT_MS, startServer, stopServers, waitFor } from './process.js';
import { ensureSourcePki } from './source-pki.js';
import { etcdMemoryDir, startKube, stopKube } from './control-plane/index.js';
import { startTemporal, stopTemporal, type TemporalEndpoint } from './temporal.js';

/**
 * The parts of the local stack. `gateway` (Traefik's Gateway API implementation and the service proxy
 * it dials) is optional: started only when asked for, and only with the stack's own Kubernetes.
 */
export type StackPart = 'temporal' | 'kube' | 'postgres' | 'simulator' | 'gateway';

/** Everything a client needs to reach the stack; written to `<stateDir>/stack.json`. */
export interface StackInfo {
  stateDir: string;
  temporal: TemporalEndpoint & { external: boolean };
  kube?: { kubeconfigPath: string; external: boolean };
  postgres?: (PostgresCluster & { external: false }) | { external: true; primaryUrl: string; replicaUrls: string[] };
  simulator?: SimulatorInfo;
  gateway?: GatewayEndpoint;
}

/** How to reach the stellar-core simulator's archive and Horizon roots. */
export interface SimulatorInfo {
  /** `http://127.0.0.1:PORT`: the `/_sim/*` routes, and the roots over plain http. */
  controlUrl: string;
  /** `https://127.0.0.1:PORT`: the archive (`/archive/<network>`) and Horizon (`/horizon/<network>/`) roots over TLS. */
  httpsUrl: string;
  /** PEM file of the stack's sources CA, which signed the https certificate: workers get it as `STEWARD_CA_BUNDLE`. */
  caBundle: string;
}

/** Options for `startStack`. */
export interface StackOptions {
  /** State directory name under the state root (`test`, `demo`, ...), or an absolute path. */
  name: string;
  parts?: StackPart[];
  /**
   * Keep Temporal history in SQLite and etcd's data on disk (the demo). Otherwise both live in memory
   * (etcd's on tmpfs, when the machine has one) and are gone once the stack stops.
   */
  persistent?: boolean;
  uiPort?: number;
  /** Milliseconds between simulated ledgers (5000 by default, faster in tests). */
  ledgerIntervalMs?: number;
  log?: (message: string) => void;
}

/** The parts started when none are named (the optional `gateway` is not among them). */
export const DEFAULT_PARTS: readonly StackPart[] = ['temporal', 'kube', 'postgres', 'simulator'];

/** The state directory of a named stack. */
export function stackDir(name: string): string {
  return path.isAbsolute(name) ? name : path.join(stateRoot(), name);
}

/**
 * Starts (or attaches to) the local stack: installs missing binaries first, then starts every part
 * concurrently. A part the user provides steps aside: `TEMPORAL_ADDRESS` for Temporal, `KUBECONFIG` for
 * Kubernetes (and the simulator, which only serves loopback pod IPs), `STEWARD_PG_PRIMARY_URL` (with
 * `STEWARD_PG_REPLICA_URLS`, comma-separated) for PostgreSQL.
 */
export async function startStack(options: StackOptions): Promise<StackInfo> {
  const stateDir = stackDir(options.name);
  const parts = new Set(options.parts ?? DEFAULT_PARTS);
  const log = options.log ?? ((message: string): void => console.error(`[stack] ${message}`));
  fs.mkdirSync(stateDir, { recursive: true });
  const earlier = readStack(options.name);
  installBinaries(parts, log);
  const started = Date.now();
  const timed = async <T>(what: string, start: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await start();
    log(`${what} ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return result;
  };
  const [temporal, kube, postgres] = await Promise.all([
    timed('temporal', () => temporalPart(stateDir, { ...options, log })),
    parts.has('kube') ? timed('kubernetes', () => kubePart(stateDir, options.persistent === true, log)) : undefined,
    parts.has('postgres') ? timed('postgres', () => postgresPart(stateDir, log)) : undefined,
  ]);
  const info: StackInfo = { stateDir, temporal, kube, postgres };
  if (parts.has('simulator') && kube && !kube.external) {
    info.simulator = await timed('stellar-core simulator', () => simulatorPart(stateDir, kube.kubeconfigPath, { ...options, log }));
  }
  if (parts.has('gateway') && kube && !kube.external) {
    info.gateway = await timed('gateway (traefik)', () => startGateway(stateDir, kube.kubeconfigPath, log));
  } else if (earlier?.gateway) {
    // Attaching without asking for the optional gateway (the demo on the suite's stack) leaves a running
    // one as it is, and in stack.json: `stack down` still stops it, and its users still find it.
    info.gateway = earlier.gateway;
  }
  fs.writeFileSync(path.join(stateDir, 'stack.json'), JSON.stringify(info, null, 2));
  log(`stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (state in ${stateDir})`);
  return info;
}

/** Stops every server the named stack started; user-provided servers are left alone. */
export async function stopStack(name: string): Promise<void> {
  const stateDir = stackDir(name);
  await stopGateway(stateDir);
  await stopServers(stateDir, ['simulator']);
  await stopKube(stateDir);
  stopPostgres(stateDir);
  await stopTemporal(stateDir);
  fs.rmSync(path.join(stateDir, 'stack.json'), { force: true });
}

/** The connection info of a running named stack, or undefined when it is not up. */
export function readStack(name: string): StackInfo | undefined {
  const file = path.join(stackDir(name), 'stack.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as StackInfo) : undefined;
}

function installBinaries(parts: Set<StackPart>, log: (message: string) => void): void {
  const needed: string[] = [];
  const has = (name: string): boolean => fs.existsSync(path.join(binDir(), name));
  if (!process.env.TEMPORAL_ADDRESS && !has('temporal')) needed.push('temporal');
  if (parts.has('kube') && !process.env.KUBECONFIG) {
    if (!has('kube-apiserver') || !has('kube-controller-manager') || !has('kube-scheduler')) needed.push('kubernetes');
    if (!has('kwok')) needed.push('kwok');
    if (!has('kubectl')) needed.push('kubectl');
    if (gatewayApiCrds().length === 0) needed.push('gateway-api');
    if (parts.has('gateway') && !has('traefik')) needed.push('traefik');
  }
  if (!fs.existsSync('/usr/bin/etcd') || !fs.existsSync('/usr/lib/postgresql/15/bin/postgres')) needed.unshift('debian');
  for (const part of needed) {
    log(`installing ${part} (first run only; progress below)`);
    execFileSync('bash', [installScript(), part], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
}

async function temporalPart(stateDir: string, options: StackOptions): Promise<StackInfo['temporal']> {
  const address = process.env.TEMPORAL_ADDRESS;
  if (address) return { address, namespace: process.env.TEMPORAL_NAMESPACE ?? 'default', external: true };
  const endpoint = await startTemporal({
    stateDir,
    executable: path.join(binDir(), 'temporal'),
    persistent: options.persistent,
    uiPort: options.uiPort,
    log: options.log,
  });
  return { ...endpoint, external: false };
}

async function kubePart(stateDir: string, persistent: boolean, log: (message: string) => void): Promise<StackInfo['kube']> {
  if (process.env.KUBECONFIG) return { kubeconfigPath: process.env.KUBECONFIG, external: true };
  // Like Temporal's history, the cluster of a stack that need not persist (tests, benchmarks) lives in
  // memory: etcd fsyncs every write, and on a loaded CI machine one of those fsyncs took 2.8 s.
  const etcdDataDir = persistent ? undefined : etcdMemoryDir(stateDir);
  const kube = await startKube({ stateDir, binDir: binDir(), log, etcdDataDir });
  return { kubeconfigPath: kube.kubeconfigPath, external: false };
}

async function postgresPart(stateDir: string, log: (message: string) => void): Promise<StackInfo['postgres']> {
  const primaryUrl = process.env.STEWARD_PG_PRIMARY_URL;
  if (primaryUrl) {
    const replicaUrls = (process.env.STEWARD_PG_REPLICA_URLS ?? '').split(',').filter(Boolean);
    return { external: true, primaryUrl, replicaUrls };
  }
  return { ...(await startPostgres({ stateDir, log })), external: false };
}

async function simulatorPart(stateDir: string, kubeconfigPath: string, options: StackOptions): Promise<SimulatorInfo> {
  const infoFile = path.join(stateDir, 'simulator.json');
  if (runningPid(stateDir, 'simulator') !== undefined && fs.existsSync(infoFile)) {
    const running = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Partial<SimulatorInfo>;
    // A simulator started before https existed has no httpsUrl: replace it.
    if (running.httpsUrl) return running as SimulatorInfo;
    await stopServers(stateDir, ['simulator']);
  }
  const pki = ensureSourcePki(path.join(stateDir, 'sources-pki'));
  const [port, httpsPort] = [await freePort(), await freePort()];
  const main = path.resolve(path.dirname(new URL(import.meta.url).pathname), 'simulator', 'main.js');
  const args = [main, '--kubeconfig', kubeconfigPath, '--control-port', String(port)];
  args.push('--ledger-interval-ms', String(options.ledgerIntervalMs ?? 5000));
  args.push('--tls-cert', pki.serverCert, '--tls-key', pki.serverKey, '--https-port', String(httpsPort));
  const server = startServer({ name: 'simulator', command: process.execPath, args, stateDir });
  const info: SimulatorInfo = { controlUrl: `http://127.0.0.1:${port}`, httpsUrl: `https://127.0.0.1:${httpsPort}`, caBundle: pki.caCert };
  const secure = createHttpClient({ egress: 'loopback', caBundle: readCaBundle(pki.caCert) });
  await waitFor(async () => (await fetch(`${info.controlUrl}/_sim/pods`)).ok && (await secure.get(`${info.httpsUrl}/_sim/pods`)).ok, {
    what: `stellar-core simulator on ${info.controlUrl} and ${info.httpsUrl}`,
    timeoutMs: SERVER_READY_TIMEOUT_MS,
    log: options.log,
    logFile: server.logFile,
    pid: server.pid,
  });
  fs.writeFileSync(infoFile, JSON.stringify(info));
  return info;
}
