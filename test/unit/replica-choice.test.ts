import { describe, expect, it } from '@jest/globals';
import { initialReplicaHealth, type ReplicaHealth } from '../../domain/replica-health.js';
import { chooseReplica, type ReplicaCandidate } from '../../router/replica-choice.js';

const replica = (healthy: boolean, lagBytes?: number): ReplicaCandidate => ({ health: { ...initialReplicaHealth(healthy), lagBytes } as ReplicaHealth });

describe('chooseReplica', () => {
  it.each<[string, ReplicaCandidate[], 'round-robin' | 'least-lag', (number | undefined)[]]>([
    ['round-robin over all healthy', [replica(true), replica(true), replica(true)], 'round-robin', [0, 1, 2, 0, 1]],
    ['round-robin skips the unhealthy', [replica(false), replica(true), replica(false), replica(true)], 'round-robin', [1, 3, 1, 3, 1]],
    ['round-robin with none healthy', [replica(false), replica(false)], 'round-robin', [undefined, undefined, undefined, undefined, undefined]],
    ['no replicas', [], 'round-robin', [undefined, undefined, undefined, undefined, undefined]],
    ['least-lag keeps those within tolerance', [replica(true, 0), replica(true, 10_000_000), replica(true, 100)], 'least-lag', [0, 2, 0, 2, 0]],
    ['least-lag counts unknown lag as within', [replica(true), replica(true, 10_000_000), replica(true, 5)], 'least-lag', [0, 2, 0, 2, 0]],
  ])('%s', (_name, candidates, strategy, expected) => {
    expect([0, 1, 2, 3, 4].map((turn) => chooseReplica(candidates, turn, strategy, 65_536))).toEqual(expected);
  });
});
