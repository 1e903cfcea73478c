import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_LEASE_TIMING, leaseExpired, leaseStep, leaseTimingProblem, microTime, observeLease, releasedSpec, type LeaseObservation, type LeaseSpec, type LeaseTiming,
} from '../../kube/lease-record.js';

const T0 = Date.parse('2026-11-30T12:00:00.000Z');
const at = (seconds: number): number => T0 + seconds * 1000;
const held = (holder: string | undefined, observedAtS: number, extra: LeaseSpec = {}): LeaseObservation => ({
  resourceVersion: '7',
  spec: { holderIdentity: holder, leaseDurationSeconds: 15, acquireTime: microTime(at(-100)), renewTime: microTime(at(observedAtS)), leaseTransitions: 3, ...extra },
  observedAtMs: at(observedAtS),
});

describe('leaseTimingProblem: client-go NewLeaderElector rules', () => {
  it.each<[string, LeaseTiming, RegExp | undefined]>([
    ['controller-runtime defaults 15/10/2 s', DEFAULT_LEASE_TIMING, undefined],
    ['a short test timing 4/3/1 s', { leaseDurationMs: 4000, renewDeadlineMs: 3000, retryPeriodMs: 1000 }, undefined],
    ['lease not above renew deadline', { leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2000 }, /longer than the renew deadline/],
    ['renew deadline within 1.2 retry periods', { leaseDurationMs: 15_000, renewDeadlineMs: 2400, retryPeriodMs: 2000 }, /1.2 retry periods/],
    ['a zero retry period', { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 0 }, /above zero/],
    ['a lease of 2.5 s (the Lease stores seconds)', { leaseDurationMs: 2500, renewDeadlineMs: 2000, retryPeriodMs: 500 }, /whole seconds/],
  ])('%s', (_what, timing, problem) => {
    const found = leaseTimingProblem(timing);
    if (problem) expect(found).toMatch(problem);
    else expect(found).toBeUndefined();
  });
});

describe('leaseStep: one try to acquire or renew (client-go tryAcquireOrRenew)', () => {
  it.each<[string, LeaseObservation | undefined, number, LeaseStep['action'], LeaseSpec | { holder: string }]>([
    ['no Lease: create it, holding it, no transitions yet', undefined, 0, 'create',
      { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(at(0)), renewTime: microTime(at(0)), leaseTransitions: 0 }],
    ['held by another, changed 14.9 s ago: wait', held('other', 0), 14.9, 'wait', { holder: 'other' }],
    ['held by another, unchanged for its 15 s: take it over, one more transition', held('other', 0), 15, 'update',
      { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(at(15)), renewTime: microTime(at(15)), leaseTransitions: 4 }],
    ['released (no holder): take it over at once', held(undefined, 0, { leaseDurationSeconds: 1 }), 0.1, 'update',
      { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(at(0.1)), renewTime: microTime(at(0.1)), leaseTransitions: 4 }],
    ['held by me: renew, keeping the acquire time and transitions', held('me', 0), 2, 'update',
      { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(at(-100)), renewTime: microTime(at(2)), leaseTransitions: 3 }],
    ['held by me but expired by my clock: still mine to renew', held('me', 0), 60, 'update',
      { holderIdentity: 'me', leaseDurationSeconds: 15, acquireTime: microTime(at(-100)), renewTime: microTime(at(60)), leaseTransitions: 3 }],
  ])('%s', (_what, observed, nowS, action, expected) => {
    const step = leaseStep(observed, 'me', at(nowS), DEFAULT_LEASE_TIMING);
    expect(step.action).toBe(action);
    expect(step.action === 'wait' ? { holder: step.holder } : step.spec).toEqual(expected);
  });

  it('judges expiry by the observer\'s clock, not the holder\'s renewTime (a holder whose clock runs 1 h behind)', () => {
    const skewed = { ...held('other', 0), spec: { ...held('other', 0).spec, renewTime: microTime(at(-3600)) } };
    expect(leaseStep(skewed, 'me', at(10), DEFAULT_LEASE_TIMING).action).toBe('wait');
    expect(leaseExpired(skewed, at(10))).toBe(false);
  });
});

describe('observeLease: the expiry clock restarts only when the Lease changed', () => {
  const first = observeLease(undefined, '7', { holderIdentity: 'other' }, at(0));

  it.each<[string, string, number, number]>([
    ['the same resourceVersion later: observed when first seen', '7', 10, at(0)],
    ['a new resourceVersion (a renewal): observed now', '8', 10, at(10)],
  ])('%s', (_what, resourceVersion, nowS, observedAtMs) => {
    expect(observeLease(first, resourceVersion, { holderIdentity: 'other' }, at(nowS)).observedAtMs).toBe(observedAtMs);
  });

  it('a Lease first seen now waits its full duration, whatever its renewTime says', () => {
    const fresh = observeLease(undefined, '9', { holderIdentity: 'other', leaseDurationSeconds: 15, renewTime: microTime(at(-3600)) }, at(0));
    expect([leaseExpired(fresh, at(14.999)), leaseExpired(fresh, at(15))]).toEqual([false, true]);
  });
});

describe('releasedSpec and microTime', () => {
  it('gives the Lease up: no holder, one second, transitions kept (client-go release)', () => {
    expect(releasedSpec(held('me', 0).spec, at(5))).toEqual({ leaseDurationSeconds: 1, acquireTime: microTime(at(5)), renewTime: microTime(at(5)), leaseTransitions: 3 });
  });

  it('writes six fractional digits, as the API server parses a MicroTime', () => {
    expect(microTime(Date.parse('2026-11-30T12:00:00.123Z'))).toBe('2026-11-30T12:00:00.123000Z');
  });
});

type LeaseStep = ReturnType<typeof leaseStep>;
