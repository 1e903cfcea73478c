import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type pg from 'pg';
import type { ReadReplicaRouter} from '../../router/index.js';
import { type ReadContext, type RouterOptions } from '../../router/index.js';
import { connectionString, type PostgresCluster, type PostgresServer } from '../../stack/index.js';
import { clusterRouter, eventually, postgresCluster, queryUrl, replicaAt as replicaOf } from './support.js';

// Causal reads on the local primary and its two streaming replicas, with replay paused on one replica
// (pg_wal_replay_pause()): the paused replica stays healthy for the router (no lag bound is set), so
// only the WAL-position rule keeps reads away from it.

interface Seen {
  note: string | null;
  port: number;
}

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

/** Reads row `id` through the router in `context`: the note (null when the row is missing) and where it ran. */
async function readBack(router: ReadReplicaRouter, id: number, context: ReadContext): Promise<Seen> {
  const { rows } = await router.query<{ note: string | null; port: number }>(
    'SELECT (SELECT note FROM causal_probe WHERE id = $1) AS note, inet_server_port() AS port',
    [id],
    { context },
  );
  const row = rows[0];
  if (!row) throw new Error('the read returned no row');
  return row;
}

/** Writes row `id` in one of four ways (autocommit, transaction helper, explicit write client, autocommit then a token carried to a new context) and returns the context to read it in. */
async function writeRow(router: ReadReplicaRouter, id: number): Promise<ReadContext> {
  const context = router.createContext();
  const note = `n${id}`;
  const way = id % 4;
  if (way === 0 || way === 3) {
    await router.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note], { context });
  } else if (way === 1) {
    await router.transaction('write', (client) => client.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note]), { context });
  } else {
    const client = await router.getClient('write', { context });
    try {
      await client.query('BEGIN');
      await client.query('INSERT INTO causal_probe (id, note) VALUES ($1, $2)', [id, note]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  if (way !== 3) return context;
  const token = context.exportToken();
  if (!token) throw new Error('a context that wrote has no token');
  return router.createContext(token);
}

beforeAll(async () => {
  const c = cluster();
  await direct(c.primary, 'DROP TABLE IF EXISTS causal_probe');
  await direct(c.primary, 'CREATE TABLE causal_probe (id int PRIMARY KEY, note text)');
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
    const ports = new Map<number, number>();
    let stale = 0;
    try {
      await router.checkHealthNow();
      await direct(paused, 'SELECT pg_wal_replay_pause()');
      let next = 1;
      const worker = async (): Promise<void> => {
        while (next <= PAIRS) {
          const id = next;
          next += 1;
          const context = await writeRow(router, id);
          const seen = await readBack(router, id, context);
          if (seen.note !== `n${id}`) stale += 1;
          ports.set(seen.port, (ports.get(seen.port) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: WORKERS }, worker));

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
    let stale = 0;
    try {
      await direct(paused, 'SELECT pg_wal_replay_pause()');
      for (let id = PAIRS + 1; id <= PAIRS + 20; id += 1) {
        if (id % 4 === 3) continue; // carrying a token needs causal reads
        const context = await writeRow(router, id);
        if ((await readBack(router, id, context)).note !== `n${id}`) stale += 1;
      }
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
