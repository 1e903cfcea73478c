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
 * HashBased: rendezvous (highest-random-weight) hashing with FNV-1a and a capacity bound, so that every
 * replica holds `floor(S/R)` or `ceil(S/R)` of the S shards (plain rendezvous left one of 21 replicas
 * with none of 64 shards). Only the shard id and the replica names enter the hash: the same input gives
 * the same plan in any process, with no randomness.
 *
 * With `previous` (the kept plan), the result is the balanced plan that moves the fewest shards from it:
 * shards keep their owner where it is still a member and under its bound; the shards of replicas that
 * left, shards over a bound (each over-full replica sheds those it scores lowest) and new shard ids go,
 * in shard-id order, to the replica with room that scores them highest. The replicas allowed
 * `ceil(S/R)` are those holding most, so no shard moves only to make room. A replica joining n others
 * thus receives about S/(n+1) shards and nothing else moves. Without `previous`, the plan starts from
 * every shard's rendezvous winner.
 */
export function assignHashBased(shardIds: readonly number[], replicas: readonly string[], previous: ReadonlyMap<number, string> = new Map()): ShardOwners {
  const members = [...new Set(replicas)].sort();
  if (members.length === 0) return new Map();
  const memberSet = new Set(members);
  const start = new Map<number, string>();
  const unplaced: number[] = [];
  for (const shardId of shardIds) {
    const owner = previous.size > 0 ? previous.get(shardId) : rendezvousWinner(shardId, members);
    if (owner !== undefined && memberSet.has(owner)) start.set(shardId, owner);
    else unplaced.push(shardId);
  }
  const held = new Map<string, number[]>(members.map((m) => [m, []]));
  for (const [shardId, owner] of start) held.get(owner)?.push(shardId);
  const bounds = capacityBounds(shardIds.length, members, held);
  for (const [replica, shards] of held) {
    const bound = bounds.get(replica) ?? 0;
    if (shards.length <= bound) continue;
    const leastWanted = [...shards].sort((a, b) => score(replica, a) - score(replica, b) || a - b);
    for (const shardId of leastWanted.slice(0, shards.length - bound)) {
      start.delete(shardId);
      unplaced.push(shardId);
    }
    held.set(replica, leastWanted.slice(shards.length - bound));
  }
  for (const shardId of unplaced.sort((a, b) => a - b)) {
    const withRoom = members.filter((m) => (held.get(m)?.length ?? 0) < (bounds.get(m) ?? 0));
    const owner = rendezvousWinner(shardId, withRoom);
    if (owner === undefined) continue;
    start.set(shardId, owner);
    held.get(owner)?.push(shardId);
  }
  const owners: ShardOwners = new Map();
  for (const shardId of shardIds) {
    const owner = start.get(shardId);
    if (owner !== undefined) owners.set(shardId, owner);
  }
  return owners;
}

/**
 * How many shards each replica may hold: `floor(S/R)`, and `ceil(S/R)` for the `S mod R` replicas that
 * hold most now (ties by name), so that the bound takes away as few shards as possible.
 */
function capacityBounds(shardCount: number, members: readonly string[], held: ReadonlyMap<string, readonly number[]>): Map<string, number> {
  const low = Math.floor(shardCount / members.length);
  const extra = shardCount % members.length;
  const byHolding = [...members].sort((a, b) => (held.get(b)?.length ?? 0) - (held.get(a)?.length ?? 0) || (a < b ? -1 : 1));
  return new Map(byHolding.map((replica, index) => [replica, index < extra ? low + 1 : low]));
}

/** The replica that scores a shard highest (ties to the smaller name); undefined with no replicas. */
function rendezvousWinner(shardId: number, replicas: readonly string[]): string | undefined {
  let best: { replica: string; score: number } | undefined;
  for (const replica of replicas) {
    const value = score(replica, shardId);
    if (!best || value > best.score || (value === best.score && replica < best.replica)) best = { replica, score: value };
  }
  return best?.replica;
}

/** A replica's rendezvous score for a shard: FNV-1a of `replica#shardId`, mixed. */
function score(replica: string, shardId: number): number {
  return mix(fnv1a32(`${replica}#${shardId}`));
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
