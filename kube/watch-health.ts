// Pure decisions of a watch's retry loop: how long to wait, and what to log when its state changes.
// No clock and no randomness inside: both come in as arguments, so the schedule is table-tested.

/** How a watch retries while the API server cannot be reached. */
export interface BackoffPolicy {
  /** First delay, in milliseconds. */
  initialMs: number;
  /** Largest delay, in milliseconds. */
  maxMs: number;
  /** Growth per failed attempt. */
  factor: number;
  /** Share of the delay taken off at random (0: none, 0.5: between half and all of it). */
  jitter: number;
}

/** 1 s doubling to 30 s, with up to half of each delay taken off at random. */
export const WATCH_BACKOFF: BackoffPolicy = { initialMs: 1000, maxMs: 30_000, factor: 2, jitter: 0.5 };

/**
 * The delay before retry `attempt` (1 for the first retry after a failure): `initialMs * factor^(attempt-1)`
 * capped at `maxMs`, less `jitter * random` of it, so watches that failed together do not retry together.
 * `random` is in [0, 1). Never above `maxMs`, never below `(1 - jitter)` of the capped delay.
 */
export function backoffDelay(attempt: number, random: number, policy: BackoffPolicy = WATCH_BACKOFF): number {
  const exponent = Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  return Math.round(capped * (1 - policy.jitter * Math.min(Math.max(random, 0), 1)));
}

/** Whether a watch reaches the API server: `up`, or `down` since a time, after a number of failed attempts. */
export type WatchHealth = { state: 'up' } | { state: 'down'; sinceMs: number; attempts: number };

/** The next health, the line to log (only on a change of state), and how long to wait before the next try. */
export interface WatchStep {
  health: WatchHealth;
  message?: string;
  delayMs: number;
}

/**
 * After a failed list or a watch that broke with an error: the first failure logs "lost" once and the
 * following ones log nothing; the delay grows by {@link backoffDelay}.
 */
export function watchFailed(health: WatchHealth, what: string, reason: string, nowMs: number, random: number, policy: BackoffPolicy = WATCH_BACKOFF): WatchStep {
  if (health.state === 'up') {
    const delayMs = backoffDelay(1, random, policy);
    const message = `watch ${what} lost: ${reason}; retrying with backoff (${policy.initialMs / 1000} s doubling to ${policy.maxMs / 1000} s)`;
    return { health: { state: 'down', sinceMs: nowMs, attempts: 1 }, message, delayMs };
  }
  const attempts = health.attempts + 1;
  return { health: { ...health, attempts }, delayMs: backoffDelay(attempts, random, policy) };
}

/** After a successful list: back to `up` with no delay; logs "resumed" once when it was down. */
export function watchListed(health: WatchHealth, what: string, nowMs: number): WatchStep {
  if (health.state === 'up') return { health, delayMs: 0 };
  const seconds = Math.round((nowMs - health.sinceMs) / 1000);
  return { health: { state: 'up' }, message: `watch ${what} resumed after ${seconds} s (${health.attempts} failed attempts)`, delayMs: 0 };
}
