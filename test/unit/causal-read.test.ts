import { describe, expect, it } from '@jest/globals';
import { decideCausalRead, type CausalCandidate, type CausalReadDecision } from '../../domain/causal-read.js';

const up = (replayLsn?: bigint): CausalCandidate => ({ healthy: true, replayLsn });
const down = (replayLsn?: bigint): CausalCandidate => ({ healthy: false, replayLsn });

describe('decideCausalRead', () => {
  it.each<[string, { token?: bigint; positionUnknown?: boolean; candidates: CausalCandidate[]; probes?: number; waitedMs?: number }, CausalReadDecision]>([
    ['no token: the usual choice', { candidates: [up(), up()] }, { action: 'any-replica' }],
    ['no token and no healthy replica: still the usual choice', { candidates: [down()] }, { action: 'any-replica' }],
    ['position unknown after a write: primary', { token: 5n, positionUnknown: true, candidates: [up(9n)] }, { action: 'primary', outcome: 'primary-position-unknown' }],
    ['position unknown without token: primary', { positionUnknown: true, candidates: [up(9n)] }, { action: 'primary', outcome: 'primary-position-unknown' }],
    ['no healthy replica: primary at once', { token: 5n, candidates: [down(9n), down(9n)] }, { action: 'primary', outcome: 'primary-no-replica' }],
    ['no replica at all: primary', { token: 5n, candidates: [] }, { action: 'primary', outcome: 'primary-no-replica' }],
    ['known replica exactly at the token', { token: 5n, candidates: [up(5n), up(4n)] }, { action: 'replica', eligible: [0], outcome: 'replica-caught-up' }],
    ['both past the token', { token: 5n, candidates: [up(6n), up(70n)] }, { action: 'replica', eligible: [0, 1], outcome: 'replica-caught-up' }],
    ['an unhealthy replica past the token is not eligible', { token: 5n, candidates: [down(9n), up(9n)] }, { action: 'replica', eligible: [1], outcome: 'replica-caught-up' }],
    ['the paused replica is skipped, the other serves', { token: 5n, candidates: [up(9n), up(1n)], probes: 1 }, { action: 'replica', eligible: [0], outcome: 'replica-caught-up' }],
    ['caught up after the second probe: after a wait', { token: 5n, candidates: [up(5n)], probes: 2, waitedMs: 6 }, { action: 'replica', eligible: [0], outcome: 'replica-after-wait' }],
    ['unknown positions: probe first', { token: 5n, candidates: [up(), up()] }, { action: 'probe' }],
    ['behind, not probed yet: probe even with no wait allowed', { token: 5n, candidates: [up(4n)], probes: 0, waitedMs: 0 }, { action: 'probe' }],
    ['behind within the bound: probe again', { token: 5n, candidates: [up(4n)], probes: 3, waitedMs: 99 }, { action: 'probe' }],
    ['behind at the bound: primary', { token: 5n, candidates: [up(4n), up()], probes: 3, waitedMs: 100 }, { action: 'primary', outcome: 'primary-wait-expired' }],
    ['behind past the bound: primary', { token: 5n, candidates: [up(4n)], probes: 9, waitedMs: 250 }, { action: 'primary', outcome: 'primary-wait-expired' }],
  ])('%s', (_name, observed, expected) => {
    const decision = decideCausalRead(
      { token: observed.token, positionUnknown: observed.positionUnknown ?? false, candidates: observed.candidates, probes: observed.probes ?? 0, waitedMs: observed.waitedMs ?? 0 },
      { waitMs: 100 },
    );
    expect(decision).toEqual(expected);
  });

  it('with a zero wait, probes exactly once and then uses the primary', () => {
    const observed = { token: 5n, positionUnknown: false, candidates: [up(4n)], waitedMs: 0 };
    expect(decideCausalRead({ ...observed, probes: 0 }, { waitMs: 0 })).toEqual({ action: 'probe' });
    expect(decideCausalRead({ ...observed, probes: 1 }, { waitMs: 0 })).toEqual({ action: 'primary', outcome: 'primary-wait-expired' });
  });
});
