import pg from 'pg';
import { lagSecondsOf, type ReplicaCheckResult } from '../domain/replica-health.js';
import { describeError } from './errors.js';

/** The connection settings a health check needs (a resolved `ServerConfig`). */
export interface CheckTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  applicationName: string;
}

/** One round trip: recovery state, WAL receiver status, LSNs and the replay timestamp, on the replica's clock. */
const REPLICA_CHECK_SQL = `SELECT 1 AS one,
  pg_is_in_recovery() AS in_recovery,
  (SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver_status,
  pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AS replayed_all_received,
  CASE WHEN $1::text IS NULL THEN NULL
       ELSE greatest(0, pg_wal_lsn_diff($1::text::pg_lsn, pg_last_wal_replay_lsn()))::float8 END AS lag_bytes,
  (extract(epoch FROM pg_last_xact_replay_timestamp()) * 1000)::float8 AS last_replay_at,
  (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS now`;

interface ReplicaCheckRow {
  in_recovery: boolean;
  receiver_status: string | null;
  replayed_all_received: boolean | null;
  lag_bytes: number | null;
  last_replay_at: number | null;
  now: number;
}

/**
 * Checks one replica on a fresh connection, bounded by `timeoutMs` (connect and query together): connect,
 * `SELECT 1`, `pg_is_in_recovery()`, `pg_stat_wal_receiver.status = 'streaming'`, lag in bytes against
 * `primaryLsn` (the primary's `pg_current_wal_lsn()`, read before; undefined leaves the byte lag unknown)
 * and lag in seconds (`lagSecondsOf`). Never throws: a failure is a `{ ok: false }` result.
 * The checking user needs `pg_monitor` (or superuser) to read the WAL receiver's status.
 */
export async function checkReplica(target: CheckTarget, primaryLsn: string | undefined, timeoutMs: number, now: () => number): Promise<ReplicaCheckResult> {
  const started = now();
  const client = new pg.Client({ ...clientConfig(target), connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on('error', () => undefined);
  try {
    const row = await withTimeout(runCheck(client, primaryLsn), timeoutMs, 'health check');
    const lagBytes = row.lag_bytes ?? undefined;
    return {
      ok: true,
      at: now(),
      responseTimeMs: now() - started,
      inRecovery: row.in_recovery,
      streaming: row.receiver_status === 'streaming',
      lagBytes,
      lagSeconds: lagSecondsOf({
        replayedAllReceived: row.replayed_all_received ?? undefined,
        lagBytes,
        lastReplayAt: row.last_replay_at ?? undefined,
        now: row.now,
      }),
    };
  } catch (error) {
    return { ok: false, at: now(), error: describeError(error), responseTimeMs: now() - started };
  } finally {
    void client.end().catch(() => undefined);
  }
}

async function runCheck(client: pg.Client, primaryLsn: string | undefined): Promise<ReplicaCheckRow> {
  await client.connect();
  const result = await client.query<ReplicaCheckRow>(REPLICA_CHECK_SQL, [primaryLsn ?? null]);
  const row = result.rows[0];
  if (!row) throw new Error('the health check query returned no row');
  return row;
}

/**
 * The primary's `pg_current_wal_lsn()` as text, read through `pool` within `timeoutMs`, or undefined when
 * the primary does not answer (replicas' byte lag is then unknown for this round).
 */
export async function readPrimaryLsn(pool: pg.Pool, timeoutMs: number): Promise<string | undefined> {
  try {
    const query = pool.query<{ lsn: string }>({ text: 'SELECT pg_current_wal_lsn()::text AS lsn', query_timeout: timeoutMs } as pg.QueryConfig);
    const result = await withTimeout(query, timeoutMs, 'primary LSN');
    return result.rows[0]?.lsn;
  } catch {
    return undefined;
  }
}

/** `pg` client settings for a target; the password stays inside the config object. */
export function clientConfig(target: CheckTarget): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    password: target.password,
    application_name: target.applicationName,
  };
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
