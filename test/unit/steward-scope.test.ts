import { describe, expect, it } from '@jest/globals';
import { stewardScopeFromEnv } from '../../worker/steward-scope.js';

describe('stewardScopeFromEnv', () => {
  it.each([
    [{}, { taskQueue: 'stellar-steward' }],
    [{ STEWARD_TASK_QUEUE: 'staging' }, { taskQueue: 'staging' }],
  ])('%j gives %j', (env, expected) => {
    expect(stewardScopeFromEnv(env)).toEqual(expected);
  });

  it('refuses an empty STEWARD_TASK_QUEUE, naming it', () => {
    expect(() => stewardScopeFromEnv({ STEWARD_TASK_QUEUE: ' ' })).toThrow(/STEWARD_TASK_QUEUE is set but empty/);
  });
});
