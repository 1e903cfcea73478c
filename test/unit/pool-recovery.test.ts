import { describe, expect, it } from '@jest/globals';
import type { ReplicaProbe } from '../../domain/core-info.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { decidePool, type PoolDecision, type PoolMemory } from '../../domain/pool-decision.js';
import type { PoolObservation } from '../../domain/pool-observation.js';
import type { PoolSpecInput } from '../../domain/pool-spec.js';
import type { PoolStatus } from '../../domain/pool-status.js';

// A workflow that starts with no memory (after `steward stop`, a lost history, a new Temporal namespace)
// must decide exactly what the one before it would have, from what the cluster shows.

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const NOW = Date.UTC(2026, 0, 1);
const EMPTY: PoolMemory = { autoscaler: {} };
const SHARDS = { shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' as const, autoRebalance: false }, historyArchiveUrls: ['http://a'] };

function observe(spec: Partial<PoolSpecInput>, ledgers: number[], status: PoolStatus | undefined, statefulSetReplicas: number | undefined): PoolObservation {
  const pods = ledgers.map((_, i) => ({ name: `pool-${i}`, ready: true, labels: {}, annotations: {} }));
  const probes: ReplicaProbe[] = ledgers.map((ledger, i) => ({ replica: `pool-${i}`, ready: true, info: { state: 'Synced!', ledger, network: TESTNET } }));
  return {
    pool: { namespace: 'ns', name: 'pool', uid: 'uid-1', generation: 1, spec: { network: 'Testnet', minReplicas: 2, maxReplicas: 6, targetReplicas: 2, loadBalancing: { lagThreshold: 50 }, ...spec }, status },
    statefulSetReplicas,
    pods,
    probes,
    tipSources: [{ source: 'archive http://a', ledger: 6399, network: TESTNET }],
    sourceErrors: [],
  };
}

/** A pool's history: each step observes the cluster the previous one left (status written, StatefulSet scaled). */
function history(spec: Partial<PoolSpecInput>, steps: { ledgers: number[]; at: number }[]): { decision: PoolDecision; status?: PoolStatus; statefulSetReplicas?: number } {
  let memory = EMPTY;
  let status: PoolStatus | undefined;
  let statefulSetReplicas: number | undefined;
  let decision: PoolDecision | undefined;
  for (const step of steps) {
    decision = decidePool(observe(spec, step.ledgers, status, statefulSetReplicas), memory, { now: step.at, rebalanceRequested: false });
    memory = decision.memory;
    if (decision.writeStatus) status = decision.status;
    statefulSetReplicas = decision.memory.replicas;
  }
  return { decision: decision as PoolDecision, status, statefulSetReplicas };
}

const fresh = (n: number): number[] => Array.from({ length: n }, () => 6400);

describe('decidePool with no memory resumes from the cluster', () => {
  // Scaled 2 -> 3 by lag, then settled and healthy for a minute: a count above the target, both timers
  // running, and a shard plan made over 2 replicas that autoRebalance false keeps over 3.
  const scaled = [
    { ledgers: fresh(2), at: NOW },
    { ledgers: [100, 100], at: NOW + 10_000 },
    { ledgers: fresh(3), at: NOW + 20_000 },
    { ledgers: fresh(3), at: NOW + 80_000 },
  ];

  it.each<[string, Partial<PoolSpecInput>, { ledgers: number[]; at: number }[], number]>([
    ['an autoscaled count with shards kept over a grown pool', SHARDS, scaled, 3],
    ['an autoscaled count without shards', {}, scaled, 3],
    ['a pool at its target', SHARDS, [{ ledgers: fresh(2), at: NOW }, { ledgers: fresh(2), at: NOW + 10_000 }], 2],
  ])('%s: the same replicas, shards, status and no write or event', (_name, spec, steps, replicas) => {
    const before = history(spec, steps);
    const next = observe(spec, fresh(replicas), before.status, before.statefulSetReplicas);
    const at = { now: NOW + 90_000, rebalanceRequested: false };
    const withMemory = decidePool(next, before.decision.memory, at);
    const restarted = decidePool(next, EMPTY, at);

    expect(restarted.memory.replicas).toBe(replicas);
    expect(restarted.memory.replicas).toBe(withMemory.memory.replicas);
    expect(restarted.objects).toEqual(withMemory.objects);
    expect(restarted.podPatches).toEqual(withMemory.podPatches);
    expect(restarted.status).toEqual(withMemory.status);
    expect(restarted.memory.autoscaler).toEqual(withMemory.memory.autoscaler);
    expect(restarted.writeStatus).toBe(false);
    expect(restarted.events).toEqual([]);
  });

  it('keeps the shard plan: a restart over a pod the plan does not include does not replan', () => {
    const before = history(SHARDS, scaled);
    expect(before.status?.shardAssignments.map((s) => s.replicaName)).toEqual(['pool-0', 'pool-1', 'pool-0', 'pool-1']);
    const restarted = decidePool(observe(SHARDS, fresh(3), before.status, 3), EMPTY, { now: NOW + 90_000, rebalanceRequested: false });
    expect(restarted.status.shardAssignments.map((s) => s.replicaName)).toEqual(['pool-0', 'pool-1', 'pool-0', 'pool-1']);
    expect(restarted.events.map((e) => e.reason)).not.toContain('Rebalanced');
  });

  it('resumes the stabilization clock: the scale-down comes when it would have without the restart', () => {
    const before = history({}, scaled);
    const healthySince = before.status?.autoscaler?.healthySince;
    expect(healthySince).toBe(new Date(NOW + 20_000).toISOString());
    const window = { now: NOW + 20_000 + 300_000, rebalanceRequested: false };
    const restarted = decidePool(observe({}, fresh(3), before.status, 3), EMPTY, window);
    expect(restarted.memory.replicas).toBe(2);
    expect(restarted.events).toContainEqual(expect.objectContaining({ reason: 'ScaledDown', message: 'replicas 3 -> 2' }));
    const early = decidePool(observe({}, fresh(3), before.status, 3), EMPTY, { ...window, now: window.now - 1 });
    expect(early.memory.replicas).toBe(3);
  });

  it('resumes the cooldown: no second scale-up within it after a restart', () => {
    const before = history({ ...SHARDS, maxReplicas: 6 }, scaled.slice(0, 3));
    const lagging = decidePool(observe(SHARDS, [100, 100, 100], before.status, 3), EMPTY, { now: NOW + 30_000, rebalanceRequested: false });
    expect(lagging.memory.replicas).toBe(3);
  });

  it.each<[string, (status: PoolStatus) => PoolStatus, Partial<PoolSpecInput>, number | undefined]>([
    ['the spec target changed meanwhile', (s) => s, { targetReplicas: 4, minReplicas: 2 }, 3],
    ['the StatefulSet count lies outside [min, max] now', (s) => s, { maxReplicas: 2 }, 3],
    ['a status written by an older version (no autoscaler field)', ({ autoscaler: _a, ...s }) => s, {}, 3],
    ['the StatefulSet is gone', (s) => s, {}, undefined],
  ])('starts over from the target when %s', (_name, edit, spec, statefulSetReplicas) => {
    const before = history({}, scaled);
    const status = edit(before.status as PoolStatus);
    const restarted = decidePool(observe(spec, fresh(3), status, statefulSetReplicas), EMPTY, { now: NOW + 90_000, rebalanceRequested: false });
    expect(restarted.memory.replicas).toBe(spec.targetReplicas ?? 2);
  });

  it('shows the autoscaler state and the shard plan in status', () => {
    const { status } = history(SHARDS, scaled);
    expect(status?.autoscaler).toEqual({ specTarget: 2, lastScaleTime: new Date(NOW + 10_000).toISOString(), healthySince: new Date(NOW + 20_000).toISOString() });
    expect(status?.shardPlan).toEqual({ planKey: '4|RoundRobin|http://a', basisLedger: 6399, members: ['pool-0', 'pool-1'], strategy: 'RoundRobin' });
  });

  it.each([['hashBased', 'HashBased'], ['roundRobin', 'RoundRobin'], ['manual', 'Manual']] as const)(
    "shows a spec's %s strategy as %s in status, and plans it the same",
    (written, normalized) => {
      const { status } = history({ ...SHARDS, shardBalancing: { ...SHARDS.shardBalancing, strategy: written } }, scaled);
      const { status: plain } = history({ ...SHARDS, shardBalancing: { ...SHARDS.shardBalancing, strategy: normalized } }, scaled);
      expect(status?.shardPlan?.strategy).toBe(normalized);
      expect(status?.shardPlan?.planKey).toBe(`4|${normalized}|http://a`);
      expect(status?.shardAssignments).toEqual(plain?.shardAssignments);
    },
  );
});
