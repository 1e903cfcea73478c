// Shards moved when a pool grows from n to n+1 replicas (and shrinks from n to n-1), per strategy, against
// the optimum 1/(n+1) (1/n when shrinking), and the balance after the change: the most and fewest shards
// on one replica against ceil(S/R) and floor(S/R). HashBased replans from the kept plan, as the pool
// workflow does. Pure computation: run with `node dist/bench/shard-movement.js [--smoke]`
// (--smoke: 64 shards, 3 -> 4 and 21 -> 20 replicas only).
import { assignHashBased, assignRoundRobin, movedFraction, type ShardOwners } from '../domain/shards.js';
import { smokeMode } from './smoke.js';

const SMOKE = smokeMode();
const SHARD_COUNTS = SMOKE ? [64] : [64, 1024];
const REPLICA_COUNTS = SMOKE ? [3] : [3, 5, 10, 20];
const SHRINK_FROM = SMOKE ? [21] : [4, 6, 11, 21];

const replicas = (n: number): string[] => Array.from({ length: n }, (_, i) => `pool-${i}`);
const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

type Assign = (shardIds: readonly number[], members: readonly string[], previous: ShardOwners) => ShardOwners;
const STRATEGIES: Record<string, Assign> = {
  RoundRobin: (shardIds, members) => assignRoundRobin(shardIds, members),
  HashBased: (shardIds, members, previous) => assignHashBased(shardIds, members, previous),
};

/** `max/min` shards per replica, and whether both lie within [floor(S/R), ceil(S/R)]. */
function balance(owners: ShardOwners, members: readonly string[], shardCount: number): { text: string; balanced: boolean } {
  const counts = new Map<string, number>(members.map((r) => [r, 0]));
  for (const owner of owners.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  const values = [...counts.values()];
  const [max, min] = [Math.max(...values), Math.min(...values)];
  const balanced = max <= Math.ceil(shardCount / members.length) && min >= Math.floor(shardCount / members.length);
  return { text: `${max}/${min} (bound ${Math.ceil(shardCount / members.length)}/${Math.floor(shardCount / members.length)})`, balanced };
}

function row(shardCount: number, from: string[], to: string[]): void {
  const optimum = Math.abs(to.length - from.length) / Math.max(to.length, from.length);
  for (const [name, assign] of Object.entries(STRATEGIES)) {
    const before = assign(ids(shardCount), from, new Map());
    const after = assign(ids(shardCount), to, before);
    const moved = movedFraction(before, after);
    const points = (moved - optimum) * 100;
    const { text, balanced } = balance(after, to, shardCount);
    const verdict = balanced && points <= 5 ? 'ok' : `${balanced ? '' : 'unbalanced '}${points > 5 ? 'over optimum+5' : ''}`.trim();
    console.log(`${String(shardCount).padStart(6)}  ${`${from.length}->${to.length}`.padStart(6)}  ${optimum.toFixed(3).padStart(7)}  ${name.padEnd(10)}  ${moved.toFixed(3)}  ${points.toFixed(1).padStart(7)}  ${text.padEnd(22)}  ${verdict}`);
  }
}

console.log('shards  change  optimum  strategy    moved   points  max/min (bound)        verdict  [points: moved - optimum, in percentage points]');
for (const shardCount of SHARD_COUNTS) {
  for (const n of REPLICA_COUNTS) row(shardCount, replicas(n), replicas(n + 1));
  for (const n of SHRINK_FROM) row(shardCount, replicas(n), replicas(n - 1));
}
console.log('Manual: moves nothing by itself (assignments are the operator\'s claims); balance is whatever is claimed.');
