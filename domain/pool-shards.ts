import type { ObservedPod } from './pool-observation.js';
import type { ShardBalancing } from './pool-spec.js';
import { MANUAL_SHARD_ANNOTATION, podOrdinal } from './pool-names.js';
import { assignHashBased, assignManual, assignRoundRobin, planShards, type Shard, type ShardOwners } from './shards.js';

/** The shard plan a pool workflow keeps between iterations. */
export interface ShardMemory {
  /** What the plan was made for: shard count, strategy, archives. */
  planKey: string;
  /** The archive ledger the ranges were cut from. */
  basisLedger: number;
  /** Replicas that existed when the plan was made (sorted). */
  members: string[];
  /** [shardId, replica] pairs. */
  owners: [number, string][];
}

/** The outcome of one shard decision. */
export interface ShardDecision {
  shards: Shard[];
  owners: ShardOwners;
  memory?: ShardMemory;
  /** True when assignments were recomputed over an existing plan (an Event is due). */
  rebalanced: boolean;
}

/** Pods in ordinal order. */
export function byOrdinal(pods: readonly ObservedPod[]): string[] {
  return pods.map((p) => p.name).sort((a, b) => (podOrdinal(a) ?? 0) - (podOrdinal(b) ?? 0) || (a < b ? -1 : 1));
}

/**
 * Decides shard ranges and owners. A plan is kept until its inputs change (count, strategy, archives),
 * a `rebalance` is requested, or, with `autoRebalance`, the replicas change. A HashBased replan starts
 * from the kept owners and moves only what balance needs (`assignHashBased`). Ranges are cut from the
 * archive's `currentLedger` at planning time, so a steady pool rewrites nothing as ledgers advance.
 */
export function decideShards(
  config: ShardBalancing,
  archiveUrls: readonly string[],
  pods: readonly ObservedPod[],
  archiveLedger: number | undefined,
  previous: ShardMemory | undefined,
  manualClaims: ReadonlyMap<string, number>,
  rebalanceRequested: boolean,
): ShardDecision {
  const members = byOrdinal(pods);
  const planKey = `${config.shardCount}|${config.strategy}|${archiveUrls.join(',')}`;
  const membersChanged = previous !== undefined && previous.members.join(',') !== members.join(',');
  const replan = previous === undefined || previous.planKey !== planKey || rebalanceRequested || (config.autoRebalance && membersChanged);
  const basisLedger = replan ? (archiveLedger ?? previous?.basisLedger) : previous.basisLedger;
  if (basisLedger === undefined) return { shards: [], owners: new Map(), memory: previous, rebalanced: false };
  const shards = planShards(basisLedger, config.shardCount, archiveUrls);
  const ids = shards.map((s) => s.shardId);
  let owners: ShardOwners;
  if (config.strategy === 'Manual') owners = assignManual(ids, manualClaims);
  else if (!replan) owners = new Map(previous.owners);
  else owners = config.strategy === 'HashBased' ? assignHashBased(ids, members, new Map(previous?.owners)) : assignRoundRobin(ids, members);
  const memory: ShardMemory = { planKey, basisLedger, members: replan ? members : previous.members, owners: [...owners] };
  return { shards, owners, memory, rebalanced: replan && previous !== undefined };
}

/** Manual shard claims: the spec's `manualAssignments`, overridden by each pod's annotation. */
export function manualClaims(config: ShardBalancing, pods: readonly ObservedPod[]): Map<string, number> {
  const claims = new Map<string, number>();
  for (const assignment of config.manualAssignments) claims.set(assignment.replicaName, assignment.shardId);
  for (const pod of pods) {
    const value = pod.annotations[MANUAL_SHARD_ANNOTATION];
    if (value !== undefined && /^\d+$/.test(value)) claims.set(pod.name, Number(value));
  }
  return claims;
}
