// When a steady pass comes back: at the workflow's own phase of its interval, so that a fleet whose passes
// bunched up (created together, woken by the same change) spreads over the interval instead of waking the
// worker all at once, interval after interval. client-go jitters its periodic work for the same reason
// (wait.JitterUntil); a phase fixed by the workflow's id spreads the fleet evenly at once, and
// deterministically, which workflow code needs.
import { fnv1a32 } from './network.js';

/** The nearest a phased pass comes after the last one, as a share of the interval. */
export const MIN_GAP_SHARE = 0.25;

/**
 * Milliseconds from `nowMs` until the next time `t` with `(t - phase) mod intervalMs = 0` that is at least
 * a quarter interval away, `phase` being `key`'s hash modulo the interval: between 0.25 and 1.25 intervals.
 * A pass that starts on its phase and takes `d` ms comes back after `intervalMs - d`, so a steady workflow
 * keeps its phase. Intervals under 1 s (retries, tests) are returned unchanged.
 */
export function phasedRequeueMs(nowMs: number, intervalMs: number, key: string): number {
  if (!(intervalMs >= 1000)) return intervalMs;
  const interval = Math.round(intervalMs);
  const phase = fnv1a32(key) % interval;
  const earliest = nowMs + MIN_GAP_SHARE * interval;
  const sinceSlot = (((earliest - phase) % interval) + interval) % interval;
  const next = sinceSlot === 0 ? earliest : earliest + (interval - sinceSlot);
  return Math.round(next - nowMs);
}
