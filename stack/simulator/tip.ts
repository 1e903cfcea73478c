import { baseLedger } from './network.js';

/** Ledgers per history checkpoint. */
export const CHECKPOINT_FREQUENCY = 64;

/** Default milliseconds between two simulated ledger closes (stellar-core closes one about every 5 s). */
export const DEFAULT_LEDGER_INTERVAL_MS = 5000;

/**
 * The clock of the simulated networks: every network's tip is at its base ledger at `epochMs` and
 * advances by one ledger every `ledgerIntervalMs`.
 */
export interface TipClock {
  /** Wall-clock milliseconds at which every tip stood at its base ledger (the simulator's start). */
  epochMs: number;
  /** Milliseconds between two ledger closes (default 5000; tests use e.g. 200). */
  ledgerIntervalMs: number;
}

/** The tip ledger of a network at wall-clock time `nowMs`: a pure function of time, never below the base. */
export function tipLedger(network: string, nowMs: number, clock: TipClock): number {
  const elapsed = Math.max(0, nowMs - clock.epochMs);
  return baseLedger(network) + Math.floor(elapsed / clock.ledgerIntervalMs);
}

/** When a ledger of a network closed (or will close), in wall-clock milliseconds. */
export function ledgerCloseTimeMs(network: string, ledger: number, clock: TipClock): number {
  return clock.epochMs + (ledger - baseLedger(network)) * clock.ledgerIntervalMs;
}

/**
 * The checkpoint containing ledger `ledger`: `((ledger / 64) + 1) * 64 - 1` with integer division
 * (ledgers 0..63 are in checkpoint 63, 64..127 in 127).
 */
export function checkpointContaining(ledger: number): number {
  return (Math.floor(ledger / CHECKPOINT_FREQUENCY) + 1) * CHECKPOINT_FREQUENCY - 1;
}

/**
 * The newest checkpoint that is complete at tip `tip` (its last ledger is <= tip): what a history
 * archive reports as `currentLedger`. 0 when not even checkpoint 63 is complete.
 */
export function latestCompleteCheckpoint(tip: number): number {
  const containing = checkpointContaining(tip);
  const complete = containing <= tip ? containing : containing - CHECKPOINT_FREQUENCY;
  return Math.max(0, complete);
}
