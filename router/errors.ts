/** Thrown for invalid router configuration (environment or options). Never carries a password. */
export class RouterConfigError extends Error {
  override readonly name = 'RouterConfigError';
}

/**
 * Thrown by `router.query()` for transaction control (BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK,
 * ABORT, SAVEPOINT, RELEASE, PREPARE TRANSACTION): each `query()` call may use another pooled connection,
 * so a transaction opened that way would run its statements elsewhere and stay open on a pooled
 * connection. `command` names the statement.
 */
export class TransactionControlError extends Error {
  override readonly name = 'TransactionControlError';

  constructor(readonly command: string) {
    super(
      `router.query() does not run ${command}: each call may use a different pooled connection, so the transaction would not hold. ` +
        "Use router.transaction('write', async (client) => ...) (or 'read' for a read-only one on a replica), " +
        "or const client = await router.getClient('write'), run BEGIN ... COMMIT on it, then client.release().",
    );
  }
}

/**
 * A read on a replica got no answer within its query timeout (`queryTimeoutMs`): the server may be
 * stopped or cut off without closing its connections. The router retries the read on the primary and
 * counts the timeout as a failed check of the replica. `server` is `host:port`.
 */
export class ReplicaTimeoutError extends Error {
  override readonly name = 'ReplicaTimeoutError';

  constructor(
    readonly server: string,
    readonly timeoutMs: number,
  ) {
    super(`no answer from replica ${server} within ${timeoutMs} ms (queryTimeoutMs); the read goes to the primary`);
  }
}

/** What a failed replica read means for the router. */
export type ReplicaErrorKind =
  /** The replica is unreachable or going away: retry on the primary and count against its health. */
  | 'replica-down'
  /** The replica refused the statement as a standby (25006, recovery conflict): retry on the primary only. */
  | 'standby-refused'
  /** The statement itself failed (syntax, permissions, ...): the caller gets the error. */
  | 'statement';

/** SQLSTATEs of a server that cannot serve: connection exceptions (class 08), shutdowns, no slots. */
const DOWN_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400']);

/** SQLSTATEs a standby raises for statements the primary would run. */
const STANDBY_SQLSTATES = new Set(['25006', '40001']);

/** Node socket errors of an unreachable server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Messages of errors `pg` raises without a code when a connection dies or cannot be made. */
const DOWN_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i, /connection timeout/i, /client has encountered a connection error/i];

/**
 * Classifies an error raised by a read on a replica: `replica-down` for connection failures, shutdowns
 * (57P01-57P03), resource exhaustion and `ReplicaTimeoutError`; `standby-refused` for 25006 (read_only_sql_transaction) and
 * 40001 (a recovery conflict on a standby); `statement` for anything else.
 */
export function classifyReplicaError(error: unknown): ReplicaErrorKind {
  if (error instanceof ReplicaTimeoutError) return 'replica-down';
  const code = errorCode(error);
  if (code !== undefined && STANDBY_SQLSTATES.has(code)) return 'standby-refused';
  if (code !== undefined && (DOWN_SQLSTATES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code))) return 'replica-down';
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined && DOWN_MESSAGES.some((pattern) => pattern.test(message))) return 'replica-down';
  return 'statement';
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** A short description of an error for health records and events (pg error messages carry no password). */
export function describeError(error: unknown): string {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  return code ? `${code}: ${message}` : message;
}
