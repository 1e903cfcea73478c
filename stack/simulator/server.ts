import http from 'node:http';
import https from 'node:https';
import { sleep } from '../process.js';
import { answerControl, type ConnectRecord, type ControlView } from './control.js';
import { kubePodSource } from './kube-pod-source.js';
import { DEFAULT_NETWORK_PASSPHRASE, networkSlug, passphraseOf } from './network.js';
import type { SimPod } from './node-state.js';
import { liveLinks, type Link, type OverlayView } from './overlay.js';
import type { PodRecord } from './pod-record.js';
import { listenerPlan, syncPods } from './pod-set.js';
import type { PodSource } from './pod-source.js';
import { answerQuery } from './query-responses.js';
import { Prober } from './prober.js';
import { answerCore, answerDelayMs, type CoreAnswer, type HttpAnswer } from './responses.js';
import { DEFAULT_LEDGER_INTERVAL_MS, type TipClock } from './tip.js';

/** stellar-core's admin HTTP port, on which the simulator listens at each pod IP. */
export const CORE_HTTP_PORT = 11626;

/** How often the simulated prober looks for due readiness probes (each runs once per its own period). */
const PROBE_TICK_MS = 250;

/** Most `/connect` calls kept for `GET /_sim/connects` (the oldest are dropped first). */
export const MAX_CONNECT_RECORDS = 10_000;

/** Options shared by every way of starting the simulator. */
export interface SimulatorBaseOptions {
  /** Milliseconds between two ledger closes of every simulated network (default 5000). */
  ledgerIntervalMs?: number;
  /** Network of pods that name none: a passphrase or `Mainnet`/`Testnet`/`Futurenet` (default Testnet). */
  defaultNetwork?: string;
  /** Port of the control server on 127.0.0.1 (default: a free port). */
  controlPort?: number;
  /**
   * Serve the archive and Horizon roots (the control routes) over https too, on 127.0.0.1 with this PEM
   * certificate and key (default: http only).
   */
  https?: { cert: string; key: string; port?: number };
  /** Receives one line per event worth knowing (default: none). */
  log?: (message: string) => void;
}

/** Options of `startSimulator`, which simulates the pods found through the Kubernetes API. */
export interface SimulatorOptions extends SimulatorBaseOptions {
  kubeconfigPath: string;
  /** Milliseconds between two lists of the pods (default 250). */
  pollIntervalMs?: number;
}

/** Options of `startSimulatorWith`, which simulates the pods of any pod source. */
export interface SimulatorSourceOptions extends SimulatorBaseOptions {
  podSource: PodSource;
  /** Port the nodes listen on at their pod IP (default 11626; tests may choose another). */
  corePort?: number;
}

/** A running simulator. */
export interface SimulatorHandle {
  /** `http://127.0.0.1:PORT` of the control server. */
  controlUrl: string;
  /** `https://127.0.0.1:PORT` of the same routes over TLS, when `https` was given. */
  httpsUrl?: string;
  /** The history archive URL of a network (name, slug or passphrase); its root file is below it. */
  archiveUrl(network: string): string;
  /** The Horizon root URL of a network (name, slug or passphrase). */
  horizonUrl(network: string): string;
  /** The pods simulated now. */
  pods(): SimPod[];
  /** Every `/connect` stellar-core would take (`Connect to: ...`) so far, oldest first, with its outcome. */
  connects(): ConnectRecord[];
  /** The connections between simulated nodes now. */
  links(): Link[];
  /** Resolves once the latest pod snapshot has been applied (listeners opened and closed). */
  settled(): Promise<void>;
  /** Stops the pod source and closes every listener and the control server. */
  stop(): Promise<void>;
}

/**
 * Starts the stellar-core simulator for the Running pods labelled `stellar.org/stellar-core=true` of the
 * cluster in `kubeconfigPath`: each gets stellar-core's admin API on `podIP:11626` and, when its container
 * declares a port named `query`, the query server on that port (loopback IPs only).
 * Throws when the kubeconfig's server is not a loopback address or the control port cannot be bound.
 */
export async function startSimulator(options: SimulatorOptions): Promise<SimulatorHandle> {
  const log = options.log ?? (() => undefined);
  const defaultNetwork = passphraseOf(options.defaultNetwork ?? DEFAULT_NETWORK_PASSPHRASE);
  const podSource = kubePodSource({ kubeconfigPath: options.kubeconfigPath, defaultNetwork, pollIntervalMs: options.pollIntervalMs, log });
  return startSimulatorWith({ ...options, podSource });
}

/** Starts the simulator for the pods of any pod source (the Kubernetes watcher, or a static list in tests). */
export async function startSimulatorWith(options: SimulatorSourceOptions): Promise<SimulatorHandle> {
  const simulator = new Simulator(options);
  await simulator.start();
  const controlUrl = simulator.controlUrl();
  return {
    controlUrl,
    httpsUrl: simulator.httpsUrl(),
    archiveUrl: (network) => `${controlUrl}/archive/${networkSlug(network)}`,
    horizonUrl: (network) => `${controlUrl}/horizon/${networkSlug(network)}/`,
    pods: () => [...simulator.pods.values()],
    connects: () => [...simulator.connects],
    links: () => [...simulator.links],
    settled: () => simulator.settled(),
    stop: () => simulator.stop(),
  };
}

/** The simulator's state and I/O: one HTTP server per served pod, and the control server. */
class Simulator {
  pods = new Map<string, SimPod>();
  connects: ConnectRecord[] = [];
  links: Link[] = [];
  private readonly listeners = new Map<string, { ip: string; key: string; server: http.Server; query?: http.Server }>();
  private readonly failures = new Map<string, string>();
  /** The kubelet's prober, played for the served pods (KWOK runs no probes). */
  private readonly prober: Prober;
  private readonly clock: TipClock;
  private readonly defaultNetwork: string;
  private readonly log: (message: string) => void;
  private readonly control = http.createServer((req, res) => this.serveControl(req, res));
  private readonly secureControl: https.Server | undefined;
  private applying: Promise<void> = Promise.resolve();
  private probeTimer?: NodeJS.Timeout;

  constructor(private readonly options: SimulatorSourceOptions) {
    this.clock = { epochMs: Date.now(), ledgerIntervalMs: options.ledgerIntervalMs ?? DEFAULT_LEDGER_INTERVAL_MS };
    this.defaultNetwork = passphraseOf(options.defaultNetwork ?? DEFAULT_NETWORK_PASSPHRASE);
    this.log = options.log ?? (() => undefined);
    const tls = options.https;
    this.secureControl = tls && https.createServer({ cert: tls.cert, key: tls.key }, (req, res) => this.serveControl(req, res));
    this.prober = new Prober((pod, port, path, nowMs) => this.probeTarget(pod, port, path, nowMs), this.log);
  }

  async start(): Promise<void> {
    await listen(this.control, this.options.controlPort ?? 0, '127.0.0.1');
    if (this.secureControl) await listen(this.secureControl, this.options.https?.port ?? 0, '127.0.0.1');
    const secure = this.secureControl ? ` and ${this.httpsUrl()}` : '';
    this.log(`control server on ${this.controlUrl()}${secure}; simulating pods from ${this.options.podSource.describe}`);
    this.options.podSource.start((records) => {
      this.applying = this.applying.then(() => this.apply(records));
    });
    // The prober keeps its own schedule, as the kubelet does, whether or not a new snapshot came.
    this.probeTimer = setInterval(() => {
      this.applying = this.applying.then(() => this.probeReadiness(Date.now()));
    }, PROBE_TICK_MS);
  }

  controlUrl(): string {
    const address = this.control.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  httpsUrl(): string | undefined {
    const address = this.secureControl?.address();
    return typeof address === 'object' && address ? `https://127.0.0.1:${address.port}` : undefined;
  }

  settled(): Promise<void> {
    return this.applying;
  }

  async stop(): Promise<void> {
    clearInterval(this.probeTimer);
    await this.options.podSource.stop();
    await this.applying;
    await Promise.all([...this.listeners.keys()].map((uid) => this.closeListener(uid)));
    for (const server of this.secureControl ? [this.control, this.secureControl] : [this.control]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** Applies one pod snapshot: updates the simulated pods, then opens and closes listeners to match. */
  private async apply(records: PodRecord[]): Promise<void> {
    const sync = syncPods(this.pods, records, Date.now());
    this.pods = sync.pods;
    for (const warning of sync.warnings) this.log(`warning: ${warning}`);
    const plan = listenerPlan(this.pods, new Map([...this.listeners].map(([uid, l]) => [uid, l.ip])));
    await Promise.all(plan.close.map((uid) => this.closeListener(uid)));
    await Promise.all(plan.open.map((pod) => this.openListener(pod)));
    this.links = liveLinks(this.overlay(), Date.now(), this.clock);
    await this.probeReadiness(Date.now());
  }

  /** What the node answers the prober on `port` and `path`: the admin API where the simulator listens, else nothing. */
  private probeTarget(pod: SimPod, port: number, path: string, nowMs: number): { status: number; body: string; delayMs: number } | undefined {
    if (!this.listeners.has(pod.uid) || port !== (this.options.corePort ?? CORE_HTTP_PORT)) return undefined;
    const answer = guarded(() => answerCore(path, pod, nowMs, this.clock, this.overlay()));
    return { status: answer.status, body: answer.body, delayMs: answerDelayMs(pod) };
  }

  private probeReadiness(nowMs: number): Promise<void> {
    return this.prober.run(this.pods, this.options.podSource.writeReady?.bind(this.options.podSource), nowMs);
  }

  /** The nodes and the connections that still hold now. */
  private overlay(): OverlayView {
    const view = { pods: this.pods, listening: new Set(this.listeners.keys()), links: this.links };
    return { ...view, links: liveLinks(view, Date.now(), this.clock) };
  }

  private async openListener(pod: SimPod): Promise<void> {
    const port = this.options.corePort ?? CORE_HTTP_PORT;
    const server = http.createServer((req, res) => void this.serveCore(pod.uid, req, res));
    const query = pod.queryPort ? http.createServer((req, res) => void this.serveQuery(pod.uid, req, res)) : undefined;
    try {
      await listen(server, port, pod.ip);
      if (query && pod.queryPort) await listenOrClose(query, pod.queryPort, pod.ip, server);
      this.listeners.set(pod.uid, { ip: pod.ip, key: pod.key, server, ...(query ? { query } : {}) });
      this.failures.delete(pod.uid);
      const queryText = pod.queryPort ? ` and queries on ${pod.queryPort}` : '';
      this.log(`serving ${pod.key} on ${pod.ip}:${port}${queryText} (${pod.scenarioText || 'synced'})`);
    } catch (error) {
      const message = `cannot listen for ${pod.key} on ${pod.ip}:${port}: ${(error as Error).message}`;
      if (this.failures.get(pod.uid) !== message) this.log(`warning: ${message} (will retry)`);
      this.failures.set(pod.uid, message);
    }
  }

  private async closeListener(uid: string): Promise<void> {
    const listener = this.listeners.get(uid);
    if (!listener) return;
    this.listeners.delete(uid);
    const servers = [listener.server, ...(listener.query ? [listener.query] : [])];
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeAllConnections();
    await Promise.all(closed);
    this.log(`stopped serving ${listener.key} on ${listener.ip}`);
  }

  private async serveCore(uid: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const before = this.pods.get(uid);
    const delayMs = before ? answerDelayMs(before) : 0;
    if (delayMs > 0) await sleep(delayMs);
    const pod = this.pods.get(uid);
    if (!pod || res.destroyed) {
      req.socket.destroy();
      return;
    }
    const overlay = this.overlay();
    this.links = [...overlay.links];
    const answer = guarded(() => answerCore(req.url ?? '/', pod, Date.now(), this.clock, overlay));
    if ('connect' in answer && answer.connect) this.recordConnect(pod, answer.connect);
    write(res, answer);
  }

  /** A request on the pod's query server: the body is read (at most 1 MiB), then answered like stellar-core. */
  private async serveQuery(uid: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req, MAX_QUERY_BODY_BYTES);
    const pod = this.pods.get(uid);
    if (body === undefined || !pod || res.destroyed) {
      req.socket.destroy();
      return;
    }
    const delayMs = answerDelayMs(pod);
    if (delayMs > 0) await sleep(delayMs);
    write(res, guarded(() => answerQuery(req.url ?? '/', body, pod, Date.now(), this.clock)));
  }

  private recordConnect(pod: SimPod, connect: NonNullable<CoreAnswer['connect']>): void {
    const { link, ...record } = connect;
    if (link) this.links.push(link);
    if (record.outcome !== 'connected') this.log(`${pod.key}: /connect ${record.peer}:${record.port} ${record.outcome}`);
    this.connects.push({ pod: pod.key, podIP: pod.ip, ...record, at: new Date().toISOString() });
    if (this.connects.length > MAX_CONNECT_RECORDS) this.connects.splice(0, this.connects.length - MAX_CONNECT_RECORDS);
  }

  private serveControl(req: http.IncomingMessage, res: http.ServerResponse): void {
    const view: ControlView = {
      pods: [...this.pods.values()],
      listening: new Set(this.listeners.keys()),
      connects: this.connects,
      links: this.overlay().links,
      clock: this.clock,
      nowMs: Date.now(),
      defaultNetwork: this.defaultNetwork,
    };
    write(res, guarded(() => answerControl(req.url ?? '/', view)));
  }
}

/** The answer `build` makes, or a 400 when the request cannot even be parsed (a server must not crash on it). */
function guarded<T extends HttpAnswer>(build: () => T): T | HttpAnswer {
  try {
    return build();
  } catch (error) {
    return { status: 400, contentType: 'text/plain', body: `bad request: ${(error as Error).message}\n` };
  }
}

function write(res: http.ServerResponse, answer: HttpAnswer): void {
  res.writeHead(answer.status, { 'Content-Type': answer.contentType, 'Content-Length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** The largest query body the simulator reads; a longer one closes the connection. */
const MAX_QUERY_BODY_BYTES = 1 << 20;

/** The request body as text, or undefined when it exceeds `limit` bytes or the request fails. */
function readBody(req: http.IncomingMessage, limit: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    req.on('error', () => resolve(undefined));
  });
}

/** Listens with `server`; when that fails, closes `opened` (the pod's other listener) and throws. */
async function listenOrClose(server: http.Server, port: number, host: string, opened: http.Server): Promise<void> {
  try {
    await listen(server, port, host);
  } catch (error) {
    await new Promise<void>((resolve) => opened.close(() => resolve()));
    throw error;
  }
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => reject(error);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      server.on('error', () => undefined);
      resolve();
    });
  });
}
