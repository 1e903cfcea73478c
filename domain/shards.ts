import { fnv1a32 } from './network.js';

/** Ledgers per history-archive checkpoint. */
export const CHECKPOINT_FREQUENCY = 64;

/** A checkpoint-aligned range of ledgers, inclusive. */
export interface LedgerRange {
  start: number;
  end: number;
}

/** One shard of history-archive work. */
export interface Shard {
  shardId: number;
  archiveUrl: string;
  ledgerRange: LedgerRange;
}

/** The checkpoint ledger that contains `ledger`: `((ledger / 64) + 1) * 64 - 1`. */
export function checkpointContaining(ledger: number): number {
  return (Math.floor(ledger / CHECKPOINT_FREQUENCY) + 1) * CHECKPOINT_FREQUENCY - 1;
}

/**
 * Splits ledgers [1, currentLedger] (currentLedger: the archive's newest checkpoint) into `shardCount`
 * contiguous checkpoint-aligned ranges whose sizes differ by at most one checkpoint, and gives each shard
 * an archive URL in turn. With fewer checkpoints than shards, the extra shards are left out.
 */
export function planShards(currentLedger: number, shardCount: number, archiveUrls: readonly string[]): Shard[] {
  const checkpoints = Math.floor((checkpointContaining(currentLedger) + 1) / CHECKPOINT_FREQUENCY);
  const shards: Shard[] = [];
  for (let shardId = 0; shardId < shardCount; shardId += 1) {
    const first = Math.floor((shardId * checkpoints) / shardCount);
    const last = Math.floor(((shardId + 1) * checkpoints) / shardCount);
    if (last === first || archiveUrls.length === 0) continue;
    const archiveUrl = archiveUrls[shardId % archiveUrls.length] as string;
    shards.push({ shardId, archiveUrl, ledgerRange: { start: Math.max(1, first * CHECKPOINT_FREQUENCY), end: last * CHECKPOINT_FREQUENCY - 1 } });
  }
  return shards;
}

/** Shard id to replica name. */
export type ShardOwners = Map<number, string>;

/** RoundRobin: shard i goes to the i-th replica (replicas in the given order, e.g. by ordinal), wrapping. */
export function assignRoundRobin(shardIds: readonly number[], replicas: readonly string[]): ShardOwners {
  const owners: ShardOwners = new Map();
  if (replicas.length === 0) return owners;
  shardIds.forEach((shardId, index) => owners.set(shardId, replicas[index % replicas.length] as string));
  return owners;
}

/**
 * HashBased: rendezvous (highest-random-weight) hashing with FNV-1a, so an assignment depends only on
 * the shard id and the replica names: stable across restarts and process versions, and a replica
 * joining or leaving moves only the shards it wins or held (about 1/(n+1) of them).
 */
export function assignHashBased(shardIds: readonly number[], replicas: readonly string[]): ShardOwners {
  const owners: ShardOwners = new Map();
  for (const shardId of shardIds) {
    let best: { replica: string; score: number } | undefined;
    for (const replica of replicas) {
      const score = mix(fnv1a32(`${replica}#${shardId}`));
      if (!best || score > best.score || (score === best.score && replica < best.replica)) best = { replica, score };
    }
    if (best) owners.set(shardId, best.replica);
  }
  return owners;
}

/**
 * Manual: each replica's shard comes from the spec's `manualAssignments` or its pod annotation
 * `stellar.org/manual-shard-id` (the annotation wins). Shards nobody claims stay unassigned; a shard
 * claimed by two replicas goes to the first in name order.
 */
export function assignManual(shardIds: readonly number[], claims: ReadonlyMap<string, number>): ShardOwners {
  const owners: ShardOwners = new Map();
  const valid = new Set(shardIds);
  for (const replica of [...claims.keys()].sort()) {
    const shardId = claims.get(replica) as number;
    if (valid.has(shardId) && !owners.has(shardId)) owners.set(shardId, replica);
  }
  return owners;
}

/** The fraction of shards whose owner differs between two assignments (over the shards of `after`). */
export function movedFraction(before: ShardOwners, after: ShardOwners): number {
  if (after.size === 0) return 0;
  let moved = 0;
  for (const [shardId, owner] of after) if (before.get(shardId) !== owner) moved += 1;
  return moved / after.size;
}

/** The murmur3 finaliser: spreads FNV's low-entropy high bits so rendezvous scores are uniform. */
function mix(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
