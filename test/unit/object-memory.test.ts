import { describe, expect, it } from '@jest/globals';
import { memoryForObject } from '../../domain/object-memory.js';

describe('memoryForObject: memory belongs to one object (UID)', () => {
  it.each([
    ['same object keeps its memory', { replicas: 4 }, 'uid-1', 'uid-1', { memory: { replicas: 4 }, memoryUid: 'uid-1', replaced: false }],
    ['memory from before the rule is adopted by the observed object', { replicas: 4 }, undefined, 'uid-1', { memory: { replicas: 4 }, memoryUid: 'uid-1', replaced: false }],
    ['an object created again under the name starts with no memory', { replicas: 4 }, 'uid-1', 'uid-2', { memory: undefined, memoryUid: 'uid-2', replaced: true }],
    ['no memory yet', undefined, undefined, 'uid-1', { memory: undefined, memoryUid: 'uid-1', replaced: false }],
  ])('%s', (_, memory, memoryUid, uid, expected) => {
    expect(memoryForObject(memory, memoryUid, uid)).toEqual(expected);
  });
});
