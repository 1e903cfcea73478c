import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHttpClient, readCaBundle } from '../../activities/http-client.js';
import { ensureSourcePki } from '../../stack/source-pki.js';
import { isListening } from '../../stack/ports.js';
import type { PodRecord } from '../../stack/simulator/pod-record.js';
import { staticPodSource } from '../../stack/simulator/pod-source.js';
import { startSimulatorWith, type SimulatorHandle } from '../../stack/simulator/server.js';

// The simulator's HTTP side with a static pod source: real listeners on 127.77.0.x:11626 (loopback only).
const TESTNET = 'Test SDF Network ; September 2015';
const PEER = 'core-1.core.ns.svc.cluster.local';
const pods: Record<string, PodRecord> = {
  a: { key: 'ns/core-a', uid: 'uid-a', ip: '127.77.0.1', network: TESTNET },
  b: { key: 'ns/core-b', uid: 'uid-b', ip: '127.77.0.2', network: TESTNET, scenarioText: 'lagging:10', dnsName: PEER },
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

  it('connects to a pod by its DNS name: both ends list each other in /peers, and /_sim/connects records it', async () => {
    const reply = await get(`http://127.77.0.1:11626/connect?peer=${PEER}&port=11625`);
    expect(reply).toEqual({ status: 200, type: 'application/json', body: `Connect to: ${PEER}:11625` });
    type Peers = { authenticated_peers: { inbound: { address: string }[] | null; outbound: { address: string }[] } };
    const a = await getJson<Peers>('http://127.77.0.1:11626/peers');
    expect(a.authenticated_peers.outbound.map((p) => p.address)).toContain('127.77.0.2:11625');
    const b = await getJson<Peers>('http://127.77.0.2:11626/peers');
    expect(b.authenticated_peers.inbound?.map((p) => p.address)).toEqual(['127.77.0.1:11625']);
    const connects = await getJson<unknown[]>(`${sim.controlUrl}/_sim/connects?pod=ns/core-a`);
    expect(connects).toEqual([{ pod: 'ns/core-a', podIP: '127.77.0.1', peer: PEER, port: 11625, outcome: 'connected', at: expect.any(String) }]);
    expect(await getJson<unknown[]>(`${sim.controlUrl}/_sim/connects?pod=ns/core-b`)).toEqual([]);
    const listed = await getJson<{ pod: string; peers: string[] }[]>(`${sim.controlUrl}/_sim/pods`);
    expect(listed.find((p) => p.pod === 'ns/core-b')?.peers).toEqual(['ns/core-a']);
  });

  it('a second /connect to a connected peer changes nothing; an unreachable or unknown peer never appears', async () => {
    await get(`http://127.77.0.2:11626/connect?peer=127.77.0.1&port=11625`);
    await get(`http://127.77.0.1:11626/connect?peer=127.77.0.3&port=11625`);
    const unknown = await get(`http://127.77.0.1:11626/connect?peer=nobody.ns.svc.cluster.local&port=11625`);
    expect(unknown.body).toBe(`{"exception": "Could not resolve 'nobody.ns.svc.cluster.local:11625': Host not found (authoritative)"}`);
    const outcomes = (await getJson<{ pod: string; peer: string; outcome: string }[]>(`${sim.controlUrl}/_sim/connects`)).map((c) => [c.pod, c.peer, c.outcome]);
    expect(outcomes).toEqual([['ns/core-a', PEER, 'connected'], ['ns/core-b', '127.77.0.1', 'already-connected'], ['ns/core-a', '127.77.0.3', 'unreachable']]);
    const a = await getJson<{ authenticated_peers: { outbound: { address: string }[] } }>('http://127.77.0.1:11626/peers');
    expect(a.authenticated_peers.outbound.map((p) => p.address).filter((x) => x.startsWith('127.77.'))).toEqual(['127.77.0.2:11625']);
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

  it('a connection ends when one end boots again or goes away', async () => {
    source.set([pods.a!, pods.b!]);
    await sim.settled();
    await get(`http://127.77.0.1:11626/connect?peer=${PEER}&port=11625`);
    expect(sim.links()).toHaveLength(1);
    source.set([pods.a!]);
    await sim.settled();
    expect(sim.links()).toEqual([]);
    const a = await getJson<{ authenticated_peers: { outbound: { address: string }[]; inbound: unknown } }>('http://127.77.0.1:11626/peers');
    expect(a.authenticated_peers.outbound.map((p) => p.address).filter((x) => x.startsWith('127.77.'))).toEqual([]);
  });
});

describe('the simulator serving archive and Horizon roots over https', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sim-https-'));
  const pki = ensureSourcePki(dir);
  let sim: SimulatorHandle;

  beforeAll(async () => {
    sim = await startSimulatorWith({ podSource: staticPodSource([]), https: { cert: fs.readFileSync(pki.serverCert, 'utf8'), key: fs.readFileSync(pki.serverKey, 'utf8') } });
  });
  afterAll(async () => {
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the archive root to a client that trusts the stack CA, and is a TLS error to one that does not', async () => {
    expect(sim.httpsUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trusting = createHttpClient({ egress: 'loopback', caBundle: readCaBundle(pki.caCert) });
    const root = await trusting.get(`${sim.httpsUrl}/archive/testnet/.well-known/stellar-history.json`);
    expect(root.ok && root.status === 200 && (JSON.parse(root.body) as { networkPassphrase: string }).networkPassphrase).toBe(TESTNET);
    const horizon = await trusting.get(`${sim.httpsUrl}/horizon/testnet/`);
    expect(horizon.ok && horizon.status).toBe(200);
    const refused = await createHttpClient({ egress: 'loopback' }).get(`${sim.httpsUrl}/archive/testnet/.well-known/stellar-history.json`);
    expect(refused.ok ? 'ok' : refused.error.type).toBe('TlsError');
  });
});
