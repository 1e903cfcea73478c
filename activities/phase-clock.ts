import { activityLog } from './activity-log.js';

/** An activity this slow (ms) logs where its time went. */
export const SLOW_ACTIVITY_MS = 500;

/** Marks phases of an activity and reports them when it was slow. */
export interface PhaseClock {
  lap(name: string): void;
  /** The marks so far, as `report` logs them. */
  laps(): string[];
  report(what: string): void;
}

/**
 * Times the phases of an activity: `lap(name)` marks the end of phase `name`, as ms since the clock
 * started (so phases that ran in parallel read right too); `report(what)` logs every mark, once the whole
 * took SLOW_ACTIVITY_MS or more.
 */
export function phaseClock(now: () => number = () => performance.now()): PhaseClock {
  const started = now();
  const laps: string[] = [];
  return {
    lap(name) {
      laps.push(`${name} done at ${Math.round(now() - started)} ms`);
    },
    laps: () => [...laps],
    report(what) {
      const total = now() - started;
      if (total < SLOW_ACTIVITY_MS) return;
      activityLog().warn(`${what} took ${Math.round(total)} ms: ${laps.join(', ')}`);
    },
  };
}
