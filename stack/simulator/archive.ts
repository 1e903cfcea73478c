import { digest } from './network.js';
import { SIM_BUILD } from './responses.js';
import { latestCompleteCheckpoint, tipLedger, type TipClock } from './tip.js';

/** Levels of stellar-core's bucket list. */
export const BUCKET_LEVELS = 11;

/** The root file of a history archive, `.well-known/stellar-history.json` (format version 2). */
export interface HistoryArchiveState {
  version: 2;
  server: string;
  /** The newest complete checkpoint. */
  currentLedger: number;
  networkPassphrase: string;
  currentBuckets: { curr: string; next: { state: 0 }; snap: string }[];
}

/**
 * The history archive root of a network at `nowMs`: `currentLedger` is the newest complete checkpoint at
 * or below the tip. Bucket hashes are deterministic; level `i` changes every `4^i` checkpoints, like a
 * bucket list whose deeper levels change less often.
 */
export function archiveRoot(network: string, nowMs: number, clock: TipClock): HistoryArchiveState {
  const currentLedger = latestCompleteCheckpoint(tipLedger(network, nowMs, clock));
  const checkpointIndex = Math.floor((currentLedger + 1) / 64);
  const currentBuckets = Array.from({ length: BUCKET_LEVELS }, (_, level) => {
    const generation = Math.floor(checkpointIndex / 4 ** level);
    return { curr: digest('curr', network, level, generation), next: { state: 0 as const }, snap: digest('snap', network, level, generation) };
  });
  return { version: 2, server: SIM_BUILD, currentLedger, networkPassphrase: network, currentBuckets };
}
