import { describe, expect, it } from '@jest/globals';
import { DEFAULT_WAKES_PER_SECOND, WakeQueue, wakesPerSecondFromEnv } from '../../worker/wake-pacer.js';

/** Queues `keys` and returns what ran, by key, when each `due` call runs what it took out. */
function queueOf(rate: number, burst: number, keys: string[]): { queue: WakeQueue; ran: string[] } {
  const queue = new WakeQueue(rate, burst, 0);
  const ran: string[] = [];
  for (const key of keys) queue.push(key, () => ran.push(key));
  return { queue, ran };
}

const run = (wakes: (() => void)[]): void => wakes.forEach((wake) => wake());

describe('WakeQueue', () => {
  it('lets a burst go at once, then one wake-up per token, oldest first', () => {
    const keys = Array.from({ length: 1000 }, (_, i) => `readonlypool/ns/pool-${i}`);
    const { queue, ran } = queueOf(25, 25, keys);
    const first = queue.due(0);
    run(first.wakes);
    expect(ran).toEqual(keys.slice(0, 25));
    expect(first.nextInMs).toBe(40);
    // Drained as WakePacer does, each time `nextInMs` says: 1,000 wake-ups at 25 a second, the last after
    // (1000 - 25) / 25 = 39 s.
    let now = 0;
    let next = first.nextInMs;
    while (next !== undefined) {
      now += next;
      const due = queue.due(now);
      run(due.wakes);
      next = due.nextInMs;
    }
    expect(ran).toEqual(keys);
    expect(now).toBeGreaterThanOrEqual(39_000);
    expect(now).toBeLessThanOrEqual(39_000 + 40);
  });

  it('keeps one place per key: a wake-up queued again goes once, where it was first queued', () => {
    const { queue, ran } = queueOf(1, 1, ['a', 'b']);
    queue.push('a', () => ran.push('a again'));
    run(queue.due(0).wakes);
    run(queue.due(1000).wakes);
    expect(ran).toEqual(['a', 'b']);
    expect(queue.size).toBe(0);
  });

  it('saves no more than the burst over a quiet spell, and drops everything on clear', () => {
    const { queue, ran } = queueOf(10, 5, Array.from({ length: 20 }, (_, i) => `k${i}`));
    run(queue.due(3_600_000).wakes);
    expect(ran).toHaveLength(5);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.due(3_700_000)).toEqual({ wakes: [] });
  });

  it('refuses a rate that would never let anything go', () => {
    expect(() => new WakeQueue(0, 1, 0)).toThrow(/positive rate/);
    expect(() => new WakeQueue(5, 0, 0)).toThrow(/burst of at least 1/);
  });
});

describe('wakesPerSecondFromEnv', () => {
  it('reads STEWARD_TRIGGER_WAKES_PER_SECOND and names it when malformed', () => {
    expect(wakesPerSecondFromEnv({})).toBe(DEFAULT_WAKES_PER_SECOND);
    expect(wakesPerSecondFromEnv({ STEWARD_TRIGGER_WAKES_PER_SECOND: '100' })).toBe(100);
    for (const bad of ['', '0', '-3', 'fast']) expect(() => wakesPerSecondFromEnv({ STEWARD_TRIGGER_WAKES_PER_SECOND: bad })).toThrow(/STEWARD_TRIGGER_WAKES_PER_SECOND/);
  });
});
