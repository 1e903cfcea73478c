import { describe, expect, it } from '@jest/globals';
import { assignHashBased, assignManual, assignRoundRobin, checkpointContaining, movedFraction, planShards } from '../../domain/shards.js';

/**
 * 8 shards over 3 replicas, recorded when the capacity bound came in: plain rendezvous gave pool-1 four
 * shards (0, 2, 4, 5); the bound hands shard 2, the one pool-1 scores lowest, to pool-2.
 */
const HASH_BASED_8_OVER_3: [number, string][] = [[0, 'pool-1'], [1, 'pool-0'], [2, 'pool-2'], [3, 'pool-0'], [4, 'pool-1'], [5, 'pool-1'], [6, 'pool-0'], [7, 'pool-2']];

const replicas = (n: number): string[] => Array.from({ length: n }, (_, i) => `pool-${i}`);
const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const counts = (owners: Map<number, string>): number[] => {
  const perReplica = new Map<string, number>();
  for (const owner of owners.values()) perReplica.set(owner, (perReplica.get(owner) ?? 0) + 1);
  return [...perReplica.values()];
};

describe('checkpoints and shard ranges', () => {
  it.each([[0, 63], [1, 63], [63, 63], [64, 127], [127, 127], [128, 191]])('ledger %i lies in checkpoint %i', (ledger, checkpoint) => {
    expect(checkpointContaining(ledger)).toBe(checkpoint);
  });

  it('splits [1, currentLedger] into contiguous checkpoint-aligned ranges that cover it exactly', () => {
    const shards = planShards(64 * 100 - 1, 4, ['http://a', 'http://b']);
    expect(shards.map((s) => s.ledgerRange)).toEqual([
      { start: 1, end: 1599 }, { start: 1600, end: 3199 }, { start: 3200, end: 4799 }, { start: 4800, end: 6399 },
    ]);
    expect(shards.map((s) => s.archiveUrl)).toEqual(['http://a', 'http://b', 'http://a', 'http://b']);
    for (const shard of shards) expect((shard.ledgerRange.end + 1) % 64).toBe(0);
  });

  it('leaves out shards when there are fewer checkpoints than shards', () => {
    expect(planShards(127, 4, ['http://a'])).toHaveLength(2);
  });
});

describe('shard strategies', () => {
  it('RoundRobin balances exactly', () => {
    const c = counts(assignRoundRobin(ids(64), replicas(5)));
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });

  it('HashBased is a pure function of shard ids and replica names (same answer every time, any order)', () => {
    const a = assignHashBased(ids(32), replicas(5));
    const b = assignHashBased(ids(32), [...replicas(5)].reverse());
    expect([...a]).toEqual([...b]);
    expect([...assignHashBased(ids(32), replicas(5))]).toEqual([...a]);
  });

  it('HashBased gives a fixed answer for a fixed input in any process (no process-random hashing)', () => {
    // A changed hash, seed or tie-break would move the shards of running pools at their next replan.
    expect([...assignHashBased(ids(8), replicas(3))]).toEqual(HASH_BASED_8_OVER_3);
  });

  it.each([
    [64, 21], [64, 20], [64, 3], [4, 5], [1024, 20], [7, 7], [5, 1], [0, 3],
  ])('HashBased puts %i shards on %i replicas at most ceil(S/R) and at least floor(S/R) each', (shardCount, replicaCount) => {
    const owners = assignHashBased(ids(shardCount), replicas(replicaCount));
    expect(owners.size).toBe(shardCount);
    const perReplica = replicas(replicaCount).map((r) => [...owners.values()].filter((o) => o === r).length);
    expect(Math.max(...perReplica)).toBeLessThanOrEqual(Math.ceil(shardCount / replicaCount));
    expect(Math.min(...perReplica)).toBeGreaterThanOrEqual(Math.floor(shardCount / replicaCount));
  });

  it.each([
    [64, 20], [64, 3], [64, 10], [1024, 5], [1024, 20], [10, 4],
  ])('HashBased with the kept plan: %i shards, %i -> n+1 replicas moves only shards to the new replica, within the optimum 1/(n+1) plus 5 points', (shardCount, n) => {
    const before = assignHashBased(ids(shardCount), replicas(n));
    const after = assignHashBased(ids(shardCount), replicas(n + 1), before);
    for (const [shardId, owner] of after) {
      if (before.get(shardId) !== owner) expect(owner).toBe(`pool-${n}`);
    }
    expect(movedFraction(before, after)).toBeLessThanOrEqual(1 / (n + 1) + 0.05);
    const perReplica = counts(after);
    expect(Math.max(...perReplica) - Math.min(...perReplica)).toBeLessThanOrEqual(1);
    expect(perReplica).toHaveLength(n + 1);
  });

  it.each([
    [64, 21, 'pool-20'], [64, 6, 'pool-2'], [500, 6, 'pool-0'],
  ])('HashBased with the kept plan: %i shards, a replica of %i leaving (%s) moves only its shards', (shardCount, n, leaving) => {
    const before = assignHashBased(ids(shardCount), replicas(n));
    const after = assignHashBased(ids(shardCount), replicas(n).filter((r) => r !== leaving), before);
    for (const [shardId, owner] of after) {
      if (before.get(shardId) !== leaving) expect(owner).toBe(before.get(shardId));
    }
    const perReplica = counts(after);
    expect(Math.max(...perReplica) - Math.min(...perReplica)).toBeLessThanOrEqual(1);
  });

  it('HashBased balances an unbalanced kept plan with the fewest moves (only the excess of over-full replicas)', () => {
    const lopsided = new Map(ids(12).map((id): [number, string] => [id, id < 9 ? 'pool-0' : 'pool-1']));
    const after = assignHashBased(ids(12), replicas(3), lopsided);
    expect(counts(after).sort()).toEqual([4, 4, 4]);
    expect(movedFraction(lopsided, after)).toBeCloseTo(5 / 12);
  });

  it('HashBased places new shard ids and keeps the rest when the shard count grows', () => {
    const before = assignHashBased(ids(8), replicas(4));
    const after = assignHashBased(ids(12), replicas(4), before);
    for (const [shardId, owner] of before) expect(after.get(shardId)).toBe(owner);
    expect(counts(after)).toEqual([3, 3, 3, 3]);
  });

  it('RoundRobin moves most shards when a replica joins (why HashBased exists)', () => {
    expect(movedFraction(assignRoundRobin(ids(60), replicas(5)), assignRoundRobin(ids(60), replicas(6)))).toBeGreaterThan(0.5);
  });

  it('Manual takes claims, ignores unknown shard ids and resolves a double claim by name order', () => {
    const owners = assignManual(ids(4), new Map([['pool-1', 2], ['pool-0', 2], ['pool-3', 9], ['pool-2', 0]]));
    expect([...owners].sort()).toEqual([[0, 'pool-2'], [2, 'pool-0']]);
  });
});
