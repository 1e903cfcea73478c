import type { FunctionName, StatementClass } from './sql-statement.js';

/** `pg_proc.provolatile`: `i` immutable, `s` stable, `v` volatile. */
export type Volatility = 'i' | 's' | 'v';

/** One overload of a function as the catalog lists it. */
export interface CatalogOverload {
  schema: string;
  volatility: Volatility;
}

/**
 * Built-in (pg_catalog) functions that `pg_proc` marks VOLATILE but that only read, and run on a standby:
 * random values and clocks, sleeps, recovery and replay state, sizes. Every other VOLATILE function sends
 * its statement to the primary. Built-ins that write yet are marked STABLE (`txid_current`) are caught
 * before, by name (see `classifyStatement`).
 */
export const READ_ONLY_VOLATILE_BUILTINS: ReadonlySet<string> = new Set([
  'random', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'pg_sleep', 'pg_sleep_for', 'pg_sleep_until',
  'pg_is_in_recovery', 'pg_last_wal_receive_lsn', 'pg_last_wal_replay_lsn', 'pg_last_xact_replay_timestamp',
  'pg_is_wal_replay_paused', 'pg_get_wal_replay_pause_state', 'pg_relation_size', 'pg_table_size',
  'pg_indexes_size', 'pg_total_relation_size', 'pg_database_size', 'pg_tablespace_size', 'pg_blocking_pids',
  'pg_lock_status', 'pg_jit_available', 'current_query',
]);

/** Functions the application declares safe on a replica, from `safeFunctions` entries `name` or `schema.name`. */
export interface SafeFunctions {
  /** Unqualified entries: safe in any schema. */
  anySchema: ReadonlySet<string>;
  /** Qualified entries, as `schema.name`. */
  qualified: ReadonlySet<string>;
}

/** Parses `safeFunctions` entries (case-insensitive, as unquoted SQL names): `name` or `schema.name`. */
export function parseSafeFunctions(entries: readonly string[]): SafeFunctions {
  const anySchema = new Set<string>();
  const qualified = new Set<string>();
  for (const entry of entries) {
    const text = entry.trim().toLowerCase();
    if (text === '') continue;
    if (text.includes('.')) qualified.add(text);
    else anySchema.add(text);
  }
  return { anySchema, qualified };
}

/** The cache key of a call: `schema.name`, or `.name` when unqualified (resolved over the search path). */
export function functionKey(call: FunctionName): string {
  return `${call.schema ?? ''}.${call.name}`;
}

/** What the catalog check decided, or which names it still needs from the catalog. */
export type FunctionJudgement = { verdict: StatementClass } | { missing: FunctionName[] };

/**
 * Decides where a read that calls `calls` may run, from the overloads the catalog lists for each name
 * (`overloadsOf` returns undefined when not looked up yet). A call is fine on a replica when it is
 * safe-listed, or when no overload of it is VOLATILE, or when its only VOLATILE overloads are read-only
 * built-ins (`READ_ONLY_VOLATILE_BUILTINS` in pg_catalog). An unknown name (no overload: not created on
 * this server yet, or not a function we recognise) counts as volatile, as pgpool-II does. The primary
 * wins at the first volatile call; names not looked up are returned as `missing`.
 */
export function judgeFunctions(
  calls: readonly FunctionName[],
  overloadsOf: (call: FunctionName) => readonly CatalogOverload[] | undefined,
  safe: SafeFunctions,
): FunctionJudgement {
  const missing: FunctionName[] = [];
  for (const call of calls) {
    if (isSafeListed(call, safe)) continue;
    const overloads = overloadsOf(call);
    if (overloads === undefined) {
      missing.push(call);
      continue;
    }
    const label = call.schema === undefined ? call.name : `${call.schema}.${call.name}`;
    if (overloads.length === 0) return { verdict: { target: 'primary', reason: `unknown function ${label}() counts as volatile` } };
    const volatile = overloads.filter((overload) => overload.volatility === 'v');
    const readOnlyBuiltin = volatile.every((overload) => overload.schema === 'pg_catalog' && READ_ONLY_VOLATILE_BUILTINS.has(call.name));
    if (!readOnlyBuiltin) return { verdict: { target: 'primary', reason: `VOLATILE function ${label}()` } };
  }
  if (missing.length > 0) return { missing };
  return { verdict: { target: 'replica', reason: calls.length === 0 ? 'calls no function' : 'calls only IMMUTABLE, STABLE or safe functions' } };
}

function isSafeListed(call: FunctionName, safe: SafeFunctions): boolean {
  if (safe.anySchema.has(call.name)) return true;
  return call.schema !== undefined && safe.qualified.has(`${call.schema}.${call.name}`);
}
