import type { ReplicaHealthOptions } from '../domain/replica-health.js';
import { RouterConfigError } from './errors.js';

/** How to reach one PostgreSQL server. `database`, `user` and `password` default to the primary's. */
export interface ServerConfig {
  host: string;
  port: number;
  database?: string;
  user?: string;
  password?: string;
  /** Sent as `application_name`; default `steward-router`. */
  applicationName?: string;
  /** This server's `queryTimeoutMs` (replicas only); default the router's. */
  queryTimeoutMs?: number;
  /** This server's `statementTimeoutMs`; default the router's. */
  statementTimeoutMs?: number;
  /** This server's connection timeout (ms); default `pool.connectionTimeoutMillis`. */
  connectionTimeoutMillis?: number;
}

/** Settings of every `pg.Pool` the router opens (one per server). */
export interface RouterPoolOptions {
  /** Default 10 (as `pg.Pool`). */
  max?: number;
  /** Default 0. */
  min?: number;
  /** Milliseconds to wait for a connection. Default 5000. */
  connectionTimeoutMillis?: number;
  /** Milliseconds before an idle connection closes. Default 30000. */
  idleTimeoutMillis?: number;
}

/** How a read picks among healthy replicas. */
export type ReplicaStrategy = 'round-robin' | 'least-lag';

/** Something the router reports (never containing a password). */
export interface RouterEvent {
  type: 'replica-unhealthy' | 'replica-healthy' | 'failover' | 'pool-error' | 'health-source-error';
  server: string;
  message: string;
}

/** Everything `ReadReplicaRouter` accepts; only `primary` is required. */
export interface RouterOptions extends ReplicaHealthOptions {
  primary: ServerConfig & { database: string; user: string };
  replicas?: ServerConfig[];
  pool?: RouterPoolOptions;
  /** Milliseconds between health checks; 0 turns periodic checks off (use `checkHealthNow`). Default 30000. */
  healthCheckIntervalMs?: number;
  /** Bound on one replica's health check (connect and queries), in ms. Default 5000. */
  healthCheckTimeoutMs?: number;
  /** Default `round-robin`. */
  strategy?: ReplicaStrategy;
  /** With `least-lag`, replicas within this many bytes of the least-lagging one share reads. Default 65536. */
  lagToleranceBytes?: number;
  /** After a write, reads of the same context go to the primary for this long (ms). Default 0 (off). */
  readYourWritesMs?: number;
  /**
   * Causal reads: after a write, reads of the same context go only to replicas that have replayed the
   * primary's WAL position read after the commit (see `ReadContext`). Default true.
   */
  causalReads?: boolean;
  /** How long a causal read waits for a replica to replay the context's position before using the primary (ms). Default 100. */
  causalWaitMs?: number;
  /** Pause between two reads of the replicas' replay positions while a causal read waits (ms). Default 5. */
  causalPollMs?: number;
  /**
   * Follow the health a PostgresReplicaSet publishes instead of checking replicas: the path of its mounted
   * `health.json` (ConfigMap `<set>-health`). The router then runs no health checks of its own, and a
   * failed read fails over without changing a replica's health, so it routes as the routing Service does.
   * Replicas are matched by `host:port` as written in the set's spec; one the set does not list takes no
   * reads. Default: unset (the router's own checks).
   */
  healthFile?: string;
  /** How often `healthFile` is read (ms). Default 1000. */
  healthFileIntervalMs?: number;
  /**
   * Functions known to be safe on a replica whatever `pg_proc` says (`name` matches an unqualified call,
   * `schema.name` a qualified one). Reads calling any other VOLATILE or unknown function go to the primary.
   * Default: none.
   */
  safeFunctions?: string[];
  /** How long one server's answer on a function's volatility is kept (ms). Default 60000. */
  functionCacheTtlMs?: number;
  /**
   * Client-side bound on one read on a replica (ms), measured from sending the query: a replica that does
   * not answer in time (stopped, or cut off without closing its connections) loses that connection, the
   * read is retried on the primary, and the timeout counts as a failed check toward `failureThreshold`.
   * Not applied on the primary (a client cannot tell whether a timed-out write committed). 0 turns it off.
   * Default 30000.
   */
  queryTimeoutMs?: number;
  /**
   * PostgreSQL's `statement_timeout` for every connection the router opens (ms), enforced by the server:
   * the statement fails with SQLSTATE 57014, which the caller gets (it is not a replica failure). Default:
   * the server's setting.
   */
  statementTimeoutMs?: number;
  /** Whether replicas take reads before their first health check. Default true (failed reads fall back). */
  assumeHealthyAtStart?: boolean;
  /** The clock, in epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Receives transitions, failovers and pool errors. Default: ignore them. */
  onEvent?: (event: RouterEvent) => void;
}

/** The option defaults. */
export const ROUTER_DEFAULTS = {
  healthCheckIntervalMs: 30_000,
  healthCheckTimeoutMs: 5_000,
  connectionTimeoutMillis: 5_000,
  idleTimeoutMillis: 30_000,
  lagToleranceBytes: 65_536,
  causalWaitMs: 100,
  causalPollMs: 5,
  functionCacheTtlMs: 60_000,
  queryTimeoutMs: 30_000,
} as const;

/**
 * Router options from the environment of the original design: `DB_HOST` (default localhost), `DB_PORT`
 * (5432), `DB_NAME` (postgres), `DB_USER` (postgres), `DB_PASSWORD`, `DB_REPLICAS` (a JSON array of
 * `{host, port, database?, user?, password?}`), `REPLICA_HEALTH_CHECK_INTERVAL` (ms, 30000),
 * `DB_POOL_MAX`, `DB_POOL_MIN`, `DB_POOL_CONNECT_TIMEOUT` (ms), `DB_POOL_IDLE` (ms); and these additions:
 * `DB_REPLICA_FAILURE_THRESHOLD` (3), `DB_REPLICA_MAX_LAG_BYTES`, `DB_REPLICA_MAX_LAG_SECONDS`,
 * `DB_READ_YOUR_WRITES_MS` (0), `DB_CAUSAL_READS` (`true`; `false` turns causal reads off),
 * `DB_CAUSAL_WAIT_MS` (100), `DB_HEALTH_FILE` (follow a PostgresReplicaSet's published health, see
 * `healthFile`), `DB_HEALTH_FILE_INTERVAL_MS` (1000), `DB_SAFE_FUNCTIONS` (comma-separated names),
 * `DB_FUNCTION_CACHE_TTL_MS` (60000), `DB_QUERY_TIMEOUT_MS` (30000), `DB_STATEMENT_TIMEOUT_MS`. Throws
 * `RouterConfigError` on a malformed value (its message never
 * contains a password).
 */
export function routerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): RouterOptions {
  return {
    primary: {
      host: env.DB_HOST ?? 'localhost',
      port: intVar(env, 'DB_PORT') ?? 5432,
      database: env.DB_NAME ?? 'postgres',
      user: env.DB_USER ?? 'postgres',
      password: env.DB_PASSWORD,
    },
    replicas: parseReplicas(env.DB_REPLICAS),
    pool: {
      max: intVar(env, 'DB_POOL_MAX'),
      min: intVar(env, 'DB_POOL_MIN'),
      connectionTimeoutMillis: intVar(env, 'DB_POOL_CONNECT_TIMEOUT'),
      idleTimeoutMillis: intVar(env, 'DB_POOL_IDLE'),
    },
    healthCheckIntervalMs: intVar(env, 'REPLICA_HEALTH_CHECK_INTERVAL'),
    failureThreshold: intVar(env, 'DB_REPLICA_FAILURE_THRESHOLD'),
    maxLagBytes: intVar(env, 'DB_REPLICA_MAX_LAG_BYTES'),
    maxLagSeconds: numberVar(env, 'DB_REPLICA_MAX_LAG_SECONDS'),
    readYourWritesMs: intVar(env, 'DB_READ_YOUR_WRITES_MS'),
    causalReads: booleanVar(env, 'DB_CAUSAL_READS'),
    causalWaitMs: intVar(env, 'DB_CAUSAL_WAIT_MS'),
    healthFile: env.DB_HEALTH_FILE?.trim() || undefined,
    healthFileIntervalMs: intVar(env, 'DB_HEALTH_FILE_INTERVAL_MS'),
    safeFunctions: env.DB_SAFE_FUNCTIONS?.split(',').map((name) => name.trim()).filter((name) => name !== ''),
    functionCacheTtlMs: intVar(env, 'DB_FUNCTION_CACHE_TTL_MS'),
    queryTimeoutMs: intVar(env, 'DB_QUERY_TIMEOUT_MS'),
    statementTimeoutMs: intVar(env, 'DB_STATEMENT_TIMEOUT_MS'),
  };
}

/**
 * Parses `DB_REPLICAS`: a JSON array of objects with a string `host` and a numeric `port` (a numeric
 * string is accepted). Undefined or empty text means no replicas. Throws `RouterConfigError` otherwise.
 */
export function parseReplicas(text: string | undefined): ServerConfig[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new RouterConfigError('DB_REPLICAS is not valid JSON');
  }
  if (!Array.isArray(parsed)) throw new RouterConfigError('DB_REPLICAS must be a JSON array');
  return parsed.map((entry: unknown, index) => parseReplica(entry, index));
}

function parseReplica(entry: unknown, index: number): ServerConfig {
  if (typeof entry !== 'object' || entry === null) throw new RouterConfigError(`DB_REPLICAS[${index}] is not an object`);
  const record = entry as Record<string, unknown>;
  const port = typeof record.port === 'string' ? Number(record.port) : record.port;
  if (typeof record.host !== 'string' || record.host === '') throw new RouterConfigError(`DB_REPLICAS[${index}].host must be a string`);
  if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0) throw new RouterConfigError(`DB_REPLICAS[${index}].port must be a port number`);
  return {
    host: record.host,
    port,
    database: optionalString(record.database, `DB_REPLICAS[${index}].database`),
    user: optionalString(record.user, `DB_REPLICAS[${index}].user`),
    password: optionalString(record.password, `DB_REPLICAS[${index}].password`),
  };
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new RouterConfigError(`${name} must be a string`);
  return value;
}

function intVar(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = numberVar(env, name);
  if (value !== undefined && !Number.isInteger(value)) throw new RouterConfigError(`${name} must be an integer`);
  return value;
}

function numberVar(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new RouterConfigError(`${name} must be a non-negative number`);
  return value;
}

function booleanVar(env: NodeJS.ProcessEnv, name: string): boolean | undefined {
  const text = env[name]?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new RouterConfigError(`${name} must be true or false`);
}
