import { describe, expect, it } from '@jest/globals';
import { judgeFunctions, parseSafeFunctions, type CatalogOverload } from '../../domain/function-volatility.js';
import { classifyStatement, functionCalls, tokenizeSql, type FunctionName } from '../../domain/sql-statement.js';

const calls = (sql: string): string[] => functionCalls(tokenizeSql(sql)).map((call) => (call.schema === undefined ? call.name : `${call.schema}.${call.name}`));

describe('functionCalls', () => {
  it.each<[string, string[]]>([
    ['SELECT 1', []],
    ['SELECT now(), count(*), coalesce(a, b), nullif(a, 0), greatest(1, 2), least(1, 2) FROM t', ['now', 'count']],
    ['SELECT app.score(id) FROM t', ['app.score']],
    ['SELECT "Mixed"(1), "my schema"."Fn"(2)', ['Mixed', 'my schema.Fn']],
    ['SELECT pg_catalog.lower(x), LOWER(y)', ['pg_catalog.lower', 'lower']],
    ['SELECT x::numeric(10, 2), CAST(y AS varchar(3)), z::pg_catalog.numeric(4)', []],
    ['SELECT * FROM generate_series(1, 3) AS g(n)', ['generate_series']],
    ['WITH n(x) AS (SELECT 1), m AS MATERIALIZED (SELECT 2) SELECT * FROM n, m', []],
    ['WITH RECURSIVE r(i) AS NOT MATERIALIZED (SELECT 1) SELECT score(i) AS s FROM r', ['score']],
    ['SELECT count(*) FILTER (WHERE a > 0) OVER (PARTITION BY b) FROM t WHERE c IN (1, 2) AND EXISTS (SELECT 1)', ['count']],
    ['SELECT extract(epoch FROM now()), substring(s FROM 2), trim(both FROM s), position(a IN b), overlay(s PLACING t FROM 1)', ['now']],
    ['SELECT * FROM t TABLESAMPLE bernoulli (10)', []],
    ['SELECT array_agg(x ORDER BY y) FROM t GROUP BY GROUPING SETS ((a), (b)), ROLLUP (c)', ['array_agg']],
    ['SELECT left(name, 3), right(name, 2) FROM t LEFT JOIN u ON (t.id = u.id)', ['left', 'right']],
    ["SELECT 'audit(1)', $$ f(2) $$ -- g(3)\n", []],
    ['SELECT current_timestamp(3), localtime(2), ROW(1, 2), ARRAY(SELECT 1), VALUES (1)', []],
    ['SELECT a OPERATOR(pg_catalog.+) b', []],
    ['SELECT score(1), score(2), app.score(3)', ['score', 'app.score']],
  ])('%s', (sql, expected) => {
    expect(calls(sql)).toEqual(expected);
  });

  it('comes with replica classifications only', () => {
    expect(classifyStatement('SELECT score(1)').functions).toEqual([{ name: 'score' }]);
    expect(classifyStatement('SELECT 1').functions).toEqual([]);
    expect(classifyStatement('DELETE FROM t WHERE score(id) > 0').functions).toBeUndefined();
  });
});

const catalog: Record<string, CatalogOverload[]> = {
  '.now': [{ schema: 'pg_catalog', volatility: 's' }],
  '.count': [{ schema: 'pg_catalog', volatility: 'i' }],
  '.random': [{ schema: 'pg_catalog', volatility: 'v' }],
  '.pg_is_in_recovery': [{ schema: 'pg_catalog', volatility: 'v' }],
  '.pg_ls_dir': [{ schema: 'pg_catalog', volatility: 'v' }],
  '.score': [{ schema: 'public', volatility: 's' }, { schema: 'public', volatility: 'i' }],
  '.touch': [{ schema: 'public', volatility: 'v' }],
  '.shadowed': [{ schema: 'pg_catalog', volatility: 'i' }, { schema: 'public', volatility: 'v' }],
  '.random_user': [{ schema: 'public', volatility: 'v' }],
  'app.audit': [{ schema: 'app', volatility: 'v' }],
  '.nothing': [],
};
const overloadsOf = (call: FunctionName): CatalogOverload[] | undefined => catalog[`${call.schema ?? ''}.${call.name}`];
const named = (text: string): FunctionName => {
  const [first, second] = text.split('.');
  return second === undefined ? { name: first ?? '' } : { schema: first, name: second };
};

describe('judgeFunctions', () => {
  it.each<[string, string[], string[], string]>([
    ['no calls', [], [], 'replica'],
    ['STABLE and IMMUTABLE built-ins', ['now', 'count'], [], 'replica'],
    ['read-only VOLATILE built-ins', ['random', 'pg_is_in_recovery'], [], 'replica'],
    ['another VOLATILE built-in', ['pg_ls_dir'], [], 'primary'],
    ['user STABLE/IMMUTABLE overloads', ['score'], [], 'replica'],
    ['user VOLATILE', ['now', 'touch'], [], 'primary'],
    ['a volatile overload in the search path wins', ['shadowed'], [], 'primary'],
    ['unknown name counts as volatile', ['nothing'], [], 'primary'],
    ['qualified VOLATILE', ['app.audit'], [], 'primary'],
    ['safe-listed unqualified', ['touch'], ['touch'], 'replica'],
    ['safe-listed qualified', ['app.audit'], ['APP.Audit'], 'replica'],
    ['qualified safe entry does not cover an unqualified call', ['touch'], ['public.touch'], 'primary'],
    ['unqualified safe entry covers any schema', ['app.audit'], ['audit'], 'replica'],
    ['safe-listed unknown name', ['nothing'], ['nothing'], 'replica'],
  ])('%s', (_name, names, safe, target) => {
    const judgement = judgeFunctions(names.map(named), overloadsOf, parseSafeFunctions(safe));
    expect('verdict' in judgement && judgement.verdict.target).toBe(target);
  });

  it('names the calls it still needs from the catalog, unless one already sends the read to the primary', () => {
    expect(judgeFunctions([named('now'), named('later'), named('x.y')], overloadsOf, parseSafeFunctions([]))).toEqual({ missing: [named('later'), named('x.y')] });
    expect(judgeFunctions([named('later'), named('touch')], overloadsOf, parseSafeFunctions([]))).toEqual({ verdict: { target: 'primary', reason: 'VOLATILE function touch()' } });
  });
});
