import type pg from 'pg';
import { parseWalLsn, type WalLsn } from '../domain/wal-lsn.js';

/**
 * The primary's position after a commit: `pg_current_wal_insert_lsn()`, not `pg_current_wal_lsn()`.
 * PostgreSQL's docs (functions-admin, "Backup Control Functions") define the insert location as the
 * logical end of the WAL at any instant, and the write location as the end of what has been written out
 * of the server's buffers. With `synchronous_commit = off` (as on the local stack) COMMIT returns before
 * its record is written, so the write location can lie before our commit record; the insert location
 * never does. It may lie a little past it (other sessions' records, or a page header when the position
 * is on a page boundary), which only makes a read wait or go to the primary, never read stale data.
 */
const INSERT_POSITION_SQL = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';

/** A replica's replay position: the end of the last WAL record recovery applied. */
const REPLAY_POSITION_SQL = 'SELECT pg_last_wal_replay_lsn()::text AS lsn';

/** Something that runs a query: a pool or a checked-out client. */
interface Queryable {
  query<R extends pg.QueryResultRow>(text: string): Promise<pg.QueryResult<R>>;
}

/** The primary's WAL insert position, read through `on` after a commit. Throws what `pg` throws. */
export async function readInsertPosition(on: Queryable): Promise<WalLsn> {
  return parsedRow(await on.query<{ lsn: string | null }>(INSERT_POSITION_SQL));
}

/**
 * A replica's `pg_last_wal_replay_lsn()`, or undefined when it does not answer within `timeoutMs`, fails,
 * or is not in recovery (the function returns NULL on a primary).
 */
export async function probeReplayPosition(pool: pg.Pool, timeoutMs: number): Promise<WalLsn | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const probe = pool.query<{ lsn: string | null }>(REPLAY_POSITION_SQL).then(
    (result) => (result.rows[0]?.lsn ? parsedRow(result) : undefined),
    () => undefined,
  );
  try {
    return await Promise.race([probe, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function parsedRow(result: pg.QueryResult<{ lsn: string | null }>): WalLsn {
  const text = result.rows[0]?.lsn;
  if (!text) throw new Error('the server returned no WAL position');
  return parseWalLsn(text);
}
