import { describe, expect, it } from '@jest/globals';
import { decideScale } from '../../domain/autoscaler.js';

const timing = { cooldownMs: 60_000, stabilizationMs: 300_000 };
const base = { min: 3, max: 10, target: 3, now: 1_000_000 };

describe('decideScale', () => {
  it.each([
    ['scales up by 20% (at least one) when over half lag', { current: 3, lagging: 2 }, {}, 4, 'ScaledUp'],
    ['rounds 20% up', { current: 6, lagging: 4 }, {}, 8, 'ScaledUp'],
    ['never above max', { current: 10, lagging: 10 }, {}, 10, 'Steady'],
    ['exactly half lagging is not enough', { current: 4, lagging: 2 }, {}, 4, 'Steady'],
    ['waits out the cooldown', { current: 3, lagging: 3 }, { lastScaleAt: 1_000_000 - 30_000 }, 3, 'Cooldown'],
    ['scales down one after a stable window', { current: 5, lagging: 0 }, { healthySince: 1_000_000 - 300_000 }, 4, 'ScaledDown'],
    ['not before the window ends', { current: 5, lagging: 0 }, { healthySince: 1_000_000 - 299_999 }, 5, 'Steady'],
    ['never below target', { current: 3, lagging: 0 }, { healthySince: 0 }, 3, 'Steady'],
    ['clamps a count below min', { current: 1, lagging: 0 }, {}, 3, 'Clamped'],
    ['clamps a count above max', { current: 12, lagging: 0 }, {}, 10, 'Clamped'],
    ['an unsettled pool does not scale up, however many lag', { current: 3, lagging: 3, settled: false }, {}, 3, 'Unsettled'],
    ['an unsettled pool does not scale down, however long it was healthy', { current: 5, lagging: 0, settled: false }, { healthySince: 0 }, 5, 'Unsettled'],
    ['an unsettled pool is still clamped', { current: 12, lagging: 0, settled: false }, {}, 10, 'Clamped'],
  ])('%s', (_name, input, memory, replicas, reason) => {
    const decision = decideScale({ ...base, ...input }, memory, timing);
    expect(decision).toEqual(expect.objectContaining({ replicas, reason }));
  });

  it('a single lagging observation resets the stable window (no flapping)', () => {
    const lagged = decideScale({ ...base, current: 5, lagging: 1 }, { healthySince: 0 }, timing);
    expect(lagged.memory.healthySince).toBeUndefined();
    const next = decideScale({ ...base, current: 5, lagging: 0, now: base.now + 1000 }, lagged.memory, timing);
    expect(next).toEqual(expect.objectContaining({ replicas: 5, reason: 'Steady' }));
    expect(next.memory.healthySince).toBe(base.now + 1000);
  });

  it('an unsettled spell resets the stable window: the clock neither starts nor runs while unsettled', () => {
    const unsettled = decideScale({ ...base, current: 5, lagging: 0, settled: false }, { healthySince: 0, lastScaleAt: 7 }, timing);
    expect(unsettled.memory).toEqual({ lastScaleAt: 7, healthySince: undefined });
    const stillUnsettled = decideScale({ ...base, current: 5, lagging: 0, settled: false, now: base.now + 600_000 }, unsettled.memory, timing);
    expect(stillUnsettled.memory.healthySince).toBeUndefined();
    const settled = decideScale({ ...base, current: 5, lagging: 0, now: base.now + 700_000 }, stillUnsettled.memory, timing);
    expect(settled).toEqual(expect.objectContaining({ replicas: 5, reason: 'Steady' }));
    expect(settled.memory.healthySince).toBe(base.now + 700_000);
  });
});
