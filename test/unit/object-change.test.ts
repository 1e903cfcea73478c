import { describe, expect, it } from '@jest/globals';
import { MAX_CHANGES, namedChanges, resourceVersionAtLeast, withChange, type ObjectChange } from '../../domain/object-change.js';

describe('resourceVersionAtLeast (KEP-5504: decimals of one resource compare as integers)', () => {
  it.each([
    ['equal', '120', '120', true],
    ['newer', '121', '120', true],
    ['older', '119', '120', false],
    ['longer is newer', '1000', '999', true],
    ['shorter is older', '999', '1000', false],
    ['beyond 2^53', '9007199254740993', '9007199254740992', true],
    ['an opaque form equal', 'abc', 'abc', true],
    ['an opaque form never newer', 'abd', 'abc', false],
    ['a leading zero is not a KEP-5504 form', '0121', '120', false],
  ])('%s', (_, held, seen, expected) => {
    expect(resourceVersionAtLeast(held, seen)).toBe(expected);
  });

  it('nothing held is not at least anything', () => {
    expect(resourceVersionAtLeast(undefined, '1')).toBe(false);
  });
});

describe('withChange', () => {
  const change = (path: string, resourceVersion: string, deleted?: boolean): ObjectChange => ({ path, resourceVersion, ...(deleted ? { deleted } : {}) });

  it('keeps one entry per path, the newest', () => {
    let changes = withChange([], change('/a', '5'));
    changes = withChange(changes, change('/b', '6'));
    changes = withChange(changes, change('/a', '7'));
    changes = withChange(changes, change('/a', '6'));
    expect(changes).toEqual([change('/b', '6'), change('/a', '7')]);
  });

  it('a deletion replaces what was seen of the object', () => {
    expect(withChange([change('/a', '9')], change('/a', '9', true))).toEqual([change('/a', '9', true)]);
  });

  it('stays unknown once unknown, and becomes unknown past the bound', () => {
    expect(withChange(undefined, change('/a', '1'))).toBeUndefined();
    let changes: ObjectChange[] | undefined = [];
    for (let i = 0; i < MAX_CHANGES; i += 1) changes = withChange(changes, change(`/p${i}`, '1'));
    expect(changes).toHaveLength(MAX_CHANGES);
    expect(withChange(changes, change('/one-more', '1'))).toBeUndefined();
  });
});

describe('namedChanges (a signal anyone can send)', () => {
  it('takes the changes of the watches\' form, and nothing else of them', () => {
    expect(namedChanges({ changes: [{ path: '/a', resourceVersion: '1', extra: 'x' }, { path: '/b', resourceVersion: '2', deleted: true }] }))
      .toEqual([{ path: '/a', resourceVersion: '1' }, { path: '/b', resourceVersion: '2', deleted: true }]);
  });

  it.each([
    ['no argument', undefined],
    ['null', null],
    ['no changes', {}],
    ['an empty list', { changes: [] }],
    ['a string', { changes: 'x' }],
    ['a number', { changes: 5 }],
    ['a change without a version', { changes: [{ path: '/a' }] }],
    ['a version that is a number', { changes: [{ path: '/a', resourceVersion: 1 }] }],
    ['a null change', { changes: [null] }],
    ['too many changes', { changes: Array.from({ length: MAX_CHANGES + 1 }, (_, i) => ({ path: `/${i}`, resourceVersion: '1' })) }],
  ])('names nothing for %s (the pass reads the API)', (_, argument) => {
    expect(namedChanges(argument)).toBeUndefined();
  });
});
