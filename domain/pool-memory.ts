import type { AutoscalerMemory } from './autoscaler.js';
import type { PoolObservation } from './pool-observation.js';
import type { ShardMemory } from './pool-shards.js';
import type { PoolSpec } from './pool-spec.js';
import type { PoolAutoscalerStatus, PoolStatus, ShardPlanStatus } from './pool-status.js';

/** What a pool workflow carries from one iteration to the next (and across continue-as-new). */
export interface PoolMemory {
  /** The replica count the autoscaler decided. */
  replicas?: number;
  /** The spec's targetReplicas when `replicas` was set: a new target resets the count. */
  specTarget?: number;
  autoscaler: AutoscalerMemory;
  shards?: ShardMemory;
  /** Epoch ms of the last status write (ledger numbers are refreshed at most this often). */
  lastStatusWriteAt?: number;
}

/**
 * Fills what `memory` lacks from what the cluster shows, so that a workflow started with no memory (after
 * `steward stop`, a lost history, a new Temporal namespace) resumes where the last one was:
 * - the replica count from the StatefulSet's `spec.replicas`, with the autoscaler timers from
 *   `status.autoscaler`, when `status.autoscaler.specTarget` is still the spec's targetReplicas and the
 *   count lies within [minReplicas, maxReplicas] (else the count starts over from the target, as a new
 *   target does; a status without `autoscaler`, written by an older version, also starts over);
 * - the shard plan from `status.shardPlan` and the owners from `status.shardAssignments`;
 * - the last status write as now: the status found is taken as fresh, so a restart does not rewrite it
 *   only to refresh ledger numbers.
 * Memory that is present is kept as it is.
 */
export function recoverPoolMemory(observed: PoolObservation, spec: PoolSpec, memory: PoolMemory, now: number): PoolMemory {
  const status = observed.pool.status;
  if (!status) return memory;
  let recovered = memory;
  if (memory.replicas === undefined) {
    recovered = { ...recovered, ...recoverScale(status.autoscaler, observed.statefulSetReplicas, spec), lastStatusWriteAt: memory.lastStatusWriteAt ?? now };
  }
  if (memory.shards === undefined && spec.shardBalancing.enabled && status.shardPlan) {
    recovered = { ...recovered, shards: recoverShards(status.shardPlan, status) };
  }
  return recovered;
}

function recoverScale(saved: PoolAutoscalerStatus | undefined, statefulSetReplicas: number | undefined, spec: PoolSpec): Partial<PoolMemory> {
  if (saved?.specTarget !== spec.targetReplicas) return {};
  const autoscaler: AutoscalerMemory = { lastScaleAt: epochMs(saved.lastScaleTime), healthySince: epochMs(saved.healthySince) };
  const inRange = statefulSetReplicas !== undefined && statefulSetReplicas >= spec.minReplicas && statefulSetReplicas <= spec.maxReplicas;
  return { specTarget: saved.specTarget, autoscaler, ...(inRange ? { replicas: statefulSetReplicas } : {}) };
}

function recoverShards(plan: ShardPlanStatus, status: PoolStatus): ShardMemory {
  return { planKey: plan.planKey, basisLedger: plan.basisLedger, members: [...plan.members], owners: status.shardAssignments.map((a): [number, string] => [a.shardId, a.replicaName]) };
}

/** The autoscaler memory as shown in status (`status.autoscaler`). */
export function autoscalerStatus(specTarget: number, memory: AutoscalerMemory): PoolAutoscalerStatus {
  return { specTarget, lastScaleTime: isoTime(memory.lastScaleAt), healthySince: isoTime(memory.healthySince) };
}

/** The shard plan as shown in status (`status.shardPlan`), with the spec's normalized strategy; undefined without a plan. */
export function shardPlanStatus(memory: ShardMemory | undefined, strategy: ShardPlanStatus['strategy']): ShardPlanStatus | undefined {
  return memory && { planKey: memory.planKey, basisLedger: memory.basisLedger, members: [...memory.members], strategy };
}

function isoTime(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function epochMs(iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}
