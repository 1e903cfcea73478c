import { describe, expect, it } from '@jest/globals';
import { mergeConditions } from '../../domain/conditions.js';
import { parseResourceRef, workflowId } from '../../domain/names.js';

describe('workflow ids and resource references', () => {
  it('formats workflow ids as <kind>/<namespace>/<name>', () => {
    expect(workflowId('readonlypool', { namespace: 'stellar', name: 'mainnet' })).toBe('readonlypool/stellar/mainnet');
  });

  it.each(['stellar/pool', 'a/b'])('parses %s', (text) => {
    const [namespace, name] = text.split('/');
    expect(parseResourceRef(text)).toEqual({ namespace, name });
  });

  it.each(['pool', '/pool', 'ns/', 'a/b/c', ''])('refuses %p with the expected form', (text) => {
    expect(() => parseResourceRef(text)).toThrow(/expected <namespace>\/<name>/);
  });
});

describe('mergeConditions', () => {
  const ready = { type: 'Ready', status: 'True' as const, reason: 'AllFresh', message: 'ok', observedGeneration: 1 };

  it('stamps a new condition with now', () => {
    expect(mergeConditions(undefined, [ready], 'T1')).toEqual([{ ...ready, lastTransitionTime: 'T1' }]);
  });

  it('keeps the transition time while the status is unchanged, even when the message changes', () => {
    const previous = [{ ...ready, lastTransitionTime: 'T1' }];
    expect(mergeConditions(previous, [{ ...ready, message: 'still ok' }], 'T2')[0]?.lastTransitionTime).toBe('T1');
  });

  it('moves the transition time when the status flips', () => {
    const previous = [{ ...ready, lastTransitionTime: 'T1' }];
    expect(mergeConditions(previous, [{ ...ready, status: 'False' }], 'T2')[0]?.lastTransitionTime).toBe('T2');
  });
});
