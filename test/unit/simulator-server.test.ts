import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isListening } from '../../stack/ports.js';
import type { PodRecord } from '../../stack/simulator/pod-record.js';
import { staticPodSource } from '../../stack/simulator/pod-source.js';
import { startSimulatorWith, type SimulatorHandle } from '../../stack/simulator/server.js';

// The simulator's HTTP side with a static pod source: real listeners on 127.77.0.x:11626 (loopback only).
const TESTNET = 'Test SDF Network ; September 2015';
const PEER = 'core-1.core.ns.svc.cluster.local';
const pods: Record<string, PodRecord> = {
  a: { key: 'ns/core-a', uid: 'uid-a', ip: '127.77.0.1', network: TESTNET },
  b: { key: 'ns/core-b', uid: 'uid-b', ip: '127.77.0.2', network: TESTNET, scenarioText: 'lagging:10' },
  c: { key: 'ns/core-c', uid: 'uid-c', ip: '127.77.0.3', network: TESTNET, scenarioText: 'unreachable' },
  // Never dialed by this test: the simulator must refuse to serve it.
  d: { key: 'ns/core-d', uid: 'uid-d', ip: '10.77.0.4', network: TESTNET },
};

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

function get(url: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    http.get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

async function getJson<T>(url: string): Promise<T> {
  return JSON.parse((await get(url)).body) as T;
}

describe('the simulator serving a static list of pods', () => {
  const source = staticPodSource([pods.a!, pods.b!, pods.c!, pods.d!]);
  const logs: string[] = [];
  let sim: SimulatorHandle;
  const tip = async (): Promise<number> => (await getJson<{ ledger: number }>(`${sim.controlUrl}/_sim/tip`)).ledger;

  beforeAll(async () => {
    sim = await startSimulatorWith({ podSource: source, ledgerIntervalMs: 200, log: (m) => logs.push(m) });
    await sim.settled();
  });

  afterAll(async () => {
    await sim.stop();
  });

  it('answers /info on each pod IP with the exact shape, lagging pods behind the tip', async () => {
    const before = await tip();
    const a = await get('http://127.77.0.1:11626/info');
    const b = await get('http://127.77.0.2:11626/info');
    const after = await tip();
    expect(a.status).toBe(200);
    expect(a.type).toBe('application/json');
    const infoA = (JSON.parse(a.body) as { info: { state: string; network: string; ledger: { num: number } } }).info;
    const infoB = (JSON.parse(b.body) as { info: { state: string; ledger: { num: number } } }).info;
    expect(infoA.state).toBe('Synced!');
    expect(infoA.network).toBe(TESTNET);
    expect(infoA.ledger.num).toBeGreaterThanOrEqual(before);
    expect(infoA.ledger.num).toBeLessThanOrEqual(after);
    expect(infoB.state).toBe('Synced!');
    expect(infoB.ledger.num).toBeGreaterThanOrEqual(before - 10);
    expect(infoB.ledger.num).toBeLessThanOrEqual(after - 10);
  });

  it('answers unknown routes with 404 text/html', async () => {
    const reply = await get('http://127.77.0.1:11626/nope');
    expect(reply.status).toBe(404);
    expect(reply.type).toBe('text/html');
  });

  it('records /connect, lists the peer as pending and reports it on /_sim/connects', async () => {
    const reply = await get(`http://127.77.0.1:11626/connect?peer=${PEER}&port=11625`);
    expect(reply).toEqual({ status: 200, type: 'application/json', body: `Connect to: ${PEER}:11625` });
    const peers = await getJson<{ pending_peers: { outbound: string[] } }>('http://127.77.0.1:11626/peers');
    expect(peers.pending_peers.outbound).toEqual([`${PEER}:11625`]);
    const connects = await getJson<unknown[]>(`${sim.controlUrl}/_sim/connects?pod=ns/core-a`);
    expect(connects).toEqual([{ pod: 'ns/core-a', podIP: '127.77.0.1', peer: PEER, port: 11625, at: expect.any(String) }]);
    expect(await getJson<unknown[]>(`${sim.controlUrl}/_sim/connects?pod=ns/core-b`)).toEqual([]);
  });

  it('does not listen for unreachable pods, nor for pod IPs outside loopback (with a warning)', async () => {
    expect(await isListening('127.77.0.3', 11626)).toBe(false);
    expect(logs).toContain('warning: pod ns/core-d: IP 10.77.0.4 is outside 127.0.0.0/8; the simulator does not serve it');
    const listed = await getJson<{ pod: string; listening: boolean }[]>(`${sim.controlUrl}/_sim/pods`);
    expect(listed.map((p) => [p.pod, p.listening])).toEqual([['ns/core-a', true], ['ns/core-b', true], ['ns/core-c', false], ['ns/core-d', false]]);
  });

  it('serves history archive and Horizon roots on the control port', async () => {
    const root = await getJson<{ currentLedger: number; networkPassphrase: string }>(`${sim.archiveUrl('Testnet')}/.well-known/stellar-history.json`);
    expect(root.networkPassphrase).toBe(TESTNET);
    expect((root.currentLedger + 1) % 64).toBe(0);
    const horizon = await getJson<{ core_latest_ledger: number; network_passphrase: string }>(sim.horizonUrl('mainnet'));
    expect(horizon.network_passphrase).toBe('Public Global Stellar Network ; September 2015');
  });

  it('follows snapshot changes: a new scenario applies, a gone pod stops listening, a pod turning reachable starts', async () => {
    source.set([{ ...pods.a!, scenarioText: 'booting' }, { ...pods.c!, scenarioText: 'slow:300' }]);
    await sim.settled();
    expect(await get('http://127.77.0.1:11626/info')).toEqual({ status: 200, type: 'application/json', body: '{"error": "Core is booting, try again later"}' });
    expect(await isListening('127.77.0.2', 11626)).toBe(false);
    const started = Date.now();
    const slow = await get('http://127.77.0.3:11626/info');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(slow.status).toBe(200);
  });

  it('a pod keeps its /connect peers across scenario changes while its uid lives', async () => {
    source.set([pods.a!]);
    await sim.settled();
    const peers = await getJson<{ pending_peers: { outbound: string[] } }>('http://127.77.0.1:11626/peers');
    expect(peers.pending_peers.outbound).toEqual([`${PEER}:11625`]);
  });
});
