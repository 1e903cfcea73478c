import { describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { connectionString } from '../../stack/index.js';
import { eventually, stack } from './support.js';

async function queryOne<T>(url: string, sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(sql);
    return result.rows[0] as T;
  } finally {
    await client.end();
  }
}

describe('the local PostgreSQL primary and its streaming replicas', () => {
  it('answers on the primary, streams to both replicas, and serves a row written on the primary from a replica', async () => {
    const cluster = stack().postgres;
    if (!cluster || cluster.external) throw new Error('this test needs the local PostgreSQL cluster');
    const primary = connectionString(cluster, cluster.primary);
    expect(await queryOne(primary, 'SELECT pg_is_in_recovery() AS recovery')).toEqual({ recovery: false });
    const streaming = await queryOne<{ n: number }>(primary, "SELECT count(*)::int AS n FROM pg_stat_replication WHERE state = 'streaming'");
    expect(streaming.n).toBe(2);

    const marker = `m-${process.pid}-${Date.now()}`;
    await queryOne(primary, 'CREATE TABLE IF NOT EXISTS foundation_probe (marker text)');
    await queryOne(primary, `INSERT INTO foundation_probe VALUES ('${marker}')`);
    const { lsn } = await queryOne<{ lsn: string }>(primary, 'SELECT pg_current_wal_lsn()::text AS lsn');
    for (const replica of cluster.replicas) {
      const url = connectionString(cluster, replica);
      expect(await queryOne(url, 'SELECT pg_is_in_recovery() AS recovery')).toEqual({ recovery: true });
      await eventually(() => queryOne<{ caught: boolean }>(url, `SELECT pg_last_wal_replay_lsn() >= '${lsn}'::pg_lsn AS caught`), (r) => r.caught, 10_000, `${replica.name} replayed ${lsn}`);
      // The demo test stops and restarts replica-1 while this suite runs; a replica just back from a restart
      // once answered 'relation does not exist' right after reporting the LSN replayed, so the read is retried.
      const seen = await eventually(() => queryOne<{ n: number }>(url, `SELECT count(*)::int AS n FROM foundation_probe WHERE marker = '${marker}'`), (r) => r.n === 1, 10_000, `${replica.name} serving the row`);
      expect(seen.n).toBe(1);
    }
  });
});
