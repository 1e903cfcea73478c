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

describe('routerOptionsFromEnv: function classification', () => {
  it.each<[string | undefined, string[] | undefined]>([
    [undefined, undefined],
    ['', []],
    ['app.score, touch ,', ['app.score', 'touch']],
  ])('DB_SAFE_FUNCTIONS=%j gives safeFunctions %j', (text, expected) => {
    expect(routerOptionsFromEnv({ DB_SAFE_FUNCTIONS: text }).safeFunctions).toEqual(expected);
  });

  it('reads DB_FUNCTION_CACHE_TTL_MS and refuses a malformed one', () => {
    expect(routerOptionsFromEnv({ DB_FUNCTION_CACHE_TTL_MS: '5000' }).functionCacheTtlMs).toBe(5000);
    expect(() => routerOptionsFromEnv({ DB_FUNCTION_CACHE_TTL_MS: 'soon' })).toThrow(RouterConfigError);
  });
});

describe('routerOptionsFromEnv: timeouts', () => {
  it('reads DB_QUERY_TIMEOUT_MS and DB_STATEMENT_TIMEOUT_MS, and leaves them unset by default', () => {
    expect(routerOptionsFromEnv({ DB_QUERY_TIMEOUT_MS: '250', DB_STATEMENT_TIMEOUT_MS: '10000' })).toMatchObject({ queryTimeoutMs: 250, statementTimeoutMs: 10000 });
    const defaults = routerOptionsFromEnv({});
    expect([defaults.queryTimeoutMs, defaults.statementTimeoutMs]).toEqual([undefined, undefined]);
  });

  it.each([['DB_QUERY_TIMEOUT_MS'], ['DB_STATEMENT_TIMEOUT_MS']])('refuses a malformed %s', (name) => {
    expect(() => routerOptionsFromEnv({ [name]: '-5' })).toThrow(RouterConfigError);
  });
});
