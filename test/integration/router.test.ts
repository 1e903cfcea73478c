import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { ReadReplicaRouter, routerOptionsFromEnv, TransactionControlError, type RouterEvent, type RouterOptions } from '../../router/index.js';
import { connectionString, type PostgresCluster, type PostgresServer } from '../../stack/index.js';
import { startServer, stopServer } from '../../stack/postgres.js';
import { clusterRouter, eventually, postgresCluster, queryUrl, replicaAt as replicaOf } from './support.js';

interface Where {
  recovery: boolean;
  port: number;
}

const WHERE_SQL = 'SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port';

const cluster = (): PostgresCluster => postgresCluster('the router tests');
const replicaAt = (index: number): PostgresServer => replicaOf(index, 'the router tests');

/** A router over the local cluster with periodic checks off (tests drive `checkHealthNow`). */
function makeRouter(overrides: Partial<RouterOptions> = {}, events: RouterEvent[] = []): ReadReplicaRouter {
  return clusterRouter(cluster(), { onEvent: (event) => events.push(event), ...overrides });
}

/** Runs `sql` directly on one server, outside the router. */
const direct = <T extends pg.QueryResultRow>(server: PostgresServer, sql: string, params: unknown[] = []): Promise<T[]> =>
  queryUrl<T>(connectionString(cluster(), server), sql, params);

/** The ports that `count` router reads of WHERE_SQL ran on. */
async function readPorts(router: ReadReplicaRouter, count: number): Promise<Set<number>> {
  const ports = new Set<number>();
  for (let i = 0; i < count; i += 1) {
    const [row] = (await router.query<Where>(WHERE_SQL)).rows;
    if (row) ports.add(row.port);
  }
  return ports;
}

/** Waits until every replica is back in a router's healthy set (after a restart or a resumed replay). */
async function allHealthy(router: ReadReplicaRouter): Promise<void> {
  await eventually(() => router.checkHealthNow(), (status) => status.every((replica) => replica.healthy), 60_000, 'all replicas healthy');
}

beforeAll(async () => {
  const c = cluster();
  await direct(c.primary, 'CREATE TABLE IF NOT EXISTS router_probe (id serial PRIMARY KEY, note text)');
  // The stack's primary commits asynchronously: wait until both replicas have replayed the table.
  for (const replica of c.replicas) {
    await eventually(() => direct<{ t: string | null }>(replica, "SELECT to_regclass('router_probe')::text AS t"), (rows) => rows[0]?.t === 'router_probe', 30_000, 'router_probe on replicas');
  }
  const router = makeRouter();
  try {
    await allHealthy(router);
  } finally {
    await router.close();
  }
});

afterAll(async () => {
  for (const replica of cluster().replicas) {
    startServer(replica);
    await direct(replica, 'SELECT pg_wal_replay_resume()').catch(() => undefined);
  }
});

describe('ReadReplicaRouter routing', () => {
  let router: ReadReplicaRouter;
  beforeAll(() => {
    router = makeRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('runs reads on the replicas in turn, including reads a naive regex misses', async () => {
    const replicaPorts = cluster().replicas.map((replica) => replica.port);
    const ports = await readPorts(router, 6);
    expect([...ports].sort()).toEqual([...replicaPorts].sort());
    for (const sql of [`/* leading */ ${WHERE_SQL}`, `(${WHERE_SQL})`, `WITH w AS (${WHERE_SQL}) SELECT * FROM w`]) {
      const [row] = (await router.query<Where>(sql)).rows;
      expect(row?.recovery).toBe(true);
      expect(replicaPorts).toContain(row?.port);
    }
  });

  it('runs writes, data-modifying CTEs, locking reads and nextval on the primary', async () => {
    const primaryPort = cluster().primary.port;
    const statements = [
      "INSERT INTO router_probe (note) VALUES ('plain') RETURNING pg_is_in_recovery() AS recovery, inet_server_port() AS port",
      "WITH x AS (INSERT INTO router_probe (note) VALUES ('cte') RETURNING id) SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port FROM x",
      `${WHERE_SQL} FROM router_probe LIMIT 1 FOR UPDATE`,
      "SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port, nextval('router_probe_id_seq')",
    ];
    const before = router.getMetrics();
    for (const sql of statements) {
      const [row] = (await router.query<Where>(sql)).rows;
      expect(row).toEqual(expect.objectContaining({ recovery: false, port: primaryPort }));
    }
    const rows = await direct<{ n: number }>(cluster().primary, "SELECT count(*)::int AS n FROM router_probe WHERE note = 'cte'");
    expect(rows[0]?.n).toBeGreaterThanOrEqual(1);
    const after = router.getMetrics();
    expect(after.writeQueries - before.writeQueries).toBe(statements.length);
    expect(after.replicaFailovers).toBe(before.replicaFailovers);
  });

  // A context of its own: the default one wrote in the test before, so with causal reads its reads wait for a
  // replica to replay that write, and on a busy machine one may not within causalWaitMs (then: the primary).
  it('retries on the primary a write that reached a replica (SQLSTATE 25006), without marking the replica down', async () => {
    const before = router.getMetrics().replicaFailovers;
    const result = await router.query<Where & { id: string }>(`SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port, nextval('router_probe_id_seq') AS id`, [], { target: 'replica', context: router.createContext() });
    expect(result.rows[0]).toEqual(expect.objectContaining({ recovery: false, port: cluster().primary.port }));
    expect(router.getMetrics().replicaFailovers).toBe(before + 1);
    expect(router.getReplicaStatus().every((replica) => replica.healthy && replica.failureCount === 0)).toBe(true);
  });

  it('refuses transaction control in query(), sending nothing, and points to transaction() and getClient()', async () => {
    const before = router.getMetrics();
    for (const sql of ['BEGIN', '/* tx */ start transaction read only', 'COMMIT', 'rollback', 'END', 'ABORT', 'SAVEPOINT s', "BEGIN; INSERT INTO router_probe (note) VALUES ('refused'); COMMIT"]) {
      const refused = await router.query(sql).then(() => undefined, (error: unknown) => error);
      expect(refused).toBeInstanceOf(TransactionControlError);
      expect((refused as Error).message).toMatch(/router\.transaction\(.*getClient\('write'\)/s);
    }
    const after = router.getMetrics();
    expect([after.readQueries, after.writeQueries]).toEqual([before.readQueries, before.writeQueries]);
    const rows = await direct<{ n: number }>(cluster().primary, "SELECT count(*)::int AS n FROM router_probe WHERE note = 'refused'");
    expect(rows[0]?.n).toBe(0);
  });

  it('keeps a transaction on one connection of one server', async () => {
    const read = await router.getClient('read', { context: router.createContext() });
    try {
      await read.query('BEGIN READ ONLY');
      const seen = new Set<string>();
      for (let i = 0; i < 5; i += 1) {
        const [row] = (await read.query<{ port: number; pid: number; recovery: boolean }>('SELECT inet_server_port() AS port, pg_backend_pid() AS pid, pg_is_in_recovery() AS recovery')).rows;
        expect(row?.recovery).toBe(true);
        seen.add(`${row?.port}/${row?.pid}`);
      }
      await read.query('COMMIT');
      expect(seen.size).toBe(1);
      expect(cluster().replicas.map((replica) => replica.port)).toContain(Number([...seen][0]?.split('/')[0]));
    } finally {
      read.release();
    }
    const written = await router.transaction('write', async (client) => {
      const [inserted] = (await client.query<{ id: number; port: number }>("INSERT INTO router_probe (note) VALUES ('tx') RETURNING id, inet_server_port() AS port")).rows;
      const [seenAgain] = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM router_probe WHERE id = $1', [inserted?.id])).rows;
      return { port: inserted?.port, visible: seenAgain?.n };
    });
    expect(written).toEqual({ port: cluster().primary.port, visible: 1 });
  });

  it('sends reads of a context that just wrote to the primary (read-your-writes), and other reads to replicas', async () => {
    const ryw = makeRouter({ readYourWritesMs: 60_000 });
    try {
      const session = ryw.createContext();
      const other = ryw.createContext();
      await ryw.query("INSERT INTO router_probe (note) VALUES ('ryw')", [], { context: session });
      const [mine] = (await ryw.query<Where>(WHERE_SQL, [], { context: session })).rows;
      const [theirs] = (await ryw.query<Where>(WHERE_SQL, [], { context: other })).rows;
      expect(mine).toEqual({ recovery: false, port: cluster().primary.port });
      expect(theirs?.recovery).toBe(true);
    } finally {
      await ryw.close();
    }
  });

  it('is configured from the original design\'s environment variables and never exposes the password', async () => {
    const c = cluster();
    const events: RouterEvent[] = [];
    const options = routerOptionsFromEnv({
      DB_HOST: c.primary.host,
      DB_PORT: String(c.primary.port),
      DB_NAME: c.database,
      DB_USER: c.user,
      DB_PASSWORD: c.password,
      DB_REPLICAS: JSON.stringify(c.replicas.map((replica) => ({ host: replica.host, port: replica.port }))),
      REPLICA_HEALTH_CHECK_INTERVAL: '0',
      DB_POOL_MAX: '4',
    });
    const fromEnv = new ReadReplicaRouter({ ...options, onEvent: (event) => events.push(event) });
    try {
      const status = await fromEnv.checkHealthNow();
      expect(status.map((replica) => replica.port)).toEqual(c.replicas.map((replica) => replica.port));
      expect(status.every((replica) => replica.healthy && replica.database === c.database && replica.lastHealthCheck instanceof Date)).toBe(true);
      const [row] = (await fromEnv.query<Where>(WHERE_SQL)).rows;
      expect(row?.recovery).toBe(true);
      const exposed = JSON.stringify([status, fromEnv.getMetrics(), events, fromEnv]);
      expect(exposed).not.toContain(c.password);
    } finally {
      await fromEnv.close();
    }
  });
});

describe('ReadReplicaRouter replica failures', () => {
  it('ejects a stopped replica after three failed checks, fails no client read, and readmits it after restart', async () => {
    const stopped = replicaAt(0);
    const survivor = replicaAt(1);
    const events: RouterEvent[] = [];
    const checker = makeRouter({}, events);
    const reader = makeRouter();
    try {
      await allHealthy(checker);
      stopServer(stopped);

      const first = await checker.checkHealthNow();
      const second = await checker.checkHealthNow();
      expect(first[0]).toMatchObject({ healthy: true, failureCount: 1 });
      expect(second[0]).toMatchObject({ healthy: true, failureCount: 2 });
      const third = await checker.checkHealthNow();
      expect(third[0]).toMatchObject({ healthy: false, failureCount: 3, reason: 'Unreachable' });
      expect(third[1]).toMatchObject({ healthy: true, failureCount: 0 });
      expect(checker.getMetrics().healthCheckFailures).toBe(3);
      expect(events.filter((event) => event.type === 'replica-unhealthy').map((event) => event.server)).toEqual([`${stopped.host}:${stopped.port}`]);
      expect(await readPorts(checker, 6)).toEqual(new Set([survivor.port]));

      // A router that still believes the replica healthy: every read succeeds, failing over to the primary.
      const ports = await readPorts(reader, 12);
      expect(ports.has(stopped.port)).toBe(false);
      const metrics = reader.getMetrics();
      expect(metrics.replicaFailovers).toBe(3);
      expect(metrics.readQueries).toBe(12);
      expect(reader.getReplicaStatus()[0]).toMatchObject({ healthy: false, reason: 'Unreachable' });

      startServer(stopped);
      await allHealthy(checker);
      expect(events.filter((event) => event.type === 'replica-healthy').map((event) => event.server)).toEqual([`${stopped.host}:${stopped.port}`]);
      expect(await readPorts(checker, 6)).toEqual(new Set([stopped.port, survivor.port]));
    } finally {
      startServer(stopped);
      await checker.close();
      await reader.close();
    }
  });

  it('detects a paused replay as lag, takes the replica out of rotation, and returns it after resume', async () => {
    const paused = replicaAt(1);
    const other = replicaAt(0);
    const router = makeRouter({ maxLagBytes: 256 * 1024, strategy: 'least-lag' });
    try {
      await allHealthy(router);
      await direct(paused, 'SELECT pg_wal_replay_pause()');
      await direct(cluster().primary, "INSERT INTO router_probe (note) SELECT repeat('x', 200) FROM generate_series(1, 5000)");

      // The replica that replays may itself lag by more than 256 KiB for a moment after the insert
      // (WAL reaches it at the WAL writer's next flush); wait until it has caught up.
      const status = await eventually(
        () => router.checkHealthNow(),
        (s) => s[1]?.healthy === false && s[0]?.healthy === true,
        30_000,
        'paused replica ejected while the other replica replays',
      );
      expect(status[1]).toMatchObject({ healthy: false, reason: 'LagBytes', streaming: true });
      expect(status[1]?.lagBytes).toBeGreaterThan(256 * 1024);
      expect(status[0]).toMatchObject({ healthy: true });
      expect(await readPorts(router, 6)).toEqual(new Set([other.port]));

      await direct(paused, 'SELECT pg_wal_replay_resume()');
      await allHealthy(router);
      const back = router.getReplicaStatus()[1];
      expect(back?.lagBytes).toBeLessThanOrEqual(256 * 1024);
      expect(await readPorts(router, 6)).toEqual(new Set([other.port, paused.port]));
    } finally {
      await direct(paused, 'SELECT pg_wal_replay_resume()');
      await router.close();
    }
  });

  it('falls back to the primary when no replica is healthy', async () => {
    const router = makeRouter({ maxLagBytes: 256 * 1024 });
    const replicas = cluster().replicas;
    try {
      for (const replica of replicas) await direct(replica, 'SELECT pg_wal_replay_pause()');
      await direct(cluster().primary, "INSERT INTO router_probe (note) SELECT repeat('y', 200) FROM generate_series(1, 5000)");
      await eventually(() => router.checkHealthNow(), (s) => s.every((replica) => !replica.healthy), 30_000, 'no healthy replica');
      expect(await readPorts(router, 3)).toEqual(new Set([cluster().primary.port]));
      expect(router.getMetrics()).toMatchObject({ healthyReplicaCount: 0, readsOnPrimary: 3, replicaFailovers: 0 });
    } finally {
      for (const replica of replicas) await direct(replica, 'SELECT pg_wal_replay_resume()');
      await allHealthy(router);
      await router.close();
    }
  });
});
