import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createValidatorActivities } from '../../activities/validator-activities.js';
import type { KubeRest } from '../../kube/rest.js';
import { readCorePeers } from '../../activities/stellar-core-client.js';
import type { PeerConnect } from '../../domain/validator-connections.js';
import { staticPodSource } from '../../stack/simulator/pod-source.js';
import { startSimulatorWith, type SimulatorHandle } from '../../stack/simulator/server.js';

// connectPeers against the simulator's real listeners on 127.78.0.x:11626 (stellar-core's admin port):
// pushes only what /peers lacks, and reports connected only what /peers then shows.
const TESTNET = 'Test SDF Network ; September 2015';
const dns = (name: string): string => `${name}-0.${name}-hl.ns.svc.cluster.local`;
const pod = (name: string, ip: string, extra: { scenarioText?: string; network?: string } = {}) =>
  ({ key: `ns/${name}-0`, uid: `uid-${name}`, ip, network: extra.network ?? TESTNET, dnsName: dns(name), ...(extra.scenarioText ? { scenarioText: extra.scenarioText } : {}) });

describe('connectPeers against the simulator', () => {
  const source = staticPodSource([pod('a', '127.78.0.1'), pod('b', '127.78.0.2'), pod('c', '127.78.0.3', { scenarioText: 'unreachable' }), pod('m', '127.78.0.4', { network: 'Public Global Stellar Network ; September 2015' })]);
  let sim: SimulatorHandle;
  // connectPeers talks to stellar-core only; no Kubernetes call is made.
  const activities = createValidatorActivities({} as KubeRest, { verifyDelaysMs: [0, 50, 100] });
  const push = (peer: string, peerIp: string): PeerConnect => ({ validator: 'ns/a', validatorIp: '127.78.0.1', peer: dns(peer), port: 11625, peerIp });
  const outcomes = () => sim.connects().map((c) => `${c.peer.split('-')[0]}:${c.outcome}`);

  beforeAll(async () => {
    sim = await startSimulatorWith({ podSource: source, ledgerIntervalMs: 200 });
    await sim.settled();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('connects a reachable peer once and verifies it in /peers; a second call sends nothing', async () => {
    expect(await activities.connectPeers({ connects: [push('b', '127.78.0.2')] })).toEqual([{ validator: 'ns/a', peer: dns('b'), connected: true, pushes: 1 }]);
    expect((await readCorePeers('127.78.0.2')).peers?.authenticated).toContain('127.78.0.1');
    expect(await activities.connectPeers({ connects: [push('b', '127.78.0.2')] })).toEqual([{ validator: 'ns/a', peer: dns('b'), connected: true, pushes: 0 }]);
    expect(outcomes()).toEqual(['b:connected']);
  });

  it('reports an unreachable peer, a peer of another network and an unknown name as not connected, retrying each', async () => {
    const results = await activities.connectPeers({ connects: [push('c', '127.78.0.3'), push('m', '127.78.0.4'), push('nobody', '127.78.0.9')] });
    expect(results.map((r) => [r.peer.split('-')[0], r.connected, r.pushes])).toEqual([['c', false, 3], ['m', false, 3], ['nobody', false, 3]]);
    expect(results[2]?.error).toContain('Could not resolve');
    expect(outcomes().filter((o) => o.startsWith('c:'))).toEqual(['c:unreachable', 'c:unreachable', 'c:unreachable']);
    expect(outcomes().filter((o) => o.startsWith('m:'))).toEqual(['m:wrong-network', 'm:wrong-network', 'm:wrong-network']);
    expect((await readCorePeers('127.78.0.1')).peers?.authenticated.filter((ip) => ip.startsWith('127.78.'))).toEqual(['127.78.0.2']);
  });

  it('a peer that becomes reachable during the retries is verified', async () => {
    source.set([pod('a', '127.78.0.1'), pod('b', '127.78.0.2'), pod('c', '127.78.0.3', { scenarioText: 'booting' })]);
    await sim.settled();
    // The first try finds c booting; c is synced well before the second (300 ms later).
    const patient = createValidatorActivities({} as KubeRest, { verifyDelaysMs: [0, 300, 300, 300] });
    const before = outcomes().filter((o) => o.startsWith('c:')).length;
    const pending = patient.connectPeers({ connects: [push('c', '127.78.0.3')] });
    // c boots once the first /connect has reached the simulator (a fixed delay raced the first try on a busy machine).
    while (outcomes().filter((o) => o.startsWith('c:')).length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    source.set([pod('a', '127.78.0.1'), pod('b', '127.78.0.2'), pod('c', '127.78.0.3')]);
    const [result] = await pending;
    expect(result?.connected).toBe(true);
    expect(result?.pushes).toBeGreaterThanOrEqual(2);
  });

  it('a validator whose /peers cannot be read gets no /connect', async () => {
    const results = await activities.connectPeers({ connects: [{ ...push('b', '127.78.0.2'), validator: 'ns/x', validatorIp: '127.78.0.99' }] });
    expect(results).toEqual([expect.objectContaining({ connected: false, pushes: 0, error: expect.stringMatching(/^Unreachable/) })]);
  });
});
