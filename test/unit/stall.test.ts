import { describe, expect, it } from '@jest/globals';
import type { Condition } from '../../domain/conditions.js';
import { cleanText, failureText, refusalOutcome, stallBackoffMs, withStall } from '../../domain/stall.js';

const T0 = '2026-01-01T00:00:00.000Z';
const T1 = '2026-01-01T00:01:00.000Z';
const ready: Condition = { type: 'Ready', status: 'True', reason: 'FreshReplicas', message: '3 fresh', lastTransitionTime: T0, observedGeneration: 2 };

describe('stall conditions', () => {
  it('a refusal sets Stalled=True and Ready=False with the API message, and one Warning Event', () => {
    const outcome = refusalOutcome([ready], [ready], [{ object: 'StatefulSet/p', message: 'spec: Forbidden: updates to statefulset spec' }], 2, T1);
    expect(outcome.conditions).toEqual([
      { type: 'Ready', status: 'False', reason: 'ChangeRefused', message: expect.stringContaining('StatefulSet/p: spec: Forbidden') as unknown, lastTransitionTime: T1, observedGeneration: 2 },
      { type: 'Stalled', status: 'True', reason: 'ChangeRefused', message: expect.stringContaining('fix the spec') as unknown, lastTransitionTime: T1, observedGeneration: 2 },
    ]);
    expect(outcome.events).toEqual([{ type: 'Warning', reason: 'ChangeRefused', message: expect.stringContaining('StatefulSet/p') as unknown }]);
  });

  it('the same refusal on the next pass changes nothing and records no second Event', () => {
    const refusals = [{ object: 'StatefulSet/p', message: 'forbidden' }];
    const first = refusalOutcome([ready], [ready], refusals, 2, T0);
    const second = refusalOutcome(first.conditions, [ready], refusals, 2, T1);
    expect(second.conditions).toEqual(first.conditions);
    expect(second.events).toEqual([]);
  });

  it('a cleared refusal shows Stalled=False and the decided Ready again', () => {
    const stalled = refusalOutcome([ready], [ready], [{ object: 'StatefulSet/p', message: 'forbidden' }], 2, T0).conditions;
    const cleared = refusalOutcome(stalled, [ready], [], 2, T1);
    expect(cleared.conditions.map((c) => [c.type, c.status, c.reason])).toEqual([['Ready', 'True', 'FreshReplicas'], ['Stalled', 'False', 'Reconciled']]);
    expect(cleared.events).toEqual([]);
  });

  it("a kind's own Stalled condition stays when nothing was refused", () => {
    const own: Condition = { type: 'Stalled', status: 'True', reason: 'RolloutFailed', message: 'pool-a failed', lastTransitionTime: T0, observedGeneration: 1 };
    expect(withStall([ready, own], [ready, own], undefined, 1, T1)).toEqual([ready, own]);
  });
});

describe('failure text', () => {
  it.each([
    ['the innermost message of a cause chain', new Error('activity task failed', { cause: new Error('403 Forbidden: pods is forbidden') }), '403 Forbidden: pods is forbidden'],
    ['control characters and NUL removed', new Error('bad\u0000body\u001b[31m red'), 'badbody[31m red'],
    ['a non-error', 'x', 'unknown failure'],
  ])('%s', (_what, error, expected) => {
    expect(failureText(error)).toBe(expected);
  });

  it('cuts long text to 512 characters', () => {
    expect(cleanText('a'.repeat(2000))).toHaveLength(512);
  });

  it.each([[1, 1000], [2, 2000], [5, 16_000], [6, 30_000], [40, 30_000]])('backoff after %i failures is %i ms', (failures, ms) => {
    expect(stallBackoffMs(failures)).toBe(ms);
  });
});
