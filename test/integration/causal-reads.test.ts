import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import { CAUSAL_PROBE_TABLE, pairIds, readBack, writeThenReadPairs } from '../../bench/causal-pairs.js';
import type { ReadReplicaRouter, RouterOptions } from '../../router/index.js';
import { connectionString, type PostgresCluster, type PostgresServer } from '../../stack/index.js';
import { clusterRouter, eventually, postgresCluster, queryUrl, replicaAt as replicaOf } from './support.js';

// Causal reads on the local primary and its two streaming replicas, with replay paused on one replica
// (pg_wal_replay_pause()): the paused replica stays healthy for the router (no lag bound is set), so
// only the WAL-position rule keeps reads away from it.

const PAIRS = 1000;
const WORKERS = 8;

const cluster = (): PostgresCluster => postgresCluster('the causal-read tests');
const replicaAt = (index: number): PostgresServer => replicaOf(index, 'the causal-read tests');

function makeRouter(overrides: Partial<RouterOptions> = {}): ReadReplicaRouter {
  return clusterRouter(cluster(), { pool: { connectionTimeoutMillis: 3000, max: WORKERS + 2 }, ...overrides });
}

/** Runs `sql` directly on one server, outside the router. */
const direct = <T extends pg.QueryResultRow>(server: PostgresServer, sql: string, params: unknown[] = []): Promise<T[]> =>
  queryUrl<T>(connectionString(cluster(), server), sql, params);

async function resumeAll(): Promise<void> {
  for (const replica of cluster().replicas) await direct(replica, 'SELECT pg_wal_replay_resume()');
}

beforeAll(async () => {
  const c = cluster();
  await direct(c.primary, 'DROP TABLE IF EXISTS causal_probe');
  await direct(c.primary, CAUSAL_PROBE_TABLE);
  for (const replica of c.replicas) {
    await eventually(() => direct<{ t: string | null }>(replica, "SELECT to_regclass('causal_probe')::text AS t"), (rows) => rows[0]?.t === 'causal_probe', 30_000, 'causal_probe on replicas');
  }
});

afterEach(resumeAll);

afterAll(resumeAll);

describe('causal reads (read-your-writes by WAL position)', () => {
  it(`never reads stale data in ${PAIRS} write-then-read pairs with replay paused on one replica, and the other replica serves`, async () => {
    const paused = replicaAt(1);
    const serving = replicaAt(0);
    const router = makeRouter({ causalWaitMs: 2000 });
    try {
      await router.checkHealthNow();
      await direct(paused, 'SELECT pg_wal_replay_pause()');
      const { stale, ports } = await writeThenReadPairs(router, pairIds(1, PAIRS), WORKERS);

      // The paused replica really is behind: a stale read was possible there.
      const onPaused = await direct<{ n: number }>(paused, 'SELECT count(*)::int AS n FROM causal_probe');
      expect(onPaused[0]?.n).toBeLessThan(PAIRS);
      expect(router.getReplicaStatus()[1]?.healthy).toBe(true);

      expect(stale).toBe(0);
      expect(ports.get(paused.port) ?? 0).toBe(0);
      expect(ports.get(serving.port) ?? 0).toBeGreaterThan(0);
      const outcomes = router.getMetrics().causalReads;
      const total = Object.values(outcomes).reduce((sum, n) => sum + n, 0);
      expect(total).toBe(PAIRS);
      expect(outcomes['replica-caught-up'] + outcomes['replica-after-wait']).toBe(ports.get(serving.port));
      process.stdout.write(`causal reads: ${PAIRS} pairs, ${stale} stale, by port ${JSON.stringify([...ports])}, outcomes ${JSON.stringify(outcomes)}\n`);
    } finally {
      await router.close();
    }
  });

  it('without causal reads, the same pairs read stale rows from the paused replica (the check above can fail)', async () => {
    const paused = replicaAt(1);
    const router = makeRouter({ causalReads: false });
    try {
      await direct(paused, 'SELECT pg_wal_replay_pause()');
      // Carrying a token needs causal reads: those ids are left out.
      const { stale } = await writeThenReadPairs(router, pairIds(PAIRS + 1, 20, false), 1);
      expect(stale).toBeGreaterThan(0);
      expect(router.getMetrics().causalReads['replica-caught-up']).toBe(0);
    } finally {
      await router.close();
    }
  });

  it('waits for a replica to replay the write, and goes to the primary when none does within the bound', async () => {
    const router = makeRouter({ causalWaitMs: 30_000 });
    const quick = makeRouter({ causalWaitMs: 50 });
    try {
      for (const replica of cluster().replicas) await direct(replica, 'SELECT pg_wal_replay_pause()');

      const expiring = quick.createContext();
      await quick.query('INSERT INTO causal_probe (id, note) VALUES (2001, $1)', ['n2001'], { context: expiring });
      const fallback = await readBack(quick, 2001, expiring);
      expect(fallback).toEqual({ note: 'n2001', port: cluster().primary.port });
      expect(quick.getMetrics().causalReads['primary-wait-expired']).toBe(1);

      const waiting = router.createContext();
      await router.query('INSERT INTO causal_probe (id, note) VALUES (2002, $1)', ['n2002'], { context: waiting });
      const read = readBack(router, 2002, waiting);
      await new Promise((resolve) => setTimeout(resolve, 300)); // let the read probe and start waiting
      await direct(replicaAt(0), 'SELECT pg_wal_replay_resume()');
      expect(await read).toEqual({ note: 'n2002', port: replicaAt(0).port });
      expect(router.getMetrics().causalReads['replica-after-wait']).toBe(1);
    } finally {
      await router.close();
      await quick.close();
    }
  });
});
