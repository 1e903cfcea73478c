import { describe, expect, it } from '@jest/globals';
import { RouterConfigError, routerOptionsFromEnv } from '../../router/index.js';

describe('routerOptionsFromEnv: causal reads', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['false', false],
    [' False ', false],
    ['0', false],
  ])('DB_CAUSAL_READS=%j gives causalReads %s', (text, expected) => {
    expect(routerOptionsFromEnv({ DB_CAUSAL_READS: text }).causalReads).toBe(expected);
  });

  it.each([['yes'], ['off'], ['2']])('refuses DB_CAUSAL_READS=%j', (text) => {
    expect(() => routerOptionsFromEnv({ DB_CAUSAL_READS: text })).toThrow(RouterConfigError);
  });

  it.each([
    [undefined, undefined],
    ['250', 250],
    ['0', 0],
  ])('DB_CAUSAL_WAIT_MS=%j gives causalWaitMs %s', (text, expected) => {
    expect(routerOptionsFromEnv({ DB_CAUSAL_WAIT_MS: text }).causalWaitMs).toBe(expected);
  });

  it.each([['-1'], ['1.5'], ['soon']])('refuses DB_CAUSAL_WAIT_MS=%j', (text) => {
    expect(() => routerOptionsFromEnv({ DB_CAUSAL_WAIT_MS: text })).toThrow(RouterConfigError);
  });
});
