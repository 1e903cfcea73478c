import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { ReadReplicaRouter} from '../../router/index.js';
import { type RouterOptions } from '../../router/index.js';
import { connectionString, type PostgresCluster, type PostgresServer } from '../../stack/index.js';
import { clusterRouter, eventually, postgresCluster, queryUrl } from './support.js';

// Function volatility from the catalog (pg_proc.provolatile), on the local primary and replicas: each
// statement reports pg_is_in_recovery() from the server that ran it.

interface Ran {
  recovery: boolean;
}

const cluster = (): PostgresCluster => postgresCluster('the router function tests');

function makeRouter(overrides: Partial<RouterOptions> = {}): ReadReplicaRouter {
  // Reads right after a write here must not wait for replay: that is the causal-read tests' subject.
  return clusterRouter(cluster(), { causalReads: false, ...overrides });
}

/** Runs `sql` directly on one server, outside the router. */
const direct = <T extends pg.QueryResultRow>(server: PostgresServer, sql: string, params: unknown[] = []): Promise<T[]> =>
  queryUrl<T>(connectionString(cluster(), server), sql, params);

/** Whether `sql` (which returns a `recovery` column) ran on a replica through `router`. */
async function ranOnReplica(router: ReadReplicaRouter, sql: string): Promise<boolean | undefined> {
  const [row] = (await router.query<Ran>(sql)).rows;
  return row?.recovery;
}

/** Waits until every replica has replayed the primary's catalog change that `probe` (returns `ok`) sees. */
async function onEveryReplica(probe: string): Promise<void> {
  for (const replica of cluster().replicas) {
    await eventually(() => direct<{ ok: boolean }>(replica, probe), (rows) => rows[0]?.ok === true, 30_000, `replica ${replica.port}: ${probe}`);
  }
}

let dblink = false;

beforeAll(async () => {
  const c = cluster();
  const primary = c.primary;
  await direct(primary, `DROP SCHEMA IF EXISTS router_fn CASCADE; CREATE SCHEMA router_fn;
    CREATE TABLE router_fn.touched (id serial PRIMARY KEY, note text);
    CREATE FUNCTION router_fn.plus_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x + 1';
    CREATE FUNCTION router_fn.touched_count() RETURNS bigint LANGUAGE sql STABLE AS 'SELECT count(*) FROM router_fn.touched';
    CREATE FUNCTION router_fn.dice() RETURNS int LANGUAGE sql VOLATILE AS 'SELECT 4';
    CREATE FUNCTION router_fn.flip() RETURNS int LANGUAGE sql STABLE AS 'SELECT 1';
    CREATE FUNCTION router_fn.touch(note text) RETURNS int LANGUAGE plpgsql VOLATILE AS $$
      DECLARE id int;
      BEGIN INSERT INTO router_fn.touched (note) VALUES (note) RETURNING touched.id INTO id; RETURN id; END $$;`);
  try {
    await direct(primary, 'CREATE EXTENSION IF NOT EXISTS dblink');
    // Through dblink the write goes over a new connection to the primary, so a standby would not refuse it.
    const target = `host=${primary.host} port=${primary.port} dbname=${c.database} user=${c.user} password=${c.password}`;
    await direct(primary, `CREATE FUNCTION router_fn.remote_touch(note text) RETURNS text LANGUAGE sql VOLATILE AS
      $$ SELECT dblink_exec('${target}', format('INSERT INTO router_fn.touched (note) VALUES (%L)', note)) $$`);
    dblink = true;
  } catch (error) {
    console.log(`[router-functions] dblink unavailable on the local PostgreSQL: ${(error as Error).message}`);
  }
  await onEveryReplica("SELECT to_regproc('router_fn.touch') IS NOT NULL AND to_regproc('router_fn.flip') IS NOT NULL AS ok");
  if (dblink) await onEveryReplica("SELECT to_regproc('router_fn.remote_touch') IS NOT NULL AS ok");
});

afterAll(async () => {
  await direct(cluster().primary, 'DROP SCHEMA IF EXISTS router_fn CASCADE');
});

describe('classification from the catalog', () => {
  let router: ReadReplicaRouter;
  beforeAll(() => {
    router = makeRouter();
  });
  afterAll(async () => {
    await router.close();
  });

  it('runs IMMUTABLE and STABLE functions, and built-ins such as now(), count(*) and coalesce, on a replica', async () => {
    const reads = [
      'SELECT router_fn.plus_one(1) AS v, pg_is_in_recovery() AS recovery',
      'SELECT router_fn.touched_count() AS v, pg_is_in_recovery() AS recovery',
      'SELECT now() AS t, count(*) AS n, coalesce(max(note), lower(\'X\')) AS c, random() AS r, pg_is_in_recovery() AS recovery FROM router_fn.touched',
    ];
    for (const sql of reads) expect(await ranOnReplica(router, sql)).toBe(true);
  });

  it('runs a VOLATILE function, one that writes and one that writes through dblink on the primary, with no failover', async () => {
    const before = router.getMetrics();
    expect(await ranOnReplica(router, 'SELECT router_fn.dice() AS v, pg_is_in_recovery() AS recovery')).toBe(false);
    expect(await ranOnReplica(router, "SELECT router_fn.touch('direct') AS id, pg_is_in_recovery() AS recovery")).toBe(false);
    let expectedWrites = 2;
    if (dblink) {
      expect(await ranOnReplica(router, "SELECT router_fn.remote_touch('dblink') AS status, pg_is_in_recovery() AS recovery")).toBe(false);
      expectedWrites += 1;
    }
    const after = router.getMetrics();
    expect(after.writeQueries - before.writeQueries).toBe(expectedWrites);
    expect(after.replicaFailovers).toBe(before.replicaFailovers);
    const notes = await direct<{ note: string }>(cluster().primary, 'SELECT note FROM router_fn.touched ORDER BY id');
    expect(notes.map((row) => row.note)).toEqual(dblink ? ['direct', 'dblink'] : ['direct']);
  });

  it('counts an unknown function as volatile: the primary answers (here with its error)', async () => {
    const before = router.getMetrics();
    const failed = await router.query('SELECT router_fn.not_there(1)').then(() => undefined, (error: unknown) => error);
    expect((failed as { code?: string }).code).toBe('42883');
    const after = router.getMetrics();
    expect([after.writeQueries - before.writeQueries, after.readQueries - before.readQueries]).toEqual([1, 0]);
  });

  it('keeps its answer until the TTL passes or invalidateFunctionCache() is called', async () => {
    let now = Date.now();
    const cached = makeRouter({ functionCacheTtlMs: 60_000, now: () => now });
    try {
      const sql = 'SELECT router_fn.flip() AS v, pg_is_in_recovery() AS recovery';
      for (let i = 0; i < 2; i += 1) expect(await ranOnReplica(cached, sql)).toBe(true);
      await direct(cluster().primary, 'ALTER FUNCTION router_fn.flip() VOLATILE');
      await onEveryReplica("SELECT provolatile = 'v' AS ok FROM pg_proc WHERE oid = 'router_fn.flip'::regproc");
      for (let i = 0; i < 2; i += 1) expect(await ranOnReplica(cached, sql)).toBe(true);
      cached.invalidateFunctionCache();
      // Each replica's catalog answers for reads sent to it: two reads ask both.
      for (let i = 0; i < 2; i += 1) expect(await ranOnReplica(cached, sql)).toBe(false);

      await direct(cluster().primary, 'ALTER FUNCTION router_fn.flip() STABLE');
      await onEveryReplica("SELECT provolatile = 's' AS ok FROM pg_proc WHERE oid = 'router_fn.flip'::regproc");
      for (let i = 0; i < 2; i += 1) expect(await ranOnReplica(cached, sql)).toBe(false);
      now += 60_000;
      for (let i = 0; i < 2; i += 1) expect(await ranOnReplica(cached, sql)).toBe(true);
    } finally {
      await direct(cluster().primary, 'ALTER FUNCTION router_fn.flip() STABLE');
      await cached.close();
    }
  });

  it('runs functions listed in safeFunctions on a replica', async () => {
    const trusting = makeRouter({ safeFunctions: ['router_fn.dice'] });
    try {
      expect(await ranOnReplica(trusting, 'SELECT router_fn.dice() AS v, pg_is_in_recovery() AS recovery')).toBe(true);
      expect(await ranOnReplica(trusting, "SELECT router_fn.touch('still primary') AS id, pg_is_in_recovery() AS recovery")).toBe(false);
    } finally {
      await trusting.close();
    }
  });
});
