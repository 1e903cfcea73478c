import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readWhileFrozen } from '../../bench/postgres-freeze.js';
import { ReadReplicaRouter, type RouterEvent } from '../../router/index.js';
import type { PostgresCluster, PostgresServer } from '../../stack/index.js';
import { eventually, postgresCluster, replicaAt as replicaOf } from './support.js';

// A replica that hangs without closing its connections (postmaster and backends stopped with SIGSTOP):
// reads that reach it time out (queryTimeoutMs), go to the primary, and eject it; no client read fails.

interface Where {
  recovery: boolean;
  port: number;
}

const WHERE_SQL = 'SELECT pg_is_in_recovery() AS recovery, inet_server_port() AS port';
const FREEZE_MS = 3000;
const READERS = 4;

const cluster = (): PostgresCluster => postgresCluster('the hung-replica tests');
const replicaAt = (index: number): PostgresServer => replicaOf(index, 'the hung-replica tests');

let router: ReadReplicaRouter;
const events: RouterEvent[] = [];

beforeAll(async () => {
  const c = cluster();
  router = new ReadReplicaRouter({
    primary: { host: c.primary.host, port: c.primary.port, database: c.database, user: c.user, password: c.password },
    replicas: c.replicas.map((replica) => ({ host: replica.host, port: replica.port })),
    healthCheckIntervalMs: 0,
    healthCheckTimeoutMs: 1000,
    queryTimeoutMs: 300,
    pool: { connectionTimeoutMillis: 500, max: READERS + 2 },
    onEvent: (event) => events.push(event),
  });
  await eventually(() => router.checkHealthNow(), (status) => status.every((replica) => replica.healthy), 60_000, 'all replicas healthy');
});

afterAll(async () => {
  await router.close();
});

describe('a frozen replica', () => {
  it('fails no client read, sends the reads that time out to the primary, and is ejected, then readmitted', async () => {
    const frozen = replicaAt(0);
    const other = replicaAt(1);
    // Open connections to both replicas first, so the freeze catches established connections too.
    await Promise.all(Array.from({ length: READERS * 2 }, () => router.query(WHERE_SQL)));
    const before = router.getMetrics();
    let failed = 0;
    const ports = new Map<number, number>();
    await readWhileFrozen(frozen, READERS, FREEZE_MS, async () => {
      try {
        const [row] = (await router.query<Where>(WHERE_SQL)).rows;
        if (row) ports.set(row.port, (ports.get(row.port) ?? 0) + 1);
      } catch {
        failed += 1;
      }
    });
    const after = router.getMetrics();
    expect(failed).toBe(0);
    expect(after.replicaFailovers - before.replicaFailovers).toBeGreaterThanOrEqual(3);
    expect(router.getReplicaStatus()[0]).toMatchObject({ healthy: false, reason: 'Unreachable' });
    expect(router.getReplicaStatus()[0]?.failureCount).toBeGreaterThanOrEqual(3);
    expect(ports.get(other.port)).toBeGreaterThan(0);
    expect(ports.get(cluster().primary.port)).toBeGreaterThan(0);
    expect(events.some((event) => event.type === 'replica-unhealthy' && event.server === `${frozen.host}:${frozen.port}`)).toBe(true);

    await eventually(() => router.checkHealthNow(), (status) => status[0]?.healthy === true, 60_000, 'frozen replica readmitted');
    const seen = new Set<number>();
    for (let i = 0; i < 6; i += 1) {
      const [row] = (await router.query<Where>(WHERE_SQL)).rows;
      if (row) seen.add(row.port);
    }
    expect(seen).toEqual(new Set([frozen.port, other.port]));
  }, 90_000);
});
