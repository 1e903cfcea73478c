// Shards moved when a pool grows from n to n+1 replicas, per strategy, against the optimum 1/(n+1),
// and the balance (max/min shards per replica). Pure computation: run with `node dist/bench/shard-movement.js [--smoke]`
// (--smoke: 64 shards, 3 -> 4 replicas only).
import { assignHashBased, assignRoundRobin, movedFraction, type ShardOwners } from '../domain/shards.js';
import { smokeMode } from './smoke.js';

const SMOKE = smokeMode();
const SHARD_COUNTS = SMOKE ? [64] : [64, 1024];
const REPLICA_COUNTS = SMOKE ? [3] : [3, 5, 10, 20];

const replicas = (n: number): string[] => Array.from({ length: n }, (_, i) => `pool-${i}`);
const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function balance(owners: ShardOwners, n: number): string {
  const counts = new Map<string, number>(replicas(n).map((r) => [r, 0]));
  for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  const values = [...counts.values()];
  const min = Math.min(...values);
  return min === 0 ? 'inf' : (Math.max(...values) / min).toFixed(2);
}

const strategies = { RoundRobin: assignRoundRobin, HashBased: assignHashBased } as const;
console.log('shards  n->n+1  optimum  strategy    moved   moved/optimum  balance(max/min at n+1)');
for (const shardCount of SHARD_COUNTS) {
  for (const n of REPLICA_COUNTS) {
    const optimum = 1 / (n + 1);
    for (const [name, assign] of Object.entries(strategies)) {
      const before = assign(ids(shardCount), replicas(n));
      const after = assign(ids(shardCount), replicas(n + 1));
      const moved = movedFraction(before, after);
      console.log(`${String(shardCount).padStart(6)}  ${`${n}->${n + 1}`.padStart(6)}  ${optimum.toFixed(3).padStart(7)}  ${name.padEnd(10)}  ${moved.toFixed(3)}   ${(moved / optimum).toFixed(2).padStart(13)}  ${balance(after, n + 1)}`);
    }
  }
}
console.log('Manual: moves nothing by itself (assignments are the operator\'s claims); balance is whatever is claimed.');
