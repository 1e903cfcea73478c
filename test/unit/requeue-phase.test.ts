import { describe, expect, it } from '@jest/globals';
import { phasedRequeueMs } from '../../domain/requeue-phase.js';

const MINUTE = 60_000;

describe('phasedRequeueMs', () => {
  it('comes back between a quarter and one and a quarter intervals later, on the same phase whatever the start', () => {
    const key = 'readonlypool/scale/pool-0042';
    const landings = new Set<number>();
    for (const now of [0, 1, 17_321, 59_999, 60_000, 1_700_000_000_123]) {
      const delay = phasedRequeueMs(now, MINUTE, key);
      expect(delay).toBeGreaterThanOrEqual(MINUTE / 4);
      expect(delay).toBeLessThan(MINUTE * 1.25);
      landings.add((now + delay) % MINUTE);
    }
    expect(landings.size).toBe(1);
  });

  it('keeps a steady workflow on its phase: a pass that starts on it and takes d ms sleeps the interval less d', () => {
    const key = 'tenant/storage/t-7';
    const onPhase = 3 * MINUTE + phasedRequeueMs(3 * MINUTE, MINUTE, key) - 0;
    for (const d of [0, 5, 250, 14_000]) expect(phasedRequeueMs(onPhase + d, MINUTE, key)).toBe(MINUTE - d);
  });

  it('spreads a fleet that finished its passes at the same moment over the interval', () => {
    const interval = 120_000;
    const perSecond = new Map<number, number>();
    for (let i = 0; i < 1000; i += 1) {
      const wake = Math.floor(phasedRequeueMs(5_000, interval, `readonlypool/scale-1000/pool-${String(i).padStart(4, '0')}`) / 1000);
      perSecond.set(wake, (perSecond.get(wake) ?? 0) + 1);
    }
    // Without phases all 1,000 would wake in the same second; evenly spread it is 8.3 a second.
    expect(perSecond.size).toBeGreaterThan(100);
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(25);
  });

  it('leaves intervals under a second (retries, tests) as they are', () => {
    expect(phasedRequeueMs(12_345, 500, 'k')).toBe(500);
    expect(phasedRequeueMs(12_345, 0, 'k')).toBe(0);
  });
});
