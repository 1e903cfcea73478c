import type pg from 'pg';
import { functionKey, type CatalogOverload, type Volatility } from '../domain/function-volatility.js';
import type { FunctionName } from '../domain/sql-statement.js';

/** Runs one catalog query on the server the cache belongs to. */
export type CatalogQuery = (sql: string, params: unknown[]) => Promise<pg.QueryResult<CatalogRow>>;

/** One row of `LOOKUP_SQL`: the call's index and its overloads as `schema:volatility`. */
export interface CatalogRow {
  i: number;
  overloads: string[];
}

/**
 * Every overload of each name: in the given schema when qualified, else in the schemas of the session's
 * search path (`current_schemas(true)`, pg_catalog included), as PostgreSQL resolves an unqualified call.
 */
const LOOKUP_SQL = `SELECT r.i::int AS i,
  coalesce(array_agg(n.nspname || ':' || p.provolatile::text) FILTER (WHERE p.oid IS NOT NULL), '{}') AS overloads
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS r(schema, name, i)
LEFT JOIN pg_namespace n ON CASE WHEN r.schema IS NULL THEN n.nspname = ANY (current_schemas(true)) ELSE n.nspname = r.schema END
LEFT JOIN pg_proc p ON p.pronamespace = n.oid AND p.proname = r.name
GROUP BY r.i`;

interface Entry {
  overloads: CatalogOverload[];
  at: number;
}

/**
 * The volatility (`pg_proc.provolatile`) of the functions reads call, as one server's catalog lists it,
 * cached per name for `ttlMs` (a function created, dropped or altered shows up after at most that long,
 * or at once after `invalidate()`). Each server has its own: a replica that has not replayed a
 * `CREATE FUNCTION` yet does not know the function, so calls of it go to the primary.
 */
export class FunctionCatalog {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  constructor(ttlMs: number, now: () => number) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /** The cached overloads of `call` (an empty list for an unknown name), or undefined when not cached or expired. */
  overloadsOf(call: FunctionName): readonly CatalogOverload[] | undefined {
    const entry = this.#entries.get(functionKey(call));
    if (!entry || this.#now() - entry.at >= this.#ttlMs) return undefined;
    return entry.overloads;
  }

  /** Reads the overloads of `calls` through `query` into the cache. Throws what `query` throws (nothing is cached then). */
  async lookUp(query: CatalogQuery, calls: readonly FunctionName[]): Promise<void> {
    const result = await query(LOOKUP_SQL, [calls.map((call) => call.schema ?? null), calls.map((call) => call.name)]);
    const at = this.#now();
    for (const row of result.rows) {
      const call = calls[row.i - 1];
      if (call) this.#entries.set(functionKey(call), { overloads: row.overloads.map(parseOverload), at });
    }
  }

  /** Forgets every cached answer. */
  invalidate(): void {
    this.#entries.clear();
  }
}

function parseOverload(text: string): CatalogOverload {
  const split = text.lastIndexOf(':');
  return { schema: text.slice(0, split), volatility: text.slice(split + 1) as Volatility };
}
