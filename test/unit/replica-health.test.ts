import { describe, expect, it } from '@jest/globals';
import {
  initialReplicaHealth,
  lagSecondsOf,
  nextReplicaHealth,
  type ReplicaCheckResult,
  type ReplicaHealth,
  type ReplicaHealthOptions,
} from '../../domain/replica-health.js';

const good = (at: number, extra: Partial<ReplicaCheckResult & { ok: true }> = {}): ReplicaCheckResult => ({
  ok: true, at, responseTimeMs: 2, inRecovery: true, streaming: true, lagBytes: 0, lagSeconds: 0, ...extra,
});
const bad = (at: number, error = 'connect ECONNREFUSED'): ReplicaCheckResult => ({ ok: false, at, error, responseTimeMs: 5 });

function run(checks: ReplicaCheckResult[], options: ReplicaHealthOptions = {}, start: ReplicaHealth = initialReplicaHealth()): ReplicaHealth {
  let state = start;
  for (const check of checks) state = nextReplicaHealth(state, check, options);
  return state;
}

describe('initialReplicaHealth', () => {
  it('is optimistically healthy and unchecked by default, or unhealthy on request', () => {
    expect(initialReplicaHealth()).toEqual({ healthy: true, reason: 'Unchecked', message: 'not checked yet', failureCount: 0 });
    expect(initialReplicaHealth(false).healthy).toBe(false);
  });
});

describe('nextReplicaHealth: consecutive failures', () => {
  it.each([
    [1, 3, true],
    [2, 3, true],
    [3, 3, false],
    [4, 3, false],
    [1, 1, false],
    [4, 5, true],
    [5, 5, false],
  ])('after %i failed checks with threshold %i, healthy is %s', (failures, threshold, healthy) => {
    const checks = Array.from({ length: failures }, (_, i) => bad(i + 1));
    const state = run([good(0), ...checks], { failureThreshold: threshold });
    expect(state.healthy).toBe(healthy);
    expect(state.failureCount).toBe(failures);
    expect(state.reason).toBe(healthy ? 'Healthy' : 'Unreachable');
  });

  it('defaults the threshold to 3 and records the reason, error and time', () => {
    const state = run([good(0), bad(10), bad(20), bad(30, 'timeout')]);
    expect(state).toMatchObject({ healthy: false, reason: 'Unreachable', failureCount: 3, lastHealthCheck: 30, lastError: 'timeout', responseTimeMs: 5 });
    expect(state.message).toContain('3 consecutive failed checks');
  });

  it('does not eject on non-consecutive failures', () => {
    const state = run([bad(1), bad(2), good(3), bad(4), bad(5)]);
    expect(state).toMatchObject({ healthy: true, failureCount: 2 });
  });

  it('treats a threshold below 1 as 1', () => {
    expect(run([bad(1)], { failureThreshold: 0 }).healthy).toBe(false);
  });
});

describe('nextReplicaHealth: recovery', () => {
  it('readmits an ejected replica after one good check and resets the count', () => {
    const ejected = run([bad(1), bad(2), bad(3)]);
    const state = nextReplicaHealth(ejected, good(4, { responseTimeMs: 7, lagBytes: 100, lagSeconds: 0.5 }));
    expect(state).toMatchObject({ healthy: true, reason: 'Healthy', failureCount: 0, lastHealthCheck: 4, responseTimeMs: 7, lagBytes: 100, lagSeconds: 0.5, streaming: true });
  });

  it('keeps a lag-ejected replica out while checks fail below the threshold', () => {
    const lagging = run([good(1, { lagBytes: 10_000 })], { maxLagBytes: 1000 });
    const state = nextReplicaHealth(lagging, bad(2), { maxLagBytes: 1000 });
    expect(state).toMatchObject({ healthy: false, reason: 'LagBytes', failureCount: 1 });
  });
});

describe('nextReplicaHealth: lag and streaming', () => {
  it.each([
    ['bytes under the bound', { lagBytes: 1000 }, { maxLagBytes: 1000 }, true, 'Healthy'],
    ['bytes over the bound', { lagBytes: 1001 }, { maxLagBytes: 1000 }, false, 'LagBytes'],
    ['seconds under the bound', { lagSeconds: 5 }, { maxLagSeconds: 5 }, true, 'Healthy'],
    ['seconds over the bound', { lagSeconds: 5.5 }, { maxLagSeconds: 5 }, false, 'LagSeconds'],
    ['large lag with no bound set', { lagBytes: 1e9, lagSeconds: 1e6 }, {}, true, 'Healthy'],
    ['unknown lag with bounds set', { lagBytes: undefined, lagSeconds: undefined }, { maxLagBytes: 1, maxLagSeconds: 1 }, true, 'Healthy'],
    ['WAL receiver not streaming', { streaming: false }, {}, false, 'NotStreaming'],
    ['not in recovery (promoted)', { inRecovery: false }, {}, false, 'NotInRecovery'],
  ] as const)('%s', (_name, extra, options, healthy, reason) => {
    const state = nextReplicaHealth(initialReplicaHealth(), good(1, extra), options);
    expect(state.healthy).toBe(healthy);
    expect(state.reason).toBe(reason);
    expect(state.failureCount).toBe(0);
  });

  it('returns to healthy once caught up again', () => {
    const options = { maxLagBytes: 1000 };
    const state = run([good(1, { lagBytes: 50_000 }), good(2, { lagBytes: 0 })], options);
    expect(state).toMatchObject({ healthy: true, reason: 'Healthy', lagBytes: 0 });
  });

  it('is deterministic: the same inputs give equal states', () => {
    const checks = [good(1), bad(2), bad(3), bad(4), good(5, { lagBytes: 7 })];
    expect(run(checks, { maxLagBytes: 5 })).toEqual(run(checks, { maxLagBytes: 5 }));
  });
});

describe('lagSecondsOf', () => {
  it.each([
    ['caught up: replayed all received and no byte lag', { replayedAllReceived: true, lagBytes: 0, lastReplayAt: 0, now: 100_000 }, 0],
    ['idle primary does not look like lag', { replayedAllReceived: true, lagBytes: 0, lastReplayAt: 1_000, now: 3_600_000 }, 0],
    ['equal LSNs but behind the primary (primary unreachable or replay paused)', { replayedAllReceived: true, lagBytes: 4096, lastReplayAt: 10_000, now: 12_500 }, 2.5],
    ['byte lag unknown', { replayedAllReceived: true, lastReplayAt: 10_000, now: 11_000 }, 1],
    ['replay behind receive', { replayedAllReceived: false, lagBytes: 0, lastReplayAt: 10_000, now: 13_000 }, 3],
    ['clock skew never gives negative lag', { replayedAllReceived: false, lagBytes: 10, lastReplayAt: 20_000, now: 10_000 }, 0],
    ['nothing replayed yet', { replayedAllReceived: false, lagBytes: 10, now: 10_000 }, undefined],
  ] as const)('%s', (_name, inputs, expected) => {
    expect(lagSecondsOf(inputs)).toBe(expected);
  });
});
