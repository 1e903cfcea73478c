import { walReached, type WalLsn } from './wal-lsn.js';

/**
 * How a read of a context that wrote ended up where it ran, as counted in the router's metrics:
 * `replica-caught-up`: a replica had already replayed the context's last commit (known, or seen on the
 * first probe); `replica-after-wait`: one replayed it while the read waited; `primary-wait-expired`: no
 * healthy replica replayed it within the wait bound; `primary-no-replica`: no replica was healthy;
 * `primary-position-unknown`: the primary's WAL position after the context's last write could not be read.
 */
export type CausalReadOutcome =
  | 'replica-caught-up'
  | 'replica-after-wait'
  | 'primary-wait-expired'
  | 'primary-no-replica'
  | 'primary-position-unknown';

/** Every outcome, in the order metrics list them. */
export const CAUSAL_READ_OUTCOMES: readonly CausalReadOutcome[] = [
  'replica-caught-up',
  'replica-after-wait',
  'primary-wait-expired',
  'primary-no-replica',
  'primary-position-unknown',
];

/** One replica as the decision sees it. */
export interface CausalCandidate {
  healthy: boolean;
  /** The last known `pg_last_wal_replay_lsn()` of the replica; undefined when never read or lost. */
  replayLsn?: WalLsn;
}

/** What one read of a context knows so far. */
export interface CausalReadObserved {
  /** The primary's WAL position after the context's last write; undefined when it has not written. */
  token?: WalLsn;
  /** The context wrote, but the position after that write could not be read. */
  positionUnknown: boolean;
  candidates: readonly CausalCandidate[];
  /** Probe rounds of replay positions this read has already run. */
  probes: number;
  /** Milliseconds this read has spent waiting so far. */
  waitedMs: number;
}

/** Bounds of the decision. */
export interface CausalReadOptions {
  /** How long a read may wait for a replica to catch up before it goes to the primary (ms). */
  waitMs: number;
}

/** What the router does next for one read. */
export type CausalReadDecision =
  /** No token: choose among healthy replicas as usual. */
  | { action: 'any-replica' }
  /** Choose among these replicas (indexes into the candidates), all at or past the token. */
  | { action: 'replica'; eligible: number[]; outcome: 'replica-caught-up' | 'replica-after-wait' }
  /** Read the replicas' replay positions again (after a pause when `probes` > 0), then decide again. */
  | { action: 'probe' }
  | { action: 'primary'; outcome: 'primary-wait-expired' | 'primary-no-replica' | 'primary-position-unknown' };

/**
 * Decides where a read of a context goes under causal consistency: only to a healthy replica whose replay
 * position is at or past the context's token, since a replica that replayed the commit record shows the
 * commit to every snapshot taken after. With no such replica, probe positions (once at least, then until
 * `waitMs` has passed), then fall back to the primary. Pure: no clock, no I/O.
 */
export function decideCausalRead(observed: CausalReadObserved, options: CausalReadOptions): CausalReadDecision {
  if (observed.positionUnknown) return { action: 'primary', outcome: 'primary-position-unknown' };
  const { token } = observed;
  if (token === undefined) return { action: 'any-replica' };
  const healthy = observed.candidates.some((candidate) => candidate.healthy);
  if (!healthy) return { action: 'primary', outcome: 'primary-no-replica' };
  const eligible: number[] = [];
  observed.candidates.forEach((candidate, index) => {
    if (candidate.healthy && candidate.replayLsn !== undefined && walReached(candidate.replayLsn, token)) eligible.push(index);
  });
  if (eligible.length > 0) return { action: 'replica', eligible, outcome: observed.probes <= 1 ? 'replica-caught-up' : 'replica-after-wait' };
  if (observed.probes === 0 || observed.waitedMs < options.waitMs) return { action: 'probe' };
  return { action: 'primary', outcome: 'primary-wait-expired' };
}
