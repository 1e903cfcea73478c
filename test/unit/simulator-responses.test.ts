import { describe, expect, it } from '@jest/globals';
import { archiveRoot } from '../../stack/simulator/archive.js';
import { answerControl, type ControlView } from '../../stack/simulator/control.js';
import { horizonRoot } from '../../stack/simulator/horizon.js';
import { SIM_NETWORKS } from '../../stack/simulator/network.js';
import { ledgerHash, type SimPod } from '../../stack/simulator/node-state.js';
import { answerCore, answerDelayMs, BOOTING_BODY, CONNECT_USAGE } from '../../stack/simulator/responses.js';
import { parseScenario } from '../../stack/simulator/scenario.js';
import { BASE, clock, NOW, simPod, TESTNET, TIP } from '../support/sim-pods.js';

const MAINNET = 'Public Global Stellar Network ; September 2015';
/** A pod in `scenarioText` since 2 s after the epoch. */
const pod = (scenarioText = '', overrides: Partial<SimPod> = {}): SimPod => simPod(scenarioText, { scenarioSinceMs: clock.epochMs + 2_000, ...overrides });

/** The parts of an /info body these tests read. */
interface Info {
  state: string;
  network: string;
  status?: string[];
  peers: { authenticated_count: number; pending_count: number };
  ledger: { num: number; age: number };
}

function info(p: SimPod, nowMs = NOW): Info {
  const answer = answerCore('/info', p, nowMs, clock);
  expect(answer).toMatchObject({ status: 200, contentType: 'application/json' });
  return (JSON.parse(answer.body) as { info: Info }).info;
}

describe('GET /info', () => {
  it('of a synced node has the full stellar-core shape, at the tip', () => {
    expect(info(pod())).toEqual({
      build: 'stellar-core 22.1.0 (stellar-steward simulator)',
      ledger: {
        age: 0, baseFee: 100, baseReserve: 5_000_000, closeTime: Math.floor(NOW / 1000), flags: 0,
        hash: ledgerHash(TESTNET, TIP), maxSorobanTxSetSize: 100, maxTxSetSize: 100, num: TIP, version: 22,
      },
      network: TESTNET,
      peers: { authenticated_count: 3, pending_count: 0 },
      protocol_version: 22,
      quorum: {
        node: expect.stringMatching(/^G[0-9A-F]{4}$/),
        qset: expect.objectContaining({ ledger: TIP, phase: 'EXTERNALIZE', validated: true, agree: 3, fail_at: 1 }),
        transitive: { critical: null, intersection: true, last_check_ledger: TIP, node_count: 4 },
      },
      startedOn: '2023-11-14T22:13:20Z',
      state: 'Synced!',
    });
    expect(ledgerHash(TESTNET, TIP)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('of a lagging:10 node is ten ledgers behind the tip and still Synced!, with an age of two seconds', () => {
    const lagging = info(pod('lagging:10'));
    expect(lagging.ledger.num).toBe(TIP - 10);
    expect(lagging.state).toBe('Synced!');
    expect(lagging.ledger.age).toBe(2);
    expect(lagging.status).toBeUndefined();
  });

  it('of a stalled node keeps the ledger of the moment the stall began while the tip moves on', () => {
    const stalled = pod('stalled');
    const stallLedger = BASE + 10; // scenarioSinceMs is 2 s after the epoch
    expect(info(stalled).ledger.num).toBe(stallLedger);
    expect(info(stalled, NOW + 60_000).ledger.num).toBe(stallLedger);
    expect(info(stalled, NOW + 60_000).ledger.age).toBe(68);
    expect(info(stalled).state).toBe('Synced!');
  });

  it('of a catching-up node says Catching up, far behind, with a progress message', () => {
    const catching = info(pod('catching-up'));
    expect(catching.state).toBe('Catching up');
    expect(catching.ledger.num).toBe(BASE + 10 - 100_000);
    expect(catching.status).toEqual(['Catching up: downloading ledger files 40/1563 (2%)']);
  });

  it('of a wrong-network node reports Mainnet and its tip', () => {
    const wrong = info(pod('wrong-network'));
    expect(wrong.network).toBe(MAINNET);
    expect(wrong.ledger.num).toBe(SIM_NETWORKS.mainnet.baseLedger + 50);
    expect(wrong.state).toBe('Synced!');
  });

  it('counts the connected simulated nodes with the upstream peers as authenticated, none pending', () => {
    const a = pod();
    const b = pod('', { key: 'ns/core-1', uid: 'uid-1', ip: '127.1.0.8' });
    const overlay = { pods: new Map([[a.uid, a], [b.uid, b]]), listening: new Set([a.uid, b.uid]), links: [{ from: b.uid, to: a.uid, sinceMs: NOW }] };
    expect((JSON.parse(answerCore('/info', a, NOW, clock, overlay).body) as { info: Info }).info.peers).toEqual({ authenticated_count: 4, pending_count: 0 });
    expect(info(a).peers).toEqual({ authenticated_count: 3, pending_count: 0 });
  });
});

describe('answerCore', () => {
  it.each(['/info', '/peers', '/metrics', '/connect?peer=a&port=1', '/quorum', '/ll'])('a booting node answers %s with the booting error', (path) => {
    expect(answerCore(path, pod('booting'), NOW, clock)).toEqual({ status: 200, contentType: 'application/json', body: BOOTING_BODY });
  });

  it('the booting body is byte for byte stellar-core\'s', () => {
    expect(BOOTING_BODY).toBe('{"error": "Core is booting, try again later"}');
  });

  it.each(['/', '/nope', '/info/', '/INFO'])('an unknown route %s answers 404 text/html, even while booting', (path) => {
    for (const p of [pod(), pod('booting')]) {
      const answer = answerCore(path, p, NOW, clock);
      expect(answer.status).toBe(404);
      expect(answer.contentType).toBe('text/html');
      expect(answer.body).toContain('Welcome to stellar-core!');
    }
  });

  it('a garbage node answers 200 application/json with a body that is not JSON', () => {
    const answer = answerCore('/info', pod('garbage'), NOW, clock);
    expect(answer).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(() => JSON.parse(answer.body)).toThrow();
  });

  it('a known route the simulator does not implement answers 200 JSON with an exception', () => {
    const answer = answerCore('/upgrades?mode=get', pod(), NOW, clock);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ exception: 'the stellar-steward simulator does not implement /upgrades' });
  });

  it('only slow nodes delay their answers', () => {
    expect(answerDelayMs(pod('slow:750'))).toBe(750);
    expect(answerDelayMs(pod('lagging:3'))).toBe(0);
  });
});

describe('GET /connect', () => {
  const self = pod('', { dnsName: 'core-0.core-hl.ns.svc.cluster.local' });
  const peer = pod('', { key: 'ns/core-1', uid: 'uid-1', ip: '127.1.0.9', dnsName: 'core-1.core-hl.ns.svc.cluster.local' });
  const overlay = (links: { from: string; to: string; sinceMs: number }[] = [], extra: SimPod[] = []) => ({
    pods: new Map([self, peer, ...extra].map((p) => [p.uid, p])), listening: new Set([self.uid, peer.uid, ...extra.map((p) => p.uid)]), links,
  });

  it.each([
    ['/connect?peer=core-1.core-hl.ns.svc.cluster.local&port=11625', 'Connect to: core-1.core-hl.ns.svc.cluster.local:11625', 'connected'],
    ['/connect?peer=CORE-1.core-hl.ns.svc.cluster.local.&port=11625', 'Connect to: CORE-1.core-hl.ns.svc.cluster.local.:11625', 'connected'],
    ['/connect?peer=127.1.0.9&port=11625', 'Connect to: 127.1.0.9:11625', 'connected'],
    ['/connect?peer=127.1.0.9&port=11626', 'Connect to: 127.1.0.9:11626', 'unreachable'],
    ['/connect?peer=127.1.0.99&port=11625', 'Connect to: 127.1.0.99:11625', 'unreachable'],
    ['/connect?peer=127.1.0.7&port=11625', 'Connect to: 127.1.0.7:11625', 'self'],
    ['/connect?peer=[::1]&port=11625', 'Connect to: [::1]:11625', 'unreachable'],
    ['/connect?peer=a', CONNECT_USAGE, undefined],
    ['/connect?port=11625', CONNECT_USAGE, undefined],
    ['/connect', CONNECT_USAGE, undefined],
    ['/connect?peer=a&port=abc', '{"exception": "Cannot parse peer address \'a:abc\'"}', undefined],
    ['/connect?peer=a&port=', '{"exception": "Cannot parse peer address \'a:\'"}', undefined],
    ['/connect?peer=&port=11625', '{"exception": "Cannot parse peer address \':11625\'"}', undefined],
    ['/connect?peer=a_b&port=11625', '{"exception": "Cannot parse peer address \'a_b:11625\'"}', undefined],
    ['/connect?peer=nobody.ns.svc.cluster.local&port=11625', '{"exception": "Could not resolve \'nobody.ns.svc.cluster.local:11625\': Host not found (authoritative)"}', undefined],
    ['/connect?peer=127.1.0.9&port=0', '{"exception": "Could not resolve \'127.1.0.9:0\': port out of range"}', undefined],
    ['/connect?peer=127.1.0.9&port=70000', '{"exception": "Could not resolve \'127.1.0.9:70000\': port out of range"}', undefined],
    ['/connect?peer=999.1.0.9&port=11625', '{"exception": "Could not resolve \'999.1.0.9:11625\': Host not found (authoritative)"}', undefined],
  ])('%s answers 200 application/json %j (%s)', (path, body, outcome) => {
    const answer = answerCore(path, self, NOW, clock, overlay());
    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json');
    expect(answer.body).toBe(body);
    expect(answer.connect?.outcome).toBe(outcome);
    expect(answer.connect?.link !== undefined).toBe(outcome === 'connected');
  });

  it('does not connect again to a node connected in either direction, nor to one booting, unreachable or on another network', () => {
    const at = (path: string, o = overlay()) => answerCore(path, self, NOW, clock, o).connect?.outcome;
    const dial = '/connect?peer=core-1.core-hl.ns.svc.cluster.local&port=11625';
    expect(at(dial, overlay([{ from: peer.uid, to: self.uid, sinceMs: NOW }]))).toBe('already-connected');
    expect(at(dial, overlay([{ from: self.uid, to: peer.uid, sinceMs: NOW }]))).toBe('already-connected');
    const other = (overrides: Partial<SimPod>) => pod('', { key: 'ns/core-2', uid: 'uid-2', ip: '127.1.0.10', dnsName: 'core-2.core-hl.ns.svc.cluster.local', ...overrides });
    const dial2 = '/connect?peer=core-2.core-hl.ns.svc.cluster.local&port=11625';
    expect(at(dial2, overlay([], [other({ scenario: parseScenario('booting').scenario })]))).toBe('unreachable');
    expect(at(dial2, overlay([], [other({ network: MAINNET })]))).toBe('wrong-network');
    expect(at(dial2, overlay([], [other({ scenario: parseScenario('wrong-network').scenario })]))).toBe('wrong-network');
    const notListening = { ...overlay([], [other({})]), listening: new Set([self.uid, peer.uid]) };
    expect(at(dial2, notListening)).toBe('unreachable');
  });
});

describe('GET /peers and /metrics', () => {
  it('lists upstream and dialled nodes as authenticated outbound, dialling nodes as inbound, nothing pending, empty lists as null', () => {
    const a = pod();
    const b = pod('', { key: 'ns/core-1', uid: 'uid-1', ip: '127.1.0.8' });
    const c = pod('', { key: 'ns/core-2', uid: 'uid-2', ip: '127.1.0.9' });
    const overlay = { pods: new Map([a, b, c].map((p) => [p.uid, p])), listening: new Set([a.uid, b.uid, c.uid]), links: [{ from: a.uid, to: b.uid, sinceMs: NOW - 5000 }, { from: c.uid, to: a.uid, sinceMs: NOW }] };
    const body = JSON.parse(answerCore('/peers', a, NOW, clock, overlay).body);
    expect(body.pending_peers).toEqual({ inbound: null, outbound: null });
    expect(body.authenticated_peers.outbound).toHaveLength(4);
    expect(body.authenticated_peers.outbound[0]).toEqual(expect.objectContaining({ address: '127.255.0.1:11625', id: 'GSIM0' }));
    expect(body.authenticated_peers.outbound[3]).toEqual(expect.objectContaining({ address: '127.1.0.8:11625', elapsed: 5 }));
    expect(body.authenticated_peers.inbound).toEqual([expect.objectContaining({ address: '127.1.0.9:11625', elapsed: 0 })]);
    expect(JSON.parse(answerCore('/peers', a, NOW, clock).body).authenticated_peers.inbound).toBeNull();
  });

  it('reports libmedida JSON with the ledger close timer counting ledgers closed since start', () => {
    const metrics = JSON.parse(answerCore('/metrics', pod(), NOW, clock).body).metrics;
    expect(metrics['ledger.ledger.close']).toEqual(expect.objectContaining({ type: 'timer', count: 50, mean: 120, '99%': 210, duration_unit: 'ms' }));
    expect(metrics['overlay.byte.read']).toEqual(expect.objectContaining({ type: 'meter', count: 50 * 4096 }));
    expect(metrics['ledger.age.current-seconds']).toEqual({ type: 'counter', count: 0 });
    expect(metrics['ledger.transaction.count']).toEqual(expect.objectContaining({ type: 'histogram' }));
  });
});

describe('history archive and Horizon roots', () => {
  it('the archive reports the newest complete checkpoint at or below the tip', () => {
    const root = archiveRoot(TESTNET, NOW, clock); // tip BASE + 50 = 1_200_050
    expect(root).toEqual({ version: 2, server: expect.any(String), currentLedger: 1_199_999, networkPassphrase: TESTNET, currentBuckets: expect.any(Array) });
    expect(root.currentBuckets).toHaveLength(11);
    expect(root.currentBuckets[0]).toEqual({ curr: expect.stringMatching(/^[0-9a-f]{64}$/), next: { state: 0 }, snap: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(archiveRoot(TESTNET, clock.epochMs + 63 * 200, clock).currentLedger).toBe(1_200_063);
  });

  it('Horizon reports the tip as core and history latest ledger', () => {
    expect(horizonRoot(MAINNET, NOW, clock)).toEqual(expect.objectContaining({
      core_latest_ledger: SIM_NETWORKS.mainnet.baseLedger + 50,
      history_latest_ledger: SIM_NETWORKS.mainnet.baseLedger + 50,
      network_passphrase: MAINNET,
    }));
  });
});

describe('answerControl', () => {
  const view: ControlView = {
    pods: [pod('lagging:4'), pod('', { key: 'other/core-9', uid: 'uid-9', ip: '127.1.0.9', network: 'My Private Net' })],
    listening: new Set(['uid-0']),
    connects: [
      { pod: 'ns/core-0', podIP: '127.1.0.7', peer: 'x', port: 11625, outcome: 'connected', at: '2024-01-01T00:00:00.000Z' },
      { pod: 'other/core-9', podIP: '127.1.0.9', peer: 'y', port: 11625, outcome: 'unreachable', at: '2024-01-01T00:00:01.000Z' },
    ],
    clock,
    nowMs: NOW,
    defaultNetwork: TESTNET,
  };
  const get = (path: string): { status: number; body: Record<string, unknown> } => {
    const answer = answerControl(path, view);
    expect(answer.contentType).toBe('application/json');
    return { status: answer.status, body: JSON.parse(answer.body) as Record<string, unknown> };
  };

  it('serves archive and Horizon roots by network slug, including custom networks that pods use', () => {
    expect(get('/archive/testnet/.well-known/stellar-history.json').body.currentLedger).toBe(1_199_999);
    expect(get('/horizon/mainnet/').body.network_passphrase).toBe(MAINNET);
    expect(get('/horizon/mainnet').status).toBe(200);
    const custom = get('/_sim/tip?network=My%20Private%20Net').body.slug as string;
    expect(get(`/archive/${custom}/.well-known/stellar-history.json`).body.networkPassphrase).toBe('My Private Net');
    expect(get('/archive/custom-00000000/.well-known/stellar-history.json').status).toBe(404);
  });

  it('lists connects, filtered by pod', () => {
    expect(get('/_sim/connects').body).toHaveLength(2);
    expect(get('/_sim/connects?pod=other/core-9').body).toEqual([view.connects[1]]);
    expect(get('/_sim/connects?pod=nobody/x').body).toEqual([]);
  });

  it('lists pods with their scenario, ledger and whether they are served', () => {
    const pods = get('/_sim/pods').body;
    expect(pods[0]).toEqual(expect.objectContaining({ pod: 'ns/core-0', ip: '127.1.0.7', scenario: 'lagging:4', ledger: TIP - 4, state: 'Synced!', listening: true }));
    expect(pods[1]).toEqual(expect.objectContaining({ pod: 'other/core-9', network: 'My Private Net', scenario: 'synced', listening: false }));
  });

  it('reports the tip of the default network, or of a network named by slug, name or passphrase', () => {
    expect(get('/_sim/tip').body).toEqual({ network: TESTNET, slug: 'testnet', ledger: TIP, checkpoint: 1_199_999, closeTime: Math.floor(NOW / 1000), ledgerIntervalMs: 200 });
    expect(get('/_sim/tip?network=mainnet').body.network).toBe(MAINNET);
    expect(get('/_sim/tip?network=Mainnet').body.network).toBe(MAINNET);
    expect(get(`/_sim/tip?network=${encodeURIComponent(MAINNET)}`).body.ledger).toBe(SIM_NETWORKS.mainnet.baseLedger + 50);
  });

  it('answers 404 with the list of routes for anything else', () => {
    expect(get('/nope')).toEqual({ status: 404, body: expect.objectContaining({ routes: expect.any(Array) }) });
  });
});
