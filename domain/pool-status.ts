import type { Condition } from './conditions.js';
import type { LedgerRange } from './shards.js';
import { canonicalJson } from './digest.js';

/** A replica's weight as shown in status. */
export interface ReplicaWeight {
  replicaName: string;
  weight: number;
  ledgerSequence?: number;
  lag?: number;
  isFresh: boolean;
  /** When the replica's weight or freshness last changed. */
  lastUpdated: string;
  reason: string;
}

/** A shard assignment as shown in status. */
export interface ShardAssignment {
  replicaName: string;
  shardId: number;
  archiveUrl: string;
  ledgerRange: LedgerRange;
}

/**
 * The autoscaler's state as shown in status, so that a workflow that starts with no memory resumes it:
 * the spec target the count was decided for (the StatefulSet's `spec.replicas` holds the count) and the
 * timers, as ISO times.
 */
export interface PoolAutoscalerStatus {
  /** The spec's targetReplicas the autoscaled count belongs to: a new target starts over from it. */
  specTarget: number;
  lastScaleTime?: string;
  /** Since when the pool has been settled with no replica lagging (the stabilization clock). */
  healthySince?: string;
}

/** The shard plan as shown in status (the owners are in `shardAssignments`), so a restart does not replan. */
export interface ShardPlanStatus {
  /** What the plan was made for: shard count, strategy and archives. */
  planKey: string;
  /** The archive ledger the ranges were cut from. */
  basisLedger: number;
  /** The replicas that existed when the plan was made. */
  members: string[];
  /** The strategy in its one form (`HashBased` for a spec's `hashBased`); absent in statuses of older versions. */
  strategy?: 'RoundRobin' | 'HashBased' | 'Manual';
}

/** The ReadOnlyPool status (status subresource). */
export interface PoolStatus {
  observedGeneration: number;
  currentReplicas: number;
  readyReplicas: number;
  freshReplicas: number;
  laggingReplicas: number;
  replicaWeights: ReplicaWeight[];
  shardAssignments: ShardAssignment[];
  averageLedgerSequence?: number;
  networkLatestLedger?: number;
  averageLag?: number;
  conditions: Condition[];
  autoscaler?: PoolAutoscalerStatus;
  shardPlan?: ShardPlanStatus;
}

/**
 * The status with the fields that move with every ledger (ledger numbers, lags, averages) left out.
 * Two statuses equal here differ only by ledger progress, which is refreshed on a slower clock.
 */
export function materialStatus(status: PoolStatus): unknown {
  const { averageLedgerSequence: _a, networkLatestLedger: _n, averageLag: _l, ...rest } = status;
  return { ...rest, replicaWeights: rest.replicaWeights.map(({ ledgerSequence: _s, lag: _g, ...weight }) => weight) };
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}
