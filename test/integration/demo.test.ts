import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { TASK_QUEUE } from '../../domain/names.js';
import { freePort } from '../../stack/ports.js';
import { missingSeries, parseMetrics, type Sample } from '../support/metric-series.js';
import { FAILURE_SERIES, monitoringObjects, monitoringQueries, monitoringSelectors } from '../support/monitoring-queries.js';
import { stack, temporalClient, terminateRunning } from './support.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'bin', 'steward.js');

/** Scrapes `url` every 2 s until `stop()`; returns every series seen in any scrape (the last value of each). */
function scrapeWhile(url: string): { stop(): Promise<Sample[]> } {
  const seen = new Map<string, Sample>();
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        for (const sample of parseMetrics(await (await fetch(url)).text())) seen.set(`${sample.name}${JSON.stringify(sample.labels)}`, sample);
      } catch {
        // the demo's worker is not serving yet, or has stopped
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...seen.values()];
    },
  };
}

describe('steward demo --once on the suite stack', () => {
  afterAll(async () => {
    // The demo leaves its workflows running for the Web UI; on the shared suite stack, later files
    // start workflows with the same IDs (validator-set/testnet) on their own task queues.
    const client = await temporalClient();
    await terminateRunning(client, TASK_QUEUE, 'demo test done');
    await client.connection.close();
  });

  it('plays every step of the scenario and exits 0', async () => {
    const env = { ...process.env };
    delete env.TEMPORAL_ADDRESS;
    delete env.KUBECONFIG;
    // The demo's worker serves /metrics here; scraped all along the scenario for the chart's alerts and dashboard.
    env.STEWARD_METRICS_ADDRESS = `127.0.0.1:${await freePort()}`;
    const scrape = scrapeWhile(`http://${env.STEWARD_METRICS_ADDRESS}/metrics`);
    const startedAt = new Date().toISOString();
    const result = await new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'demo', '--once', '--stack', stack().stateDir], { env, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 }, (error, out, err) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
      });
    });
    const samples = await scrape.stop();
    if (result.code !== 0) console.error(result.out, result.err);
    const observed = result.out.match(/\[x\] step \d\/6/g) ?? [];
    expect(observed).toEqual(['[x] step 1/6', '[x] step 2/6', '[x] step 3/6', '[x] step 4/6', '[x] step 5/6', '[x] step 6/6']);
    expect(result.out).toMatch(/testnet-pool-1 lag \d+ ledgers, weight 10; the read Service now selects testnet-pool-0, testnet-pool-2/);
    expect(result.out).toMatch(/3 -> 4 replicas, 4 fresh again/);
    expect(result.out).toMatch(/testnet-pool-3: \d/);
    expect(result.out).toMatch(/validator-1, validator-2, validator-3 are connected to validator-4-0\.validator-4-hl\.stellar\.svc\.cluster\.local, as their \/peers show/);
    expect(result.out).toMatch(/replica-1 \(127\.0\.0\.1:\d+\) ejected after \d+ failed checks/);
    expect(result.out).toContain('demo: all 6 steps observed');
    expect(result.code).toBe(0);

    // The histories read as what happened: activity summaries, not bare function names. The scenario spans
    // several runs of each workflow (a run continues-as-new after 25 passes): every run since it began is read.
    const client = await temporalClient();
    const summaries = async (id: string): Promise<string[]> => {
      const texts: Uint8Array[] = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = '${id}' AND StartTime >= '${startedAt}'` })) {
        const history = await client.workflow.getHandle(id, run.runId).fetchHistory();
        texts.push(...(history.events ?? []).map((e) => e.userMetadata?.summary?.data).filter((d): d is Uint8Array => d instanceof Uint8Array));
      }
      return [...new Set(texts.map((d) => JSON.parse(Buffer.from(d).toString('utf8')) as string))];
    };
    const pool = await summaries('readonlypool/stellar/testnet-pool');
    const validators = await summaries('validator-set/testnet');
    const db = await summaries('postgres-replicas/stellar/horizon-db');
    await client.connection.close();
    const having = (...patterns: RegExp[]) => expect.arrayContaining(patterns.map((p) => expect.stringMatching(p)));
    expect(pool).toEqual(having(
      /^observe pool stellar\/testnet-pool: read it, its StatefulSet and pods, probe each replica/,
      /^apply .*StatefulSet testnet-pool \(4 replicas\); label 4 pods: \d fresh, \d lagging$/,
      /^status: 4 replicas, 4 fresh, 0 lagging, tip \d+$/,
      /^record events: .*ScaledUp/,
    ));
    expect(validators).toEqual(having(/^connect \d+ missing peer links on \d+ healthy validators/, /^write stellar-system\/stellar-peers: \d+ peers$/));
    expect(db).toEqual(having(/^route reads to \d+ pods: 1 of 2 replicas healthy; /));

    // Every series a rule or a panel of the chart reads exists, with the labels the query matches, groups or
    // shows (the series born of a failure are worker-process.test's).
    const selectors = monitoringSelectors(monitoringQueries(monitoringObjects())).filter((s) => !FAILURE_SERIES.has(s.metric));
    const missing = selectors.map((s) => ({ source: s.source, missing: missingSeries(s, samples) })).filter((m) => m.missing !== undefined);
    expect(missing).toEqual([]);
    expect(selectors.length).toBeGreaterThan(20);
  });
});
