import { describe, expect, it } from '@jest/globals';
import { assignHashBased, assignManual, assignRoundRobin, checkpointContaining, movedFraction, planShards } from '../../domain/shards.js';

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
    expect(a.get(7)).toBe(assignHashBased([7], replicas(5)).get(7));
  });

  it('HashBased moves only shards won by a new replica when one joins', () => {
    const before = assignHashBased(ids(1000), replicas(5));
    const after = assignHashBased(ids(1000), replicas(6));
    for (const [shardId, owner] of after) {
      if (before.get(shardId) !== owner) expect(owner).toBe('pool-5');
    }
    expect(movedFraction(before, after)).toBeLessThan(0.25);
  });

  it('HashBased moves only the shards of a replica that leaves', () => {
    const before = assignHashBased(ids(500), replicas(6));
    const after = assignHashBased(ids(500), replicas(6).filter((r) => r !== 'pool-2'));
    for (const [shardId, owner] of after) {
      if (before.get(shardId) !== 'pool-2') expect(owner).toBe(before.get(shardId));
    }
  });

  it('RoundRobin moves most shards when a replica joins (why HashBased exists)', () => {
    expect(movedFraction(assignRoundRobin(ids(60), replicas(5)), assignRoundRobin(ids(60), replicas(6)))).toBeGreaterThan(0.5);
  });

  it('Manual takes claims, ignores unknown shard ids and resolves a double claim by name order', () => {
    const owners = assignManual(ids(4), new Map([['pool-1', 2], ['pool-0', 2], ['pool-3', 9], ['pool-2', 0]]));
    expect([...owners].sort()).toEqual([[0, 'pool-2'], [2, 'pool-0']]);
  });
});
