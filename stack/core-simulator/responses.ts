import { otherNetwork, type Scenario } from './model.js';

/** One simulated node's view at a moment. */
export interface NodeMoment {
  scenario: Scenario;
  passphrase: string;
  tip: number;
  /** Ledger at which a `stalled` node froze. */
  stalledAt: number;
  startedOn: string;
  now: number;
  /** Peers added through /connect, `host:port`. */
  connected: string[];
}

/** An HTTP answer. */
export interface Answer {
  status: number;
  contentType: string;
  body: string;
}

const BOOTING = { error: 'Core is booting, try again later' };
const json = (body: unknown): Answer => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });

/** The ledger a node reports for its scenario. */
export function nodeLedger(m: NodeMoment): number {
  switch (m.scenario.kind) {
    case 'lagging': return Math.max(1, m.tip - m.scenario.ledgers);
    case 'stalled': return m.stalledAt;
    case 'catching-up': return Math.max(1, m.tip - 20_000);
    default: return m.tip;
  }
}

/** `GET /info` in stellar-core's shape. */
export function infoAnswer(m: NodeMoment): Answer {
  if (m.scenario.kind === 'booting') return json(BOOTING);
  if (m.scenario.kind === 'garbage') return { status: 200, contentType: 'application/json', body: '<<not json>>' };
  const ledger = nodeLedger(m);
  const catchingUp = m.scenario.kind === 'catching-up';
  const info: Record<string, unknown> = {
    build: 'stellar-core 22.1.0 (simulated)',
    protocol_version: 22,
    state: catchingUp ? 'Catching up' : 'Synced!',
    startedOn: m.startedOn,
    ledger: {
      num: ledger, hash: ledger.toString(16).padStart(64, '0'), closeTime: Math.floor(m.now / 1000) - (m.tip - ledger) * 5,
      version: 22, baseFee: 100, baseReserve: 5_000_000, maxTxSetSize: 100, maxSorobanTxSetSize: 100, flags: 0,
      age: m.scenario.kind === 'stalled' ? (m.tip - ledger) * 5 : 1,
    },
    peers: { pending_count: m.connected.length, authenticated_count: 8 },
    network: m.scenario.kind === 'wrong-network' ? otherNetwork(m.passphrase) : m.passphrase,
    quorum: { node: 'self', qset: { agree: 6, disagree: 0, fail_at: 2, delayed: 0, missing: 0, hash: 'd5c247', lag_ms: 430, ledger, phase: 'EXTERNALIZE', cost: 1, validated: true } },
  };
  if (catchingUp) info.status = ['Catching up: downloading ledger files 20094/119803 (16%)'];
  return json({ info });
}

/** Answers one admin route (`/info`, `/peers`, `/metrics`, `/connect`), 404 for anything else. */
export function adminAnswer(m: NodeMoment, path: string, query: URLSearchParams): Answer {
  if (!['/info', '/peers', '/metrics', '/connect'].includes(path)) {
    return { status: 404, contentType: 'text/html', body: '<html><body>Not found</body></html>' };
  }
  if (m.scenario.kind === 'booting') return json(BOOTING);
  switch (path) {
    case '/info': return infoAnswer(m);
    case '/peers': return json({
      authenticated_peers: { inbound: [], outbound: [] },
      pending_peers: { inbound: [], outbound: m.connected },
    });
    case '/metrics': return json({ metrics: { 'ledger.ledger.close': { type: 'timer', count: nodeLedger(m), mean: 5000, sum: nodeLedger(m) * 5000, '75%': 5100, '99%': 6000, duration_unit: 'ms' } } });
    default: {
      const peer = query.get('peer');
      const port = Number(query.get('port') ?? '11625');
      if (!peer || !Number.isInteger(port) || port <= 0 || port > 65535) return json({ exception: 'Must specify a peer and port: connect&peer=PEER&port=PORT' });
      return { status: 200, contentType: 'application/json', body: `Connect to: ${peer}:${port}` };
    }
  }
}
