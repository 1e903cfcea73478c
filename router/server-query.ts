import type pg from 'pg';
import { ReplicaTimeoutError } from './errors.js';
import type { FunctionCatalog } from './function-catalog.js';
import type { CheckTarget } from './health-check.js';
import type { LatencyStats } from './metrics.js';

/** One PostgreSQL server of the router: its pool, latency, function catalog and query timeout. */
export interface Server {
  name: string;
  target: CheckTarget;
  pool: pg.Pool;
  latency: LatencyStats;
  /** The volatility of the functions reads call, as this server's catalog lists it. */
  functions: FunctionCatalog;
  /** Client-side bound on one query (ms); 0 for none (always 0 on the primary). */
  queryTimeoutMs: number;
}

/** Runs one statement on `server` (bounded by its query timeout, if any) and records its latency. */
export async function runOn<R extends pg.QueryResultRow>(server: Server, sql: string, params: unknown[] | undefined): Promise<pg.QueryResult<R>> {
  const started = performance.now();
  let failed = true;
  try {
    const result = server.queryTimeoutMs > 0 ? await queryWithin<R>(server, sql, params) : await server.pool.query<R>(sql, params);
    failed = false;
    return result;
  } finally {
    server.latency.record(performance.now() - started, failed);
  }
}

/**
 * `pool.query` bounded by the server's query timeout: when it passes, the connection is destroyed (its
 * query may never answer) and `ReplicaTimeoutError` is thrown. Getting the connection is bounded by the
 * pool's connection timeout. As `pool.query` does, a connection whose query failed is not reused.
 * Callback-based, like `pool.query` itself, so the hot path adds one timer and no promise chains.
 */
function queryWithin<R extends pg.QueryResultRow>(server: Server, sql: string, params: unknown[] | undefined): Promise<pg.QueryResult<R>> {
  return new Promise((resolve, reject) => {
    server.pool.connect((connectError, client, release) => {
      if (connectError || !client) {
        reject(connectError ?? new Error(`no connection to ${server.name}`));
        return;
      }
      let settled = false;
      const finish = (error: Error | undefined, result?: pg.QueryResult<R>): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        client.removeListener('error', finish);
        // A checked-out client has no listener of the pool: without this one, a socket error would be uncaught.
        if (error) client.on('error', ignore);
        release(error);
        if (error) reject(error);
        else resolve(result as pg.QueryResult<R>);
      };
      const timer = setTimeout(() => finish(new ReplicaTimeoutError(server.name, server.queryTimeoutMs)), server.queryTimeoutMs);
      client.once('error', finish);
      client.query<R>(sql, params as unknown[], (queryError: Error | undefined, result: pg.QueryResult<R>) => finish(queryError ?? undefined, result));
    });
  });
}

function ignore(): void {
  // the client is being destroyed; its late errors have been reported
}
