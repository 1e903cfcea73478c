import pg from 'pg';
import { CAUSAL_READ_OUTCOMES, decideCausalRead, type CausalReadOutcome } from '../domain/causal-read.js';
import { initialReplicaHealth, nextReplicaHealth, type ReplicaCheckResult, type ReplicaHealth, type ReplicaHealthOptions } from '../domain/replica-health.js';
import { judgeFunctions, parseSafeFunctions, type SafeFunctions } from '../domain/function-volatility.js';
import { classifyStatement, type FunctionName, type StatementClass, type StatementTarget } from '../domain/sql-statement.js';
import { ROUTER_DEFAULTS, routerOptionsFromEnv, type RouterEvent, type RouterOptions, type ServerConfig } from './config.js';
import { classifyReplicaError, describeError, RouterConfigError, TransactionControlError, type ReplicaErrorKind } from './errors.js';
import { FunctionCatalog } from './function-catalog.js';
import { checkReplica, clientConfig, readPrimaryLsn, type CheckTarget } from './health-check.js';
import { LatencyStats, type ReplicaStatus, type RouterMetrics } from './metrics.js';
import { ReadContext } from './read-context.js';
import { runOn, type Server } from './server-query.js';
import { chooseReplica } from './replica-choice.js';
import { probeReplayPosition, readInsertPosition } from './wal-positions.js';
import { observeCommits } from './write-client.js';
import { followPublishedHealth, type PublishedHealthFollower } from './published-health.js';
import { followedReplicaHealth, type PublishedHealth } from '../domain/replica-set-health.js';
import type { WalLsn } from '../domain/wal-lsn.js';

/** Per-call options of `query` and `getClient`. */
export interface QueryOptions {
  /** The read-your-writes scope (see `ReadContext`); default: the router's own context. */
  context?: ReadContext;
  /** Overrides classification, e.g. `primary` for a read that must see the newest data. */
  target?: StatementTarget;
}

/** What `getClient` hands out: `read` may land on a replica, `write` is always the primary. */
export type ClientMode = 'read' | 'write';


interface Replica extends Server {
  health: ReplicaHealth;
  /** The last `pg_last_wal_replay_lsn()` a causal read saw; cleared when the replica fails. */
  replayLsn?: WalLsn;
  /** The probe of `replayLsn` in flight, shared by every read that waits. */
  probing?: Promise<void>;
}

const CLASSIFICATION_CACHE_SIZE = 1000;

/**
 * Routes PostgreSQL statements between one primary and its streaming replicas, with one `pg.Pool` per
 * server. A statement goes to a healthy replica only when `classifyStatement` finds it certainly
 * read-only; reads fall back to the primary when no replica is healthy, and a read that fails on a
 * replica because it is down (or refuses the statement as a standby, SQLSTATE 25006) is retried on the
 * primary and counted as a failover. Replica health comes from the pure state machine in
 * `domain/replica-health.ts`, fed by periodic timed checks and by failed reads, or, with `healthFile`,
 * taken from the health a PostgresReplicaSet publishes (see `router/published-health.ts`).
 * Configuration defaults to `routerOptionsFromEnv()`; no password ever appears in status, metrics,
 * events or errors the router creates.
 */
export class ReadReplicaRouter {
  readonly #options: RouterOptions;
  readonly #primary: Server;
  readonly #replicas: Replica[];
  readonly #now: () => number;
  readonly #defaultContext = new ReadContext();
  readonly #classified = new Map<string, StatementClass>();
  readonly #safeFunctions: SafeFunctions;
  readonly #counters = { readQueries: 0, writeQueries: 0, replicaFailovers: 0, healthCheckFailures: 0, readsOnPrimary: 0 };
  readonly #causalReads = Object.fromEntries(CAUSAL_READ_OUTCOMES.map((outcome) => [outcome, 0])) as Record<CausalReadOutcome, number>;
  #turn = 0;
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<void> = Promise.resolve();
  #roundRunning = false;
  #closed = false;
  /** Set when the router follows a PostgresReplicaSet's published health (`healthFile`) instead of checking. */
  #published: PublishedHealthFollower | undefined;

  /**
   * Opens the pools (lazily connecting) and, unless `healthCheckIntervalMs` is 0, starts periodic health
   * checks with a first round right away. Throws `RouterConfigError` on invalid options.
   */
  constructor(options: RouterOptions = routerOptionsFromEnv()) {
    validateOptions(options);
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#safeFunctions = parseSafeFunctions(options.safeFunctions ?? []);
    this.#primary = this.#openServer(options.primary, 'primary');
    const startHealthy = options.assumeHealthyAtStart ?? true;
    this.#replicas = (options.replicas ?? []).map((config) => ({ ...this.#openServer(config, 'replica'), health: initialReplicaHealth(startHealthy) }));
    const interval = options.healthCheckIntervalMs ?? ROUTER_DEFAULTS.healthCheckIntervalMs;
    if (options.healthFile) this.#published = this.#followPublished(options.healthFile);
    else if (interval > 0 && this.#replicas.length > 0) this.#startPeriodicChecks(interval);
  }

  /**
   * A new read-your-writes scope for one request or session (see `ReadContext`), optionally continuing
   * from a token that `exportToken()` gave an earlier request. Throws `CausalTokenError` for a malformed token.
   */
  createContext(token?: string): ReadContext {
    const context = new ReadContext();
    if (token !== undefined) context.importToken(token);
    return context;
  }

  /**
   * Forgets the function volatility every server's catalog gave (see `functionCacheTtlMs`): call it after
   * creating, replacing or dropping functions that reads call, so the next read looks them up again.
   */
  invalidateFunctionCache(): void {
    for (const server of [this.#primary, ...this.#replicas]) server.functions.invalidate();
  }

  /** Where `sql` would go and why, before the catalog check of the functions it calls (memoized per SQL text). */
  classify(sql: string): StatementClass {
    const cached = this.#classified.get(sql);
    if (cached) return cached;
    const result = classifyStatement(sql);
    if (this.#classified.size >= CLASSIFICATION_CACHE_SIZE) this.#classified.clear();
    this.#classified.set(sql, result);
    return result;
  }

  /**
   * Runs one statement where it belongs and returns `pg`'s result. Errors of the statement itself are
   * thrown as `pg` raises them; replica failures are not (the read is retried on the primary). Throws
   * `TransactionControlError` (before sending anything) for BEGIN, COMMIT, ROLLBACK and the other
   * transaction-control statements: use `transaction()` or `getClient()` for those. Throws `Error` after `close()`.
   */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[], options: QueryOptions = {}): Promise<pg.QueryResult<R>> {
    this.#assertOpen();
    const classified = this.classify(sql);
    if (classified.transactionControl) throw new TransactionControlError(classified.transactionControl);
    const context = options.context ?? this.#defaultContext;
    const target = options.target ?? classified.target;
    if (target === 'primary') return this.#write<R>(sql, params, context);
    const replica = this.#waitsForPosition(context) ? await this.#pickCaughtUpReplica(context) : this.#pickReplica(context);
    const calls = options.target === undefined ? classified.functions : undefined;
    const fit = replica && calls && calls.length > 0 ? await this.#functionsFitReplica(replica, calls) : 'replica';
    // A call the catalog finds VOLATILE (or cannot find) may write: the statement is a write.
    if (fit === 'primary') return this.#write<R>(sql, params, context);
    this.#counters.readQueries += 1;
    if (!replica || fit === 'lookup-failed') return this.#readOnPrimary<R>(sql, params);
    try {
      return await runOn<R>(replica, sql, params);
    } catch (error) {
      this.#failoverOrThrow(replica, error);
      return this.#readOnPrimary<R>(sql, params);
    }
  }

  /**
   * A pooled connection for a transaction; it stays on one server until you `release()` it. `write`
   * connects to the primary (and counts as a write of the context for read-your-writes; with causal
   * reads, every statement that leaves the session outside a transaction, COMMIT included, records the
   * primary's WAL position in the context before its promise resolves); `read` to a
   * healthy replica (statements that write then fail with 25006: use `write` for those), or to the
   * primary when none is healthy, the context is pinned, or the replica cannot be reached.
   * Throws `TypeError` on another mode, and `pg`'s error when the primary cannot be reached.
   */
  async getClient(mode: ClientMode, options: QueryOptions = {}): Promise<pg.PoolClient> {
    this.#assertOpen();
    const context = options.context ?? this.#defaultContext;
    if (mode === 'write') {
      context.markWrite(this.#now());
      const client = await this.#primary.pool.connect();
      if (!this.#causal) return client;
      return observeCommits(client, (committed) => this.#recordPosition(context, committed));
    }
    if (mode !== 'read') throw new TypeError(`getClient mode must be 'read' or 'write', not ${String(mode)}`);
    const replica = this.#waitsForPosition(context) ? await this.#pickCaughtUpReplica(context) : this.#pickReplica(context);
    if (!replica) return this.#primary.pool.connect();
    try {
      return await replica.pool.connect();
    } catch (error) {
      this.#failoverOrThrow(replica, error);
      return this.#primary.pool.connect();
    }
  }

  /**
   * Runs `work` in a transaction on one connection from `getClient(mode)`: `BEGIN` (`BEGIN READ ONLY`
   * for `read`), then `COMMIT`, or `ROLLBACK` and rethrow when `work` throws. Always releases the client.
   */
  async transaction<T>(mode: ClientMode, work: (client: pg.PoolClient) => Promise<T>, options: QueryOptions = {}): Promise<T> {
    const client = await this.getClient(mode, options);
    try {
      await client.query(mode === 'read' ? 'BEGIN READ ONLY' : 'BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
      if (mode === 'write') (options.context ?? this.#defaultContext).markWrite(this.#now());
    }
  }

  /**
   * Runs one health-check round now (after any round in progress) and returns the replicas' status:
   * the primary's LSN, then every replica in parallel, each bounded by `healthCheckTimeoutMs`. With
   * `healthFile`, reads the published health instead.
   */
  async checkHealthNow(): Promise<ReplicaStatus[]> {
    if (this.#published) {
      await this.#published.readNow();
      return this.getReplicaStatus();
    }
    this.#round = this.#round.then(() => this.#runRound());
    await this.#round;
    return this.getReplicaStatus();
  }

  /** Every replica's status, in configuration order (no credentials). */
  getReplicaStatus(): ReplicaStatus[] {
    return this.#replicas.map((replica) => replicaStatus(replica));
  }

  /** The router's counters and per-server latency and lag. */
  getMetrics(): RouterMetrics {
    return {
      ...this.#counters,
      causalReads: { ...this.#causalReads },
      replicaCount: this.#replicas.length,
      healthyReplicaCount: this.#replicas.filter((replica) => replica.health.healthy).length,
      primary: this.#primary.latency.summary(),
      replicas: this.#replicas.map((replica) => ({
        host: replica.target.host,
        port: replica.target.port,
        healthy: replica.health.healthy,
        lagBytes: replica.health.lagBytes ?? null,
        lagSeconds: replica.health.lagSeconds ?? null,
        ...replica.latency.summary(),
      })),
    };
  }

  /** Stops health checks, waits for a running round, and closes every pool. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#published?.stop();
    await this.#round;
    const servers: Server[] = [this.#primary, ...this.#replicas];
    await Promise.all(servers.map((server) => server.pool.end()));
  }

  async #write<R extends pg.QueryResultRow>(sql: string, params: unknown[] | undefined, context: ReadContext): Promise<pg.QueryResult<R>> {
    this.#counters.writeQueries += 1;
    try {
      return await runOn<R>(this.#primary, sql, params);
    } finally {
      context.markWrite(this.#now());
      // An autocommit statement has committed when its result arrives: record the position right after it.
      if (this.#causal) await this.#recordPosition(context, this.#primary.pool);
    }
  }

  get #causal(): boolean {
    return this.#options.causalReads ?? true;
  }

  /** Reads the primary's WAL position after a commit into `context`; never throws (an unread position pins reads to the primary). */
  async #recordPosition(context: ReadContext, on: pg.Pool | pg.PoolClient): Promise<void> {
    try {
      context.recordPosition(await readInsertPosition(on));
    } catch {
      context.markPositionUnknown();
    }
  }

  async #readOnPrimary<R extends pg.QueryResultRow>(sql: string, params: unknown[] | undefined): Promise<pg.QueryResult<R>> {
    this.#counters.readsOnPrimary += 1;
    return runOn<R>(this.#primary, sql, params);
  }

  /** The replica for a read of `context` when no WAL position constrains it (the primary while the time window pins it). */
  #pickReplica(context: ReadContext): Replica | undefined {
    const windowMs = this.#options.readYourWritesMs ?? 0;
    if (windowMs > 0 && context.pinsToPrimary(this.#now(), windowMs)) return undefined;
    return this.#pickAnyReplica();
  }

  /** True when a read of `context` must find a replica at or past its WAL position (kept off the hot path of other reads). */
  #waitsForPosition(context: ReadContext): boolean {
    if (!this.#causal || (context.position === undefined && !context.positionUnknown)) return false;
    return !context.pinsToPrimary(this.#now(), this.#options.readYourWritesMs ?? 0);
  }

  #pickAnyReplica(): Replica | undefined {
    const strategy = this.#options.strategy ?? 'round-robin';
    const tolerance = this.#options.lagToleranceBytes ?? ROUTER_DEFAULTS.lagToleranceBytes;
    const index = chooseReplica(this.#replicas, this.#turn, strategy, tolerance);
    this.#turn += 1;
    return index === undefined ? undefined : this.#replicas[index];
  }

  /**
   * A healthy replica that has replayed the context's position, waiting up to `causalWaitMs` for one
   * (probing replay positions every `causalPollMs`), or undefined for the primary. Counts the outcome.
   */
  async #pickCaughtUpReplica(context: ReadContext): Promise<Replica | undefined> {
    const waitMs = this.#options.causalWaitMs ?? ROUTER_DEFAULTS.causalWaitMs;
    const pollMs = this.#options.causalPollMs ?? ROUTER_DEFAULTS.causalPollMs;
    const started = performance.now();
    for (let probes = 0; ; probes += 1) {
      const waitedMs = performance.now() - started;
      const candidates = this.#replicas.map((replica) => ({ healthy: replica.health.healthy, replayLsn: replica.replayLsn }));
      const decision = decideCausalRead({ token: context.position, positionUnknown: context.positionUnknown, candidates, probes, waitedMs }, { waitMs });
      if (decision.action === 'any-replica') return this.#pickAnyReplica();
      if (decision.action === 'primary') {
        this.#causalReads[decision.outcome] += 1;
        return undefined;
      }
      if (decision.action === 'replica') {
        this.#causalReads[decision.outcome] += 1;
        const index = decision.eligible[this.#turn % decision.eligible.length];
        this.#turn += 1;
        return index === undefined ? undefined : this.#replicas[index];
      }
      if (probes > 0) await sleep(pollMs);
      await this.#probeReplayPositions(Math.max(waitMs - waitedMs, pollMs));
    }
  }

  /** Reads every healthy replica's replay position, joining a probe already in flight. */
  async #probeReplayPositions(timeoutMs: number): Promise<void> {
    const healthy = this.#replicas.filter((replica) => replica.health.healthy);
    await Promise.all(healthy.map((replica) => (replica.probing ??= this.#probe(replica, timeoutMs))));
  }

  async #probe(replica: Replica, timeoutMs: number): Promise<void> {
    try {
      replica.replayLsn = await probeReplayPosition(replica.pool, timeoutMs);
    } finally {
      replica.probing = undefined;
    }
  }

  /**
   * Where the functions of `calls` let a read run (see `judgeFunctions`), looking names up in `replica`'s
   * catalog when not cached: `replica`, `primary` (a VOLATILE or unknown function), or `lookup-failed`
   * when the replica could not answer (counted like a failed read: a failover, and a failed check when
   * it is down).
   */
  async #functionsFitReplica(replica: Replica, calls: readonly FunctionName[]): Promise<'replica' | 'primary' | 'lookup-failed'> {
    const overloadsOf = (call: FunctionName): ReturnType<FunctionCatalog['overloadsOf']> => replica.functions.overloadsOf(call);
    let judgement = judgeFunctions(calls, overloadsOf, this.#safeFunctions);
    if ('missing' in judgement) {
      try {
        await replica.functions.lookUp((sql, params) => runOn(replica, sql, params), judgement.missing);
      } catch (error) {
        if (classifyReplicaError(error) !== 'statement') this.#failoverOrThrow(replica, error);
        return 'lookup-failed';
      }
      judgement = judgeFunctions(calls, overloadsOf, this.#safeFunctions);
    }
    return 'verdict' in judgement && judgement.verdict.target === 'replica' ? 'replica' : 'primary';
  }

  /** Handles a replica failure: rethrows statement errors, else counts a failover (and a health failure when down). */
  #failoverOrThrow(replica: Replica, error: unknown): void {
    const kind: ReplicaErrorKind = classifyReplicaError(error);
    if (kind === 'statement') throw error;
    this.#counters.replicaFailovers += 1;
    this.#emit({ type: 'failover', server: replica.name, message: `read retried on the primary: ${describeError(error)}` });
    replica.replayLsn = undefined;
    // Following published health, the set alone ejects replicas (as it does for the routing Service).
    if (kind === 'replica-down' && !this.#published) this.#applyCheck(replica, { ok: false, at: this.#now(), error: describeError(error) });
  }

  async #runRound(): Promise<void> {
    if (this.#closed) return;
    this.#roundRunning = true;
    try {
      const timeoutMs = this.#options.healthCheckTimeoutMs ?? ROUTER_DEFAULTS.healthCheckTimeoutMs;
      const primaryLsn = await readPrimaryLsn(this.#primary.pool, timeoutMs);
      const results = await Promise.all(this.#replicas.map((replica) => checkReplica(replica.target, primaryLsn, timeoutMs, this.#now)));
      results.forEach((result, index) => this.#recordCheck(index, result));
    } finally {
      this.#roundRunning = false;
    }
  }

  #recordCheck(index: number, result: ReplicaCheckResult): void {
    const replica = this.#replicas[index];
    if (!replica) return;
    if (!result.ok) this.#counters.healthCheckFailures += 1;
    this.#applyCheck(replica, result);
  }

  #applyCheck(replica: Replica, result: ReplicaCheckResult): void {
    const before = replica.health;
    // A replica that stopped answering may come back from an earlier point (a crash restart): forget its position.
    if (!result.ok) replica.replayLsn = undefined;
    replica.health = nextReplicaHealth(before, result, this.#healthOptions());
    if (before.healthy && !replica.health.healthy) {
      this.#emit({ type: 'replica-unhealthy', server: replica.name, message: `${replica.health.reason}: ${replica.health.message}` });
    }
    if (!before.healthy && replica.health.healthy) {
      this.#emit({ type: 'replica-healthy', server: replica.name, message: replica.health.message });
    }
  }

  #followPublished(file: string): PublishedHealthFollower {
    return followPublishedHealth({
      file,
      intervalMs: this.#options.healthFileIntervalMs,
      onHealth: (published) => this.#followHealth(published),
      onError: (error) => this.#emit({ type: 'health-source-error', server: file, message: `${describeError(error)}: ${describeError(error.cause)}` }),
    });
  }

  /** Takes every replica's verdict from a published health document (see `followedReplicaHealth`). */
  #followHealth(published: PublishedHealth): void {
    for (const replica of this.#replicas) {
      const before = replica.health;
      replica.health = followedReplicaHealth(published, replica.name, before);
      if (!replica.health.healthy) replica.replayLsn = undefined;
      if (before.healthy !== replica.health.healthy) {
        this.#emit({ type: replica.health.healthy ? 'replica-healthy' : 'replica-unhealthy', server: replica.name, message: replica.health.message });
      }
    }
  }

  #healthOptions(): ReplicaHealthOptions {
    const { failureThreshold, maxLagBytes, maxLagSeconds } = this.#options;
    return { failureThreshold, maxLagBytes, maxLagSeconds };
  }

  #startPeriodicChecks(intervalMs: number): void {
    const tick = (): void => {
      if (this.#roundRunning || this.#closed) return;
      this.#round = this.#round.then(() => this.#runRound()).catch(() => undefined);
    };
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
    tick();
  }

  #openServer(config: ServerConfig, role: 'primary' | 'replica'): Server {
    const target = resolveTarget(config, this.#options.primary);
    const pool = new pg.Pool({ ...clientConfig(target), ...poolSettings(this.#options, config) });
    const queryTimeoutMs = role === 'replica' ? (config.queryTimeoutMs ?? this.#options.queryTimeoutMs ?? ROUTER_DEFAULTS.queryTimeoutMs) : 0;
    const name = `${target.host}:${target.port}`;
    pool.on('error', (error) => this.#emit({ type: 'pool-error', server: name, message: describeError(error) }));
    const functions = new FunctionCatalog(this.#options.functionCacheTtlMs ?? ROUTER_DEFAULTS.functionCacheTtlMs, this.#now);
    return { name, target, pool, latency: new LatencyStats(), functions, queryTimeoutMs };
  }

  #emit(event: RouterEvent): void {
    this.#options.onEvent?.(event);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('ReadReplicaRouter is closed');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function resolveTarget(config: ServerConfig, primary: RouterOptions['primary']): CheckTarget {
  return {
    host: config.host,
    port: config.port,
    database: config.database ?? primary.database,
    user: config.user ?? primary.user,
    password: config.password ?? primary.password,
    applicationName: config.applicationName ?? primary.applicationName ?? 'steward-router',
  };
}

function poolSettings(options: RouterOptions, server: ServerConfig): pg.PoolConfig {
  const pool = options.pool ?? {};
  const statementTimeout = server.statementTimeoutMs ?? options.statementTimeoutMs;
  return {
    max: pool.max,
    min: pool.min,
    connectionTimeoutMillis: server.connectionTimeoutMillis ?? pool.connectionTimeoutMillis ?? ROUTER_DEFAULTS.connectionTimeoutMillis,
    idleTimeoutMillis: pool.idleTimeoutMillis ?? ROUTER_DEFAULTS.idleTimeoutMillis,
    ...(statementTimeout === undefined ? {} : { statement_timeout: statementTimeout }),
  };
}

function replicaStatus(replica: Replica): ReplicaStatus {
  const { health, target } = replica;
  return {
    host: target.host,
    port: target.port,
    database: target.database,
    healthy: health.healthy,
    lastHealthCheck: health.lastHealthCheck === undefined ? null : new Date(health.lastHealthCheck),
    failureCount: health.failureCount,
    responseTime: health.responseTimeMs ?? null,
    lagBytes: health.lagBytes ?? null,
    lagSeconds: health.lagSeconds ?? null,
    streaming: health.streaming ?? null,
    reason: health.reason,
    message: health.message,
  };
}

function validateOptions(options: RouterOptions): void {
  const { failureThreshold, healthCheckIntervalMs, healthCheckTimeoutMs, readYourWritesMs, causalWaitMs, causalPollMs, healthFileIntervalMs, functionCacheTtlMs, queryTimeoutMs, statementTimeoutMs } = options;
  if (failureThreshold !== undefined && (!Number.isInteger(failureThreshold) || failureThreshold < 1)) {
    throw new RouterConfigError('failureThreshold must be an integer of at least 1');
  }
  for (const [name, value] of Object.entries({ healthCheckIntervalMs, healthCheckTimeoutMs, readYourWritesMs, causalWaitMs, causalPollMs, healthFileIntervalMs, functionCacheTtlMs, queryTimeoutMs, statementTimeoutMs })) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new RouterConfigError(`${name} must be a non-negative number`);
  }
  if (healthCheckTimeoutMs === 0) throw new RouterConfigError('healthCheckTimeoutMs must be above 0');
  if (functionCacheTtlMs === 0) throw new RouterConfigError('functionCacheTtlMs must be above 0 (use invalidateFunctionCache() to forget answers)');
  if (!options.primary.host) throw new RouterConfigError('primary.host is required');
  for (const server of [options.primary, ...(options.replicas ?? [])]) {
    const { queryTimeoutMs, statementTimeoutMs, connectionTimeoutMillis } = server;
    for (const [name, value] of Object.entries({ queryTimeoutMs, statementTimeoutMs, connectionTimeoutMillis })) {
      if (value !== undefined && (!Number.isFinite(value) || value < 0)) throw new RouterConfigError(`${name} of ${server.host}:${server.port} must be a non-negative number`);
    }
  }
}
