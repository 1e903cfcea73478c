// Pure decisions of leader election through a coordination.k8s.io/v1 Lease, after client-go's
// tools/leaderelection (kubernetes/kubernetes staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go:
// tryAcquireOrRenew, release, NewLeaderElector). No clock inside: `now` comes in, so every step is table-tested.

/** Leader-election timing, as client-go's LeaderElectionConfig names it. */
export interface LeaseTiming {
  /** How long a candidate waits, from the last change it saw of the Lease, before it may take the Lease over. */
  leaseDurationMs: number;
  /** How long the leader keeps trying to renew before it gives leadership up. */
  renewDeadlineMs: number;
  /** How long every candidate waits between two tries (acquire or renew). */
  retryPeriodMs: number;
}

/** controller-runtime's defaults (and client-go's core clients'): 15 s, 10 s, 2 s. */
export const DEFAULT_LEASE_TIMING: LeaseTiming = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

/** client-go's JitterFactor: a candidate waits between 1 and 2.2 retry periods between two tries to acquire. */
export const ACQUIRE_JITTER = 1.2;

/**
 * Why a timing cannot work, or undefined when it can: the rules of client-go's NewLeaderElector. The lease
 * outlasts the renew deadline (a leader that cannot renew gives up before anyone may take over), the deadline
 * outlasts a jittered retry, and the Lease stores its duration in whole seconds.
 */
export function leaseTimingProblem(timing: LeaseTiming): string | undefined {
  const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = timing;
  if (!(leaseDurationMs > 0 && renewDeadlineMs > 0 && retryPeriodMs > 0)) return 'every duration must be above zero';
  if (leaseDurationMs % 1000 !== 0) return `the lease duration (${leaseDurationMs} ms) must be whole seconds: the Lease stores seconds`;
  if (leaseDurationMs <= renewDeadlineMs) return `the lease duration (${leaseDurationMs} ms) must be longer than the renew deadline (${renewDeadlineMs} ms)`;
  if (renewDeadlineMs <= ACQUIRE_JITTER * retryPeriodMs) {
    return `the renew deadline (${renewDeadlineMs} ms) must be longer than ${ACQUIRE_JITTER} retry periods (${retryPeriodMs} ms each)`;
  }
  return undefined;
}

/** The spec of a coordination.k8s.io/v1 Lease, as far as leader election uses it. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime: RFC 3339 with six fractional digits. */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/**
 * What a candidate knows of the Lease: the spec it last read, its resourceVersion (the guard of the next
 * update), and when, by the candidate's own clock, it last saw the Lease change. client-go measures expiry
 * against that local time, never against renewTime, so clocks of different machines need not agree.
 */
export interface LeaseObservation {
  resourceVersion: string;
  spec: LeaseSpec;
  observedAtMs: number;
}

/** The observation after reading the Lease at `nowMs`: the clock restarts only when the Lease changed. */
export function observeLease(previous: LeaseObservation | undefined, resourceVersion: string, spec: LeaseSpec, nowMs: number): LeaseObservation {
  if (previous && previous.resourceVersion === resourceVersion) return previous;
  return { resourceVersion, spec, observedAtMs: nowMs };
}

/** The next write: create the Lease, update it (guarded by the observed resourceVersion), or wait for its holder. */
export type LeaseStep =
  | { action: 'create'; spec: LeaseSpec }
  | { action: 'update'; spec: LeaseSpec }
  | { action: 'wait'; holder: string };

/** A time as a Lease's MicroTime (RFC 3339, six fractional digits; the API server refuses fewer). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * One try to acquire or renew (client-go's tryAcquireOrRenew), given the observed Lease (undefined: it does not
 * exist). A Lease held by someone else whose last change is younger than its duration is left alone; an
 * empty holder (released) or an expired one is taken over, counting a transition; our own is renewed,
 * keeping its acquire time and transitions.
 */
export function leaseStep(observed: LeaseObservation | undefined, identity: string, nowMs: number, timing: LeaseTiming): LeaseStep {
  const now = microTime(nowMs);
  const leaseDurationSeconds = timing.leaseDurationMs / 1000;
  if (!observed) return { action: 'create', spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 } };
  const { spec } = observed;
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) return { action: 'update', spec: { ...spec, holderIdentity: identity, leaseDurationSeconds, renewTime: now } };
  if (holder && !leaseExpired(observed, nowMs)) return { action: 'wait', holder };
  return {
    action: 'update',
    spec: { ...spec, holderIdentity: identity, leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 },
  };
}

/** Whether the Lease has not changed for its whole duration, by the observer's clock. */
export function leaseExpired(observed: LeaseObservation, nowMs: number): boolean {
  return observed.observedAtMs + (observed.spec.leaseDurationSeconds ?? 0) * 1000 <= nowMs;
}

/**
 * The spec that gives the Lease up on shutdown (client-go's release): no holder, a one-second duration and
 * the transitions kept, so a waiting candidate takes over on its next try instead of after the lease duration.
 */
export function releasedSpec(spec: LeaseSpec, nowMs: number): LeaseSpec {
  const now = microTime(nowMs);
  return { leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: spec.leaseTransitions ?? 0 };
}
