import http from 'node:http';
import type { KubeRest } from '../../activities/kube/rest.js';
import { archiveLedger, parseScenario, PASSPHRASES, SCENARIO_ANNOTATION, tipLedger, type Scenario } from './model.js';
import { adminAnswer, nodeLedger, type Answer, type NodeMoment } from './responses.js';

/** Options of the simulator. */
export interface SimulatorOptions {
  kube: KubeRest;
  controlPort: number;
  ledgerIntervalMs: number;
  defaultNetwork?: string;
  log?: (message: string) => void;
}

/** A `/connect` call received by a simulated node. */
export interface ConnectRecord {
  pod: string;
  podIP: string;
  peer: string;
  port: number;
  at: string;
}

interface PodRecord {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  spec?: { containers?: { env?: { name: string; value?: string }[] }[] };
  status?: { phase?: string; podIP?: string };
}

interface SimulatedNode {
  key: string;
  ip: string;
  uid: string;
  scenario: Scenario;
  scenarioText: string;
  passphrase: string;
  stalledAt: number;
  startedOn: string;
  connected: string[];
  server?: http.Server;
}

/**
 * The stellar-core simulator: serves stellar-core's admin HTTP API on `podIP:11626` for every Running pod
 * labelled `stellar.org/stellar-core=true` whose IP is a loopback address, and on the control port
 * (127.0.0.1) history archive roots, Horizon roots and the recorded `/connect` calls.
 */
export async function startSimulator(options: SimulatorOptions): Promise<{ stop: () => Promise<void>; controlUrl: string }> {
  const log = options.log ?? ((): void => undefined);
  const startedAt = Date.now();
  const nodes = new Map<string, SimulatedNode>();
  const connects: ConnectRecord[] = [];
  const defaultPassphrase = PASSPHRASES[(options.defaultNetwork ?? 'testnet').toLowerCase()] ?? options.defaultNetwork ?? (PASSPHRASES.testnet as string);
  const tip = (): number => tipLedger(Date.now(), startedAt, options.ledgerIntervalMs);
  const moment = (node: SimulatedNode): NodeMoment => ({
    scenario: node.scenario, passphrase: node.passphrase, tip: tip(), stalledAt: node.stalledAt, startedOn: node.startedOn, now: Date.now(), connected: node.connected,
  });

  const serveNode = (node: SimulatedNode): http.Server => http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', `http://${node.ip}`);
    const answer = adminAnswer(moment(node), url.pathname, url.searchParams);
    if (url.pathname === '/connect' && answer.body.startsWith('Connect to:') && node.scenario.kind !== 'booting') {
      const peer = url.searchParams.get('peer') as string;
      const port = Number(url.searchParams.get('port') ?? '11625');
      connects.push({ pod: node.key, podIP: node.ip, peer, port, at: new Date().toISOString() });
      if (!node.connected.includes(`${peer}:${port}`)) node.connected.push(`${peer}:${port}`);
    }
    const delay = node.scenario.kind === 'slow' ? node.scenario.ms : 0;
    setTimeout(() => send(response, answer), delay);
  });

  const sync = async (): Promise<void> => {
    const pods = await options.kube.request<{ items: PodRecord[] }>('GET', '/api/v1/pods', { query: { labelSelector: 'stellar.org/stellar-core=true' } });
    const seen = new Set<string>();
    for (const pod of pods.items) {
      const ip = pod.status?.podIP;
      if (pod.status?.phase !== 'Running' || !ip) continue;
      if (!ip.startsWith('127.')) {
        log(`pod ${pod.metadata.namespace}/${pod.metadata.name} has non-loopback IP ${ip}: not simulated (network rule)`);
        continue;
      }
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      seen.add(key);
      const scenarioText = pod.metadata.annotations?.[SCENARIO_ANNOTATION] ?? 'synced';
      const passphrase = pod.metadata.annotations?.['stellar.org/network-passphrase']
        ?? pod.spec?.containers?.[0]?.env?.find((e) => e.name === 'NETWORK_PASSPHRASE')?.value ?? defaultPassphrase;
      let node = nodes.get(key);
      if (node && (node.uid !== pod.metadata.uid || node.ip !== ip)) {
        await close(node);
        nodes.delete(key);
        node = undefined;
      }
      if (!node) {
        node = { key, ip, uid: pod.metadata.uid, scenario: { kind: 'synced' }, scenarioText: '', passphrase, stalledAt: tip(), startedOn: new Date().toISOString(), connected: [] };
        nodes.set(key, node);
      }
      node.passphrase = passphrase;
      if (node.scenarioText !== scenarioText) {
        const parsed = parseScenario(scenarioText);
        if (parsed.warning) log(`${key}: ${parsed.warning}`);
        node.stalledAt = node.scenario.kind === 'stalled' ? node.stalledAt : nodeLedger({ ...moment(node), scenario: node.scenario });
        node.scenario = parsed.scenario;
        node.scenarioText = scenarioText;
      }
      const listen = node.scenario.kind !== 'unreachable';
      if (listen && !node.server) node.server = await listenOn(serveNode(node), ip, log, key);
      if (!listen && node.server) await close(node);
    }
    for (const [key, node] of nodes) {
      if (!seen.has(key)) {
        await close(node);
        nodes.delete(key);
      }
    }
  };

  const control = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    send(response, controlAnswer(url, { tip: tip(), nodes, connects }));
  });
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject);
    control.listen(options.controlPort, '127.0.0.1', () => resolve());
  });
  let stopped = false;
  const loop = async (): Promise<void> => {
    while (!stopped) {
      await sync().catch((error: unknown) => log(`pod sync failed: ${(error as Error).message}`));
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  void loop();
  return {
    controlUrl: `http://127.0.0.1:${options.controlPort}`,
    stop: async () => {
      stopped = true;
      for (const node of nodes.values()) await close(node);
      await new Promise<void>((resolve) => control.close(() => resolve()));
    },
  };
}

function controlAnswer(url: URL, state: { tip: number; nodes: Map<string, SimulatedNode>; connects: ConnectRecord[] }): Answer {
  const json = (body: unknown): Answer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
  const archive = /^\/archive\/([a-z]+)\/\.well-known\/stellar-history\.json$/.exec(url.pathname);
  if (archive?.[1] && PASSPHRASES[archive[1]]) {
    return json({ version: 2, server: 'stellar-core 22.1.0 (simulated)', currentLedger: archiveLedger(state.tip), networkPassphrase: PASSPHRASES[archive[1]], currentBuckets: [{ curr: '0'.repeat(64), snap: '0'.repeat(64), next: { state: 0 } }] });
  }
  const horizon = /^\/horizon\/([a-z]+)\/?$/.exec(url.pathname);
  if (horizon?.[1] && PASSPHRASES[horizon[1]]) {
    return json({ core_latest_ledger: state.tip, history_latest_ledger: state.tip - 1, network_passphrase: PASSPHRASES[horizon[1]] });
  }
  if (url.pathname === '/_sim/connects') {
    const pod = url.searchParams.get('pod');
    return json(pod ? state.connects.filter((c) => c.pod === pod) : state.connects);
  }
  if (url.pathname === '/_sim/pods') {
    return json([...state.nodes.values()].map((n) => ({ pod: n.key, ip: n.ip, scenario: n.scenarioText, listening: Boolean(n.server) })));
  }
  if (url.pathname === '/_sim/tip') return json({ ledger: state.tip });
  return { status: 404, contentType: 'text/plain', body: 'unknown simulator route' };
}

function send(response: http.ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'Content-Type': answer.contentType });
  response.end(answer.body);
}

function listenOn(server: http.Server, ip: string, log: (message: string) => void, key: string): Promise<http.Server | undefined> {
  return new Promise((resolve) => {
    server.once('error', (error) => {
      log(`${key}: cannot listen on ${ip}:11626 (${error.message})`);
      resolve(undefined);
    });
    server.listen(11626, ip, () => resolve(server));
  });
}

async function close(node: SimulatedNode): Promise<void> {
  const server = node.server;
  node.server = undefined;
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
