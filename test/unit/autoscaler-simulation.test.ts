import { describe, expect, it } from '@jest/globals';
import type { ReplicaProbe } from '../../domain/core-info.js';
import { NETWORK_PASSPHRASES } from '../../domain/network.js';
import { decidePool, type PoolMemory } from '../../domain/pool-decision.js';
import type { PoolObservation } from '../../domain/pool-observation.js';
import type { PoolStatus } from '../../domain/pool-status.js';

// A ReadOnlyPool driven by decidePool over simulated time, against a small model of the cluster: the
// StatefulSet takes the decided count, its pods appear (or go) one step later, and each pod's health at
// each moment comes from the scenario. Status is written back only when the decision says so, as the
// workflow does, so a "restart" (memory dropped) sees exactly what a real one would.

const TESTNET = NETWORK_PASSPHRASES.Testnet;
const START = Date.UTC(2026, 0, 1);
const STEP_S = 10;
const HOUR_S = 3600;
const TIP = 100_000;

/** A pod's health at a moment: fresh, behind the tip, not Ready (PVC Pending, image pull, crash loop), or Ready but not answering. */
type Health = 'fresh' | 'lagging' | 'unready' | 'silent';
/** The health of replica `ordinal` at `t` seconds into the run. */
type Scenario = (ordinal: number, t: number) => Health;

interface Run {
  /** The StatefulSet's replica count at each step. */
  replicas: number[];
  shardOwners: string[][];
}

interface SimOptions {
  target?: number;
  min?: number;
  max?: number;
  seconds?: number;
  /** Steps (indexes) at which the workflow restarts with no memory. */
  restartsAt?: ReadonlySet<number>;
  shards?: boolean;
}

function probe(name: string, health: Health): ReplicaProbe {
  if (health === 'unready') return { replica: name, ready: false, error: { type: 'Unreachable', message: 'connection refused' } };
  if (health === 'silent') return { replica: name, ready: true, error: { type: 'Timeout', message: 'no answer in 2 s' } };
  return { replica: name, ready: true, info: { state: 'Synced!', ledger: health === 'fresh' ? TIP : TIP - 500, network: TESTNET } };
}

function simulate(scenario: Scenario, options: SimOptions = {}): Run {
  const { target = 3, min = 3, max = 10, seconds = HOUR_S, restartsAt = new Set<number>(), shards = false } = options;
  const spec = {
    network: 'Testnet', minReplicas: min, maxReplicas: max, targetReplicas: target, loadBalancing: { lagThreshold: 50 },
    ...(shards ? { shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' as const }, historyArchiveUrls: ['http://a'] } : {}),
  };
  let memory: PoolMemory = { autoscaler: {} };
  let status: PoolStatus | undefined;
  let statefulSetReplicas: number | undefined;
  let podCount = 0;
  const run: Run = { replicas: [], shardOwners: [] };
  for (let step = 0; step * STEP_S <= seconds; step += 1) {
    const t = step * STEP_S;
    if (restartsAt.has(step)) memory = { autoscaler: {} };
    const names = Array.from({ length: podCount }, (_, i) => `pool-${i}`);
    const observed: PoolObservation = {
      pool: { namespace: 'ns', name: 'pool', uid: 'uid-1', generation: 1, spec, status },
      statefulSetReplicas,
      pods: names.map((name, i) => ({ name, ready: scenario(i, t) !== 'unready', labels: {}, annotations: {} })),
      probes: names.map((name, i) => probe(name, scenario(i, t))),
      tipSources: [{ source: 'archive http://a', ledger: TIP, network: TESTNET }],
      sourceErrors: [],
    };
    const decision = decidePool(observed, memory, { now: START + t * 1000, rebalanceRequested: false });
    memory = decision.memory;
    if (decision.writeStatus) status = decision.status;
    // The pods follow the StatefulSet one step later (created or deleted by its controller).
    podCount = statefulSetReplicas ?? 0;
    statefulSetReplicas = decision.memory.replicas;
    run.replicas.push(statefulSetReplicas ?? 0);
    run.shardOwners.push(decision.status.shardAssignments.map((a) => a.replicaName));
  }
  return run;
}

/** The replica counts the pool went through, one entry per change (3,3,4,4,3 -> 3,4,3). */
function runs(series: readonly number[]): number[] {
  return series.filter((value, i) => i === 0 || value !== series[i - 1]);
}

const minutes = (m: number): number => m * 60;

describe('autoscaler over one simulated hour (10 s steps): no flapping', () => {
  it.each<[string, Scenario, SimOptions, number[]]>([
    [
      'a replica that never becomes Ready while the others lag: scaled up once, never removed and re-added (no 3→4→3→4)',
      (i) => (i === 3 ? 'unready' : i < 2 ? 'lagging' : 'fresh'),
      {}, [3, 4],
    ],
    [
      'a pool already above its target with a replica that never becomes Ready: it stays put',
      (i) => (i === 4 ? 'unready' : 'fresh'),
      { target: 5, min: 3 }, [5],
    ],
    [
      'lag oscillating around the threshold every step: one scale-up, then nothing',
      (i, t) => (i < 2 && (t / STEP_S) % 2 === 0 ? 'lagging' : 'fresh'),
      {}, [3, 4],
    ],
    [
      'lag oscillating with a 4-minute period (shorter than the 5-minute stabilization window)',
      (i, t) => (i < 2 && t % minutes(4) < minutes(2) ? 'lagging' : 'fresh'),
      {}, [3, 4],
    ],
    [
      'a replica that drops out of Ready for 30 s every 4 minutes keeps the clock from ever completing',
      (i, t) => (i < 2 && t < minutes(5) ? 'lagging' : i === 3 && t % minutes(4) < 30 ? 'unready' : 'fresh'),
      {}, [3, 4],
    ],
    [
      'a Ready replica that never answers its probe is not stable time either',
      (i, t) => (i < 2 && t < minutes(5) ? 'lagging' : i === 3 ? 'silent' : 'fresh'),
      {}, [3, 4],
    ],
    [
      'control: lag that clears is followed by exactly one scale-down after the window',
      (i, t) => (i < 2 && t < minutes(10) ? 'lagging' : 'fresh'),
      {}, [3, 4, 3],
    ],
    [
      'control: a new replica slow to become Ready (20 min) is kept, and removed once the lag clears',
      (i, t) => (i === 3 && t < minutes(20) ? 'unready' : i < 2 && t < minutes(30) ? 'lagging' : 'fresh'),
      {}, [3, 4, 3],
    ],
  ])('%s', (_name, scenario, options, expected) => {
    const run = simulate(scenario, options);
    expect(run.replicas).toHaveLength(HOUR_S / STEP_S + 1);
    expect(runs(run.replicas)).toEqual(expected);
  });

  it('scales down no earlier than the stabilization window after the pool settled healthy', () => {
    const run = simulate((i, t) => (i < 2 && t < minutes(10) ? 'lagging' : 'fresh'));
    const down = run.replicas.findIndex((r, i) => i > 0 && r < (run.replicas[i - 1] ?? 0));
    // The lag clears at 10 min; the window is 5 min: the earliest scale-down is at 15 min.
    expect(down * STEP_S).toBeGreaterThanOrEqual(minutes(15));
    expect(down * STEP_S).toBeLessThanOrEqual(minutes(15) + 2 * STEP_S);
  });
});

describe('autoscaler over one simulated hour: a restart with no memory changes nothing', () => {
  const everyTenMinutes = new Set(Array.from({ length: 6 }, (_, k) => (k * minutes(10) + STEP_S) / STEP_S));
  const everyStep = new Set(Array.from({ length: HOUR_S / STEP_S + 1 }, (_, k) => k));

  it.each<[string, Scenario, SimOptions]>([
    ['lag that clears (up, then down after the window)', (i, t) => (i < 2 && t < minutes(10) ? 'lagging' : 'fresh'), {}],
    ['a replica that never becomes Ready', (i) => (i === 3 ? 'unready' : i < 2 ? 'lagging' : 'fresh'), {}],
    ['lag oscillating with a 4-minute period, with shards', (i, t) => (i < 2 && t % minutes(4) < minutes(2) ? 'lagging' : 'fresh'), { shards: true }],
    ['repeated lag spells an hour long, with shards', (i, t) => (i < 3 && t % minutes(20) < minutes(8) ? 'lagging' : 'fresh'), { shards: true, max: 6 }],
  ])('%s: the same counts and shard owners with restarts every 10 minutes, and at every step', (_name, scenario, options) => {
    const steady = simulate(scenario, options);
    for (const restartsAt of [everyTenMinutes, everyStep]) {
      const restarted = simulate(scenario, { ...options, restartsAt });
      expect(restarted.replicas).toEqual(steady.replicas);
      expect(restarted.shardOwners).toEqual(steady.shardOwners);
    }
  });
});
