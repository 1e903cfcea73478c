import { describe, expect, it } from '@jest/globals';
import type { ReplicaProbe } from '../../domain/core-info.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { decidePool, type PoolMemory } from '../../domain/pool-decision.js';
import type { PoolObservation } from '../../domain/pool-observation.js';
import type { PoolSpecInput } from '../../domain/pool-spec.js';
import { holdsSubset } from '../../domain/subset.js';

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const NOW = Date.UTC(2026, 0, 1);

function observation(spec: Partial<PoolSpecInput>, ledgers: (number | 'down' | 'mainnet')[], extra: Partial<PoolObservation> = {}): PoolObservation {
  const pods = ledgers.map((_, i) => ({ name: `pool-${i}`, ready: true, ip: `127.1.0.${i + 2}`, labels: {}, annotations: {} }));
  const probes: ReplicaProbe[] = ledgers.map((ledger, i) => {
    if (ledger === 'down') return { replica: `pool-${i}`, ready: true, error: { type: 'Unreachable', message: 'refused' } };
    const network = ledger === 'mainnet' ? NETWORK_PASSPHRASES.Mainnet : TESTNET;
    return { replica: `pool-${i}`, ready: true, info: { state: 'Synced!', ledger: ledger === 'mainnet' ? 5000 : ledger, network } };
  });
  return {
    pool: { namespace: 'ns', name: 'pool', uid: 'uid-1', generation: 1, spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 10, targetReplicas: ledgers.length || 3, ...spec } },
    pods,
    probes,
    tipSources: [{ source: 'archive http://a', ledger: 6399, network: TESTNET }],
    sourceErrors: [],
    ...extra,
  };
}

const memory: PoolMemory = { autoscaler: {} };
const options = { now: NOW, rebalanceRequested: false };
const lag = { loadBalancing: { lagThreshold: 50 } };

describe('decidePool: freshness, weights and serving', () => {
  it('3 replicas with one lagging: 2 fresh, 1 lagging, weights 100/100/10, the lagging pod not serving', () => {
    const decision = decidePool(observation(lag, [6400, 6395, 6000]), memory, options);
    expect(decision.status).toEqual(expect.objectContaining({ freshReplicas: 2, laggingReplicas: 1, networkLatestLedger: 6400 }));
    expect(decision.status.replicaWeights.map((w) => w.weight)).toEqual([100, 100, 10]);
    expect(decision.podPatches.map((p) => p.labels)).toEqual([{ 'stellar.org/serving': 'true' }, { 'stellar.org/serving': 'true' }, {}]);
    expect(decision.status.conditions.find((c) => c.type === 'Degraded')).toEqual(expect.objectContaining({ status: 'True', reason: 'LaggingReplicas' }));
  });

  it('a wrong-network replica is never fresh and never serves, and does not move the tip', () => {
    const decision = decidePool(observation(lag, [6400, 'mainnet']), memory, options);
    expect(decision.status.replicaWeights[1]).toEqual(expect.objectContaining({ isFresh: false, weight: 0, reason: 'WrongNetwork' }));
    expect(decision.serving).toEqual(['pool-0']);
  });

  it('an unreachable replica is lagging with weight 0', () => {
    const decision = decidePool(observation(lag, [6400, 'down']), memory, options);
    expect(decision.status.replicaWeights[1]).toEqual(expect.objectContaining({ isFresh: false, weight: 0, reason: 'Unreachable' }));
  });

  it('an archive on another network is ignored and reported', () => {
    const obs = observation(lag, [6400], { tipSources: [{ source: 'archive http://m', ledger: 99999, network: NETWORK_PASSPHRASES.Mainnet }] });
    const decision = decidePool(obs, memory, options);
    expect(decision.status.networkLatestLedger).toBe(6400);
    expect(decision.status.conditions.find((c) => c.type === 'Degraded')?.message).toMatch(/archive http:\/\/m ignored/);
  });

  it.each([
    ['an unreadable archive only', [6400], ['archive https://far unreadable: EgressDenied: not loopback'], 'UnreadableSources'],
    ['an unreadable archive and a lagging replica', [6400, 6000], ['archive https://far unreadable: Timeout: slow'], 'LaggingReplicas'],
  ] as const)('%s: Degraded names the source (reason %s)', (_, ledgers, sourceErrors, reason) => {
    const decision = decidePool(observation(lag, [...ledgers], { sourceErrors: [...sourceErrors] }), memory, options);
    const degraded = decision.status.conditions.find((c) => c.type === 'Degraded');
    expect(degraded).toEqual(expect.objectContaining({ status: 'True', reason }));
    expect(degraded?.message).toContain(sourceErrors[0]);
    expect(decision.objects.map((o) => o.kind)).toContain('StatefulSet');
  });
});

describe('decidePool: objects', () => {
  const decision = decidePool(observation({ storage: { size: '5Gi', retentionPolicy: 'Retain' } }, [6400, 6400, 6400]), memory, options);
  const byKind = (kind: string, name: string) => decision.objects.find((o) => o.kind === kind && o.metadata.name === name);

  it('owns the config and alerts ConfigMaps, a StatefulSet, a headless and a read Service and a NetworkPolicy, all with a controller owner reference', () => {
    expect(decision.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['ConfigMap/pool-alerts', 'ConfigMap/pool-config', 'NetworkPolicy/pool-admin', 'Service/pool-hl', 'Service/pool-read', 'StatefulSet/pool']);
    for (const object of decision.objects) {
      expect(object.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReadOnlyPool', uid: 'uid-1', controller: true })]);
    }
  });

  it('the StatefulSet has one volume per replica from storage and PVC retention from retentionPolicy', () => {
    expect(holdsSubset({
      spec: {
        replicas: 3,
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        volumeClaimTemplates: [{ spec: { resources: { requests: { storage: '5Gi' } } } }],
      },
    }, byKind('StatefulSet', 'pool'))).toBe(true);
  });

  it('the read Service selects only serving pods of this pool', () => {
    expect((byKind('Service', 'pool-read')?.spec as { selector: unknown }).selector).toEqual({
      'app.kubernetes.io/name': 'stellar-core', 'stellar.org/pool': 'pool', 'stellar.org/serving': 'true',
    });
  });

  it('is identical on a second pass (no timestamps or random values)', () => {
    const again = decidePool(observation({ storage: { size: '5Gi', retentionPolicy: 'Retain' } }, [6400, 6400, 6400]), memory, { ...options, now: NOW + 60_000 });
    expect(again.objects).toEqual(decision.objects);
  });
});

describe('decidePool: GatewayAPI mode', () => {
  it('adds one Service per replica and an HTTPRoute whose backendRefs carry the weights', () => {
    const decision = decidePool(observation({ loadBalancing: { mode: 'GatewayAPI', lagThreshold: 50 } }, [6400, 6000, 'mainnet']), memory, options);
    const route = decision.objects.find((o) => o.kind === 'HTTPRoute') as unknown as { spec: { rules: { backendRefs: unknown[] }[] } };
    expect(route.spec.rules[0]?.backendRefs).toEqual([
      { name: 'pool-0', port: 11627, weight: 100 }, { name: 'pool-1', port: 11627, weight: 10 }, { name: 'pool-2', port: 11627, weight: 0 },
    ]);
    const perReplica = decision.objects.filter((o) => o.kind === 'Service' && o.metadata.name.startsWith('pool-') && o.metadata.name !== 'pool-hl' && o.metadata.name !== 'pool-read');
    expect(perReplica.map((o) => (o.spec as { selector: Record<string, string> }).selector['statefulset.kubernetes.io/pod-name'])).toEqual(['pool-0', 'pool-1', 'pool-2']);
  });

  it('deletes the per-replica Services of ordinals a scale-down removed, and keeps those of pods being recreated', () => {
    const gateway = { loadBalancing: { mode: 'GatewayAPI' as const, lagThreshold: 50 }, targetReplicas: 2 };
    // pool-1's pod is being recreated (not observed); pool-2 and pool-3 are above the 2 replicas now wanted.
    const decision = decidePool(observation(gateway, [6400], { replicaServices: ['pool-0', 'pool-1', 'pool-2', 'pool-3'] }), memory, options);
    expect(decision.obsoleteServices).toEqual(['pool-2', 'pool-3']);
  });

  it('deletes every per-replica Service once the pool leaves GatewayAPI mode, and none for an invalid spec', () => {
    expect(decidePool(observation({}, [6400, 6400], { replicaServices: ['pool-0', 'pool-1'] }), memory, options).obsoleteServices).toEqual(['pool-0', 'pool-1']);
    expect(decidePool(observation({ minReplicas: 5, maxReplicas: 3 }, [6400], { replicaServices: ['pool-0'] }), memory, options).obsoleteServices).toEqual([]);
  });

  const routeSpec = (decision: ReturnType<typeof decidePool>) => decision.objects.find((o) => o.kind === 'HTTPRoute')?.spec as { parentRefs?: unknown[] } | undefined;
  const gatewayMode = (parentRefs?: unknown) => ({ loadBalancing: { mode: 'GatewayAPI' as const, lagThreshold: 50, ...(parentRefs ? { parentRefs } : {}) } }) as Partial<PoolSpecInput>;

  it.each([
    ['none given: no parentRefs field', undefined, undefined],
    ['a Gateway by name', [{ name: 'public' }], [{ name: 'public' }]],
    ['a listener of a Gateway in another namespace', [{ name: 'edge', namespace: 'infra', sectionName: 'http', port: 80 }], [{ name: 'edge', namespace: 'infra', sectionName: 'http', port: 80 }]],
    ['two Gateways, in order', [{ name: 'a' }, { name: 'b', kind: 'Gateway', group: 'gateway.networking.k8s.io' }], [{ name: 'a' }, { name: 'b', kind: 'Gateway', group: 'gateway.networking.k8s.io' }]],
  ])('writes the spec\'s parentRefs into the HTTPRoute: %s', (_, given, expected) => {
    expect(routeSpec(decidePool(observation(gatewayMode(given), [6400]), memory, options))?.parentRefs).toEqual(expected);
  });

  it.each([
    ['Service mode, route observed: delete it', {}, true, 'pool-read'],
    ['Service mode, no route: nothing to delete (idempotent)', {}, false, undefined],
    ['GatewayAPI mode, route observed: keep it', gatewayMode(), true, undefined],
    ['GatewayAPI mode, no route: nothing to delete', gatewayMode(), false, undefined],
  ])('decides the HTTPRoute deletion from what exists: %s', (_, spec, httpRoute, expected) => {
    expect(decidePool(observation(spec, [6400], { httpRoute }), memory, options).obsoleteRoute).toBe(expected);
  });

  it('writes no HTTPRoute in the default Service mode', () => {
    expect(decidePool(observation({}, [6400]), memory, options).objects.some((o) => o.kind === 'HTTPRoute')).toBe(false);
  });
});

describe('decidePool: shards', () => {
  const shardSpec = { shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' as const }, historyArchiveUrls: ['http://a'] };

  it('annotates every pod with its shard, archive URL and ledger range, and lists them in status', () => {
    const decision = decidePool(observation(shardSpec, [6400, 6400, 6400, 6400]), memory, options);
    expect(decision.podPatches.map((p) => p.annotations['stellar.org/shard-id'])).toEqual(['0', '1', '2', '3']);
    expect(decision.podPatches[0]?.annotations).toEqual(expect.objectContaining({ 'stellar.org/archive-url': 'http://a', 'stellar.org/ledger-range': '1-1599' }));
    expect(decision.status.shardAssignments).toHaveLength(4);
  });

  it('keeps assignments with autoRebalance false until a rebalance is requested', () => {
    const spec = { ...shardSpec, shardBalancing: { ...shardSpec.shardBalancing, autoRebalance: false } };
    const first = decidePool(observation(spec, [6400, 6400]), memory, options);
    const grown = decidePool(observation(spec, [6400, 6400, 6400]), first.memory, options);
    expect(grown.status.shardAssignments.map((s) => s.replicaName)).toEqual(['pool-0', 'pool-1', 'pool-0', 'pool-1']);
    const rebalanced = decidePool(observation(spec, [6400, 6400, 6400]), grown.memory, { ...options, rebalanceRequested: true });
    expect(rebalanced.status.shardAssignments.map((s) => s.replicaName)).toEqual(['pool-0', 'pool-1', 'pool-2', 'pool-0']);
    expect(rebalanced.events).toContainEqual(expect.objectContaining({ reason: 'Rebalanced' }));
  });

  it('makes the first plan only once the desired replicas exist', () => {
    const early = decidePool(observation({ ...shardSpec, targetReplicas: 3 }, [6400]), memory, options);
    expect(early.status.shardAssignments).toEqual([]);
    expect(early.memory.shards).toBeUndefined();
  });

  it('keeps ranges while the archive advances (a steady pool rewrites nothing)', () => {
    const first = decidePool(observation(shardSpec, [6400, 6400]), memory, options);
    const later = observation(shardSpec, [9000, 9000], { tipSources: [{ source: 'archive http://a', ledger: 8959, network: TESTNET }] });
    expect(decidePool(later, first.memory, options).podPatches).toEqual(first.podPatches);
  });
});

describe('decidePool: scaling and status writes', () => {
  it('scales up when most replicas lag, and records a ScaledUp event', () => {
    const decision = decidePool(observation(lag, [6400, 100, 100]), memory, options);
    expect(decision.memory.replicas).toBe(4);
    expect(decision.events).toContainEqual(expect.objectContaining({ reason: 'ScaledUp', message: 'replicas 3 -> 4' }));
    const sts = decision.objects.find((o) => o.kind === 'StatefulSet') as unknown as { spec: { replicas: number } };
    expect(sts.spec.replicas).toBe(4);
  });

  it('does not scale up for replicas that do not answer yet (pods just started)', () => {
    expect(decidePool(observation(lag, ['down', 'down', 6400]), memory, options).memory.replicas).toBe(3);
  });

  it('does not scale again while the new replica does not exist yet', () => {
    const first = decidePool(observation(lag, [6400, 100, 100]), memory, options);
    const again = decidePool(observation(lag, [6400, 100, 100]), first.memory, { ...options, now: NOW + 3_600_000 });
    expect(again.memory.replicas).toBe(4);
  });

  it('skips the status write when nothing material changed and ledger numbers are recent', () => {
    const first = decidePool(observation(lag, [6400, 6400]), memory, options);
    const withStatus = observation(lag, [6410, 6410], { tipSources: [] });
    withStatus.pool.status = first.status;
    expect(decidePool(withStatus, first.memory, { ...options, now: NOW + 10_000 }).writeStatus).toBe(false);
    expect(decidePool(withStatus, first.memory, { ...options, now: NOW + 400_000 }).writeStatus).toBe(true);
  });

  it('an invalid spec applies nothing and says why in status', () => {
    const decision = decidePool(observation({ minReplicas: 4, maxReplicas: 2, targetReplicas: 3 }, [6400]), memory, options);
    expect(decision.objects).toEqual([]);
    expect(decision.status.conditions.find((c) => c.type === 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'InvalidSpec' }));
  });
});
