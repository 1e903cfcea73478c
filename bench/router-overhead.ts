// The router's overhead against a plain pg.Pool on the same loopback replica (throughput ratio and latency
// percentiles, interleaved in one run), and the time from a replica's death to its ejection.
// Then reads under a frozen replica: its postmaster and backends stopped with SIGSTOP (connections stay open),
// with p50/p99 of the reads during the freeze and the failed-read count. Then causal reads: write-then-read
// pairs with replay paused on one replica (pg_wal_replay_pause()), with the stale-read count, and the same
// pairs without causal reads for comparison.
// Starts its own local stack (PostgreSQL part; `BENCH_STACK`, default `router-bench`) and stops it at the end:
// run with `node dist/bench/router-overhead.js [--smoke] [--freeze] [--causal]` (--smoke: one round of 500
// queries, a 1 s freeze and 100 pairs; --freeze, --causal: only that phase).
import pg from 'pg';
import { ReadReplicaRouter, type RouterOptions } from '../router/index.js';
import { connectionString, startStack, stopStack, type PostgresCluster, type PostgresServer } from '../stack/index.js';
import { queryUrl, startServer, stopServer } from '../stack/postgres.js';
import { CAUSAL_PROBE_TABLE, pairIds, writeThenReadPairs } from './causal-pairs.js';
import { readWhileFrozen } from './postgres-freeze.js';
import { smokeMode } from './smoke.js';

const SMOKE = smokeMode();
const FREEZE_ONLY = process.argv.includes('--freeze');
const CAUSAL_ONLY = process.argv.includes('--causal');
const CAUSAL_PAIRS = SMOKE ? 100 : 2000;
const CAUSAL_WORKERS = 8;
const CAUSAL_WAIT_MS = 2000;
const FREEZE_MS = SMOKE ? 1000 : 10_000;
const FREEZE_QUERY_TIMEOUT_MS = 200;
const FREEZE_READERS = 8;
const STACK = process.env.BENCH_STACK || 'router-bench';
const CONCURRENCY = 16;
const QUERIES_PER_ROUND = SMOKE ? 500 : 10_000;
const ROUNDS = SMOKE ? 1 : 4;
const WARMUP_QUERIES = SMOKE ? 200 : 2000;
const SQL = 'SELECT $1::int + 1 AS n';

type RunQuery = (sql: string, params: unknown[]) => Promise<unknown>;

interface Sample {
  seconds: number;
  latenciesMs: number[];
}

async function drive(run: RunQuery, total: number): Promise<Sample> {
  const latenciesMs: number[] = [];
  let issued = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued += 1;
      const started = performance.now();
      await run(SQL, [issued]);
      latenciesMs.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
  return { seconds: (performance.now() - started) / 1000, latenciesMs };
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length));
  return sorted[index] ?? Number.NaN;
}

function summarize(name: string, samples: readonly Sample[]): { qps: number; p50: number; p99: number } {
  const seconds = samples.reduce((sum, sample) => sum + sample.seconds, 0);
  const all = samples.flatMap((sample) => sample.latenciesMs).sort((a, b) => a - b);
  const result = { qps: all.length / seconds, p50: percentile(all, 50), p99: percentile(all, 99) };
  console.log(`${name.padEnd(12)} ${result.qps.toFixed(0).padStart(8)} q/s   p50 ${result.p50.toFixed(3)} ms   p99 ${result.p99.toFixed(3)} ms`);
  return result;
}

function routerOptions(cluster: PostgresCluster, replicas: PostgresServer[], intervalMs: number): RouterOptions {
  return {
    primary: { host: cluster.primary.host, port: cluster.primary.port, database: cluster.database, user: cluster.user, password: cluster.password },
    replicas: replicas.map((replica) => ({ host: replica.host, port: replica.port })),
    pool: { max: CONCURRENCY },
    healthCheckIntervalMs: intervalMs,
    healthCheckTimeoutMs: 1000,
  };
}

const routerOver = (cluster: PostgresCluster, replicas: PostgresServer[], intervalMs: number): ReadReplicaRouter =>
  new ReadReplicaRouter(routerOptions(cluster, replicas, intervalMs));

async function overhead(cluster: PostgresCluster, replica: PostgresServer): Promise<void> {
  const plain = new pg.Pool({ connectionString: connectionString(cluster, replica), max: CONCURRENCY });
  const router = routerOver(cluster, [replica], 0);
  const plainRun: RunQuery = (sql, params) => plain.query(sql, params);
  const routerRun: RunQuery = (sql, params) => router.query(sql, params);
  await drive(plainRun, WARMUP_QUERIES);
  await drive(routerRun, WARMUP_QUERIES);
  const plainSamples: Sample[] = [];
  const routerSamples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    plainSamples.push(await drive(plainRun, QUERIES_PER_ROUND));
    routerSamples.push(await drive(routerRun, QUERIES_PER_ROUND));
  }
  console.log(`reads of "${SQL}", concurrency ${CONCURRENCY}, ${ROUNDS} interleaved rounds of ${QUERIES_PER_ROUND} each, same replica on loopback`);
  const base = summarize('pg.Pool', plainSamples);
  const routed = summarize('router', routerSamples);
  console.log(`throughput ratio router/pool ${(routed.qps / base.qps).toFixed(3)}   p99 ratio ${(routed.p99 / base.p99).toFixed(3)}   p50 ratio ${(routed.p50 / base.p50).toFixed(3)}`);
  const metrics = router.getMetrics();
  console.log(`router counted ${metrics.readQueries} reads, ${metrics.readsOnPrimary} on the primary, ${metrics.replicaFailovers} failovers`);
  await plain.end();
  await router.close();
}

/** Milliseconds until `accept` holds, polled every `pollMs`; NaN after `timeoutMs`. */
async function waitUntil(accept: () => boolean | Promise<boolean>, timeoutMs: number, pollMs = 5): Promise<number> {
  const started = performance.now();
  while (!(await accept())) {
    if (performance.now() - started > timeoutMs) return Number.NaN;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  return performance.now() - started;
}

/** Death-to-ejection with periodic checks only (no traffic), and with reads flowing. */
async function ejection(cluster: PostgresCluster, victim: PostgresServer, intervalMs: number, withLoad: boolean): Promise<void> {
  const router = routerOver(cluster, cluster.replicas, intervalMs);
  await router.checkHealthNow();
  let loading = withLoad;
  let failedReads = 0;
  const load = async (): Promise<void> => {
    while (loading) await router.query('SELECT 1').catch(() => { failedReads += 1; });
  };
  const loaders = withLoad ? Array.from({ length: 4 }, () => load()) : [];
  const killedAt = performance.now();
  stopServer(victim);
  const stopMs = performance.now() - killedAt;
  const victimIndex = cluster.replicas.indexOf(victim);
  const ejectMs = await waitUntil(() => router.getReplicaStatus()[victimIndex]?.healthy === false, 30_000);
  loading = false;
  await Promise.all(loaders);
  const metrics = router.getMetrics();
  console.log(`${withLoad ? 'with 4 readers' : 'checks only   '}  interval ${intervalMs} ms, threshold 3: ejected ${(ejectMs + stopMs).toFixed(0)} ms after pg_ctl stop began ` +
    `(stop itself took ${stopMs.toFixed(0)} ms); failed client reads ${failedReads}, failovers ${metrics.replicaFailovers}, reads ${metrics.readQueries}`);
  startServer(victim);
  const readmitStarted = performance.now();
  while (!(await router.checkHealthNow())[victimIndex]?.healthy) await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(`                readmitted ${(performance.now() - readmitStarted).toFixed(0)} ms after restart (checks every 100 ms)`);
  await router.close();
}

/**
 * Reads from FREEZE_READERS loops over both replicas while `victim` is frozen (SIGSTOP) for FREEZE_MS,
 * with `queryTimeoutMs` FREEZE_QUERY_TIMEOUT_MS and no periodic checks: prints p50/p99/max of the reads
 * during the freeze, the failed-read count, and where the reads went. Resumes the server (SIGCONT) at the end.
 */
async function freeze(cluster: PostgresCluster, victim: PostgresServer): Promise<void> {
  const router = new ReadReplicaRouter({
    primary: { host: cluster.primary.host, port: cluster.primary.port, database: cluster.database, user: cluster.user, password: cluster.password },
    replicas: cluster.replicas.map((replica) => ({ host: replica.host, port: replica.port })),
    pool: { max: FREEZE_READERS, connectionTimeoutMillis: 500 },
    queryTimeoutMs: FREEZE_QUERY_TIMEOUT_MS,
    healthCheckIntervalMs: 0,
    healthCheckTimeoutMs: 1000,
  });
  await router.checkHealthNow();
  await drive((sql, params) => router.query(sql, params), WARMUP_QUERIES);
  const latenciesMs: number[] = [];
  let failedReads = 0;
  const before = router.getMetrics();
  await readWhileFrozen(victim, FREEZE_READERS, FREEZE_MS, async () => {
    const started = performance.now();
    try {
      await router.query(SQL, [1]);
      latenciesMs.push(performance.now() - started);
    } catch {
      failedReads += 1;
    }
  });
  const after = router.getMetrics();
  const sorted = latenciesMs.sort((a, b) => a - b);
  const victimIndex = cluster.replicas.indexOf(victim);
  console.log(`frozen replica (SIGSTOP) ${FREEZE_MS} ms, ${FREEZE_READERS} readers, queryTimeoutMs ${FREEZE_QUERY_TIMEOUT_MS}, connect timeout 500 ms, threshold 3:`);
  console.log(`  reads ${sorted.length}   p50 ${percentile(sorted, 50).toFixed(3)} ms   p99 ${percentile(sorted, 99).toFixed(3)} ms   max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms` +
    `   failed client reads ${failedReads}   failovers ${after.replicaFailovers - before.replicaFailovers}` +
    `   reads on the primary ${after.readsOnPrimary - before.readsOnPrimary}   ejected ${router.getReplicaStatus()[victimIndex]?.healthy === false}`);
  await router.close();
}

const onServer = <T extends pg.QueryResultRow>(cluster: PostgresCluster, server: PostgresServer, sql: string): Promise<T[]> =>
  queryUrl<T>(connectionString(cluster, server), sql);

async function untilReplicated(cluster: PostgresCluster): Promise<void> {
  for (const replica of cluster.replicas) {
    const ms = await waitUntil(async () => (await onServer<{ t: string | null }>(cluster, replica, "SELECT to_regclass('causal_probe')::text AS t"))[0]?.t === 'causal_probe', 30_000, 50);
    if (Number.isNaN(ms)) throw new Error(`causal_probe did not reach the replica on port ${replica.port} within 30 s`);
  }
}

const byPort = (cluster: PostgresCluster, ports: Map<number, number>): string =>
  [cluster.primary, ...cluster.replicas].map((server, index) => `${index === 0 ? 'primary' : `replica ${index}`} ${ports.get(server.port) ?? 0}`).join(', ');

/**
 * Write-then-read pairs (`CAUSAL_WORKERS` loops) with replay paused on `paused`: with causal reads (the
 * stale-read count must be 0) and, for comparison, without (autocommit and transaction writes only).
 */
async function causal(cluster: PostgresCluster, paused: PostgresServer): Promise<void> {
  await onServer(cluster, cluster.primary, 'DROP TABLE IF EXISTS causal_probe');
  await onServer(cluster, cluster.primary, CAUSAL_PROBE_TABLE);
  await untilReplicated(cluster);
  const withTokens = new ReadReplicaRouter({ ...routerOptions(cluster, cluster.replicas, 0), causalWaitMs: CAUSAL_WAIT_MS, pool: { max: CAUSAL_WORKERS + 2 } });
  const timeBased = new ReadReplicaRouter({ ...routerOptions(cluster, cluster.replicas, 0), causalReads: false, pool: { max: CAUSAL_WORKERS + 2 } });
  try {
    await withTokens.checkHealthNow();
    await timeBased.checkHealthNow();
    await onServer(cluster, paused, 'SELECT pg_wal_replay_pause()');
    const started = performance.now();
    const exact = await writeThenReadPairs(withTokens, pairIds(1, CAUSAL_PAIRS), CAUSAL_WORKERS);
    const seconds = (performance.now() - started) / 1000;
    const without = await writeThenReadPairs(timeBased, pairIds(CAUSAL_PAIRS + 1, CAUSAL_PAIRS, false), CAUSAL_WORKERS);
    console.log(`causal reads, replay paused on replica ${cluster.replicas.indexOf(paused) + 1}, ${CAUSAL_WORKERS} writers, causalWaitMs ${CAUSAL_WAIT_MS}:`);
    console.log(`  with tokens     ${CAUSAL_PAIRS} write-then-read pairs in ${seconds.toFixed(1)} s, stale reads ${exact.stale}; reads on ${byPort(cluster, exact.ports)}; outcomes ${JSON.stringify(withTokens.getMetrics().causalReads)}`);
    const withoutPairs = [...without.ports.values()].reduce((sum, n) => sum + n, 0);
    console.log(`  without tokens  ${withoutPairs} pairs (causalReads: false), stale reads ${without.stale}; reads on ${byPort(cluster, without.ports)}`);
    if (exact.stale > 0) {
      console.error(`${exact.stale} stale reads with causal-read tokens: read-your-writes is broken`);
      process.exitCode = 1;
    }
  } finally {
    await onServer(cluster, paused, 'SELECT pg_wal_replay_resume()');
    await withTokens.close();
    await timeBased.close();
  }
}

async function main(): Promise<void> {
  await stopStack(STACK);
  const info = await startStack({ name: STACK, parts: ['postgres'], log: () => undefined });
  const cluster = info.postgres;
  if (!cluster || cluster.external) throw new Error('the bench needs the local PostgreSQL cluster');
  try {
    const [first, second] = cluster.replicas;
    if (!first || !second) throw new Error('the bench needs two replicas');
    const all = !FREEZE_ONLY && !CAUSAL_ONLY;
    if (all) {
      await overhead(cluster, first);
      await ejection(cluster, second, 1000, false);
      await ejection(cluster, second, 1000, true);
    }
    if (all || FREEZE_ONLY) await freeze(cluster, first);
    if (all || CAUSAL_ONLY) await causal(cluster, second);
  } finally {
    await stopStack(STACK);
  }
}

await main();
