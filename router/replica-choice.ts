import type { ReplicaHealth } from '../domain/replica-health.js';
import type { ReplicaStrategy } from './config.js';

/** What the choice needs to know about each replica. */
export interface ReplicaCandidate {
  health: ReplicaHealth;
}

/**
 * The index of the replica that takes the next read, or undefined when none is healthy (the read then
 * goes to the primary). `turn` is a counter the caller increments per read. `round-robin` rotates over
 * healthy replicas; `least-lag` rotates over the healthy replicas whose byte lag is within
 * `lagToleranceBytes` of the smallest known lag (replicas of unknown lag count as within it).
 */
export function chooseReplica(candidates: readonly ReplicaCandidate[], turn: number, strategy: ReplicaStrategy, lagToleranceBytes: number): number | undefined {
  if (strategy === 'round-robin') return nthHealthy(candidates, turn);
  const healthy = healthyIndexes(candidates);
  const eligible = strategy === 'least-lag' ? leastLagging(candidates, healthy, lagToleranceBytes) : healthy;
  if (eligible.length === 0) return undefined;
  return eligible[turn % eligible.length];
}

/** Round-robin without allocating (it runs on every read): the `turn % healthy`-th healthy candidate. */
function nthHealthy(candidates: readonly ReplicaCandidate[], turn: number): number | undefined {
  let healthy = 0;
  for (const candidate of candidates) if (candidate.health.healthy) healthy += 1;
  if (healthy === 0) return undefined;
  let skip = turn % healthy;
  for (let index = 0; index < candidates.length; index += 1) {
    if (!candidates[index]?.health.healthy) continue;
    if (skip === 0) return index;
    skip -= 1;
  }
  return undefined;
}

function healthyIndexes(candidates: readonly ReplicaCandidate[]): number[] {
  const indexes: number[] = [];
  candidates.forEach((candidate, index) => {
    if (candidate.health.healthy) indexes.push(index);
  });
  return indexes;
}

function leastLagging(candidates: readonly ReplicaCandidate[], indexes: readonly number[], toleranceBytes: number): number[] {
  const lags = indexes.map((index) => candidates[index]?.health.lagBytes);
  const known = lags.filter((lag): lag is number => lag !== undefined);
  if (known.length === 0) return [...indexes];
  const floor = Math.min(...known);
  return indexes.filter((_, at) => {
    const lag = lags[at];
    return lag === undefined || lag <= floor + toleranceBytes;
  });
}
