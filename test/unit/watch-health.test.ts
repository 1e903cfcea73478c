import { describe, expect, it } from '@jest/globals';
import { backoffDelay, WATCH_BACKOFF, watchFailed, watchListed, type WatchHealth } from '../../kube/watch-health.js';

describe('backoffDelay (1 s doubling to 30 s, up to half taken off at random)', () => {
  it.each([
    [1, 0, 1000], [2, 0, 2000], [3, 0, 4000], [4, 0, 8000], [5, 0, 16_000], [6, 0, 30_000], [7, 0, 30_000], [100, 0, 30_000],
    [1, 0.5, 750], [5, 0.5, 12_000], [6, 0.999, 15_015], [0, 0, 1000],
  ])('attempt %i with random %f waits %i ms', (attempt, random, delay) => {
    expect(backoffDelay(attempt, random)).toBe(delay);
  });

  it.each([1, 2, 5, 6, 50])('attempt %i stays within [half, all] of the capped delay for any random', (attempt) => {
    const capped = Math.min(30_000, 1000 * 2 ** (attempt - 1));
    for (const random of [0, 0.1, 0.5, 0.9, 0.999999]) {
      const delay = backoffDelay(attempt, random);
      expect(delay).toBeLessThanOrEqual(capped);
      expect(delay).toBeGreaterThanOrEqual(capped / 2);
    }
  });

  it('without jitter, the schedule over an outage is 1, 2, 4, 8, 16, 30, 30 s', () => {
    const policy = { ...WATCH_BACKOFF, jitter: 0 };
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, 0.7, policy))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });
});

describe('watch health: one line per change of state', () => {
  const up: WatchHealth = { state: 'up' };

  it('the first failure logs "lost" once with the reason; later failures log nothing and back off', () => {
    const first = watchFailed(up, '/api/v1/pods', 'connect ECONNREFUSED 127.0.0.1:6443', 10_000, 0);
    expect(first).toEqual({
      health: { state: 'down', sinceMs: 10_000, attempts: 1 }, delayMs: 1000,
      message: 'watch /api/v1/pods lost: connect ECONNREFUSED 127.0.0.1:6443; retrying with backoff (1 s doubling to 30 s)',
    });
    const second = watchFailed(first.health, '/api/v1/pods', 'again', 11_000, 0);
    expect(second).toEqual({ health: { state: 'down', sinceMs: 10_000, attempts: 2 }, delayMs: 2000 });
  });

  it('a 60 s outage costs 2 log lines and about 8 attempts, not 60', () => {
    let health: WatchHealth = up;
    let now = 0;
    const lines: string[] = [];
    let attempts = 0;
    while (now < 60_000) {
      const step = watchFailed(health, 'x', 'down', now, 0);
      attempts += 1;
      health = step.health;
      if (step.message) lines.push(step.message);
      now += step.delayMs;
    }
    const back = watchListed(health, 'x', now);
    if (back.message) lines.push(back.message);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(`watch x resumed after ${Math.round(now / 1000)} s (${attempts} failed attempts)`);
    expect(attempts).toBeLessThanOrEqual(8);
    expect(back).toEqual(expect.objectContaining({ health: up, delayMs: 0 }));
  });

  it('a list while up logs nothing', () => {
    expect(watchListed(up, 'x', 5)).toEqual({ health: up, delayMs: 0 });
  });

  it('after resuming, the next failure starts again at 1 s', () => {
    const down = watchFailed(watchFailed(up, 'x', 'a', 0, 0).health, 'x', 'a', 1000, 0).health;
    const back = watchListed(down, 'x', 5000).health;
    expect(watchFailed(back, 'x', 'b', 6000, 0).delayMs).toBe(1000);
  });
});
