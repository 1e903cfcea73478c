// Scale on the local stack: N ReadOnlyPools of 1 replica (and with --mix 100 Tenants and 100 validators)
// managed by the real worker process. Per run it prints, per steady iteration: CPU of the worker, the
// Temporal dev server and kube-apiserver (/proc), worker RSS, history events and bytes (a sample of pools),
// API requests (kube-apiserver's apiserver_request_total, WATCH excluded), and spec-change latency.
// kube-apiserver's CPU and requests are net of the same fleet with the worker stopped (measured after the
// run): on this stack the stellar-core simulator and the volume provisioner poll the API for every pod, a
// cost a real cluster's kubelets do not have and that is not Steward's.
// Run: npm run build && node dist/bench/scale.js [--pools 100,300,1000] [--interval 60[,..]] [--steady-iterations 3]
//      [--spec-samples 20] [--mix] [--smoke]
// (uses the stack in STEWARD_STACK_DIR, else starts or attaches to the `bench` stack, BENCH_STACK for another)
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { installCrds } from '../kube/crds.js';
import { KubeRest } from '../kube/rest.js';
import { ensureFakeNodes, podNetworkOctet } from '../stack/control-plane/cluster-objects.js';
import { freePort } from '../stack/ports.js';
import { runningPid } from '../stack/process.js';
import { statusQuery } from '../workflows/contract.js';
import { DEFAULT_CAPACITY } from '../worker/capacity-settings.js';
import { apiserverRequests, netOfBackground, reconcileCounts, requestDelta, requestsByVerb, verbAndResource, workerIterations, workerMetrics, type RequestsByVerb } from './apiserver-metrics.js';
import { benchStack, stackNote, until } from './bench-stack.js';
import { clusterEvents, eventLines, tallyEvents } from './event-tally.js';
import { sampleProcess, type ProcSample } from './proc-stats.js';
import { fleetPods, mapLimit, ScaleFleet, type FleetProgress } from './scale-fleet.js';
import { scalePlan, scaleTable, type ScaleRow } from './scale-report.js';
import { burstLine, latencyLines } from './sdk-latency.js';
import { historyGrowth, sweep, type Counted } from './scale-window.js';
import { historyEvents, traceSteps, traceText, wakeTimes, type HistoryEvent } from './spec-change-trace.js';
import { percentile, summary } from './stats.js';
import { WorkerProcess } from './worker-process.js';

const plan = scalePlan(process.argv.slice(2));
const HISTORY_SAMPLE = 10;
/** A spec change at least this slow has its history printed. */
const SLOW_SPEC_CHANGE_MS = 700;
/** Pods one fake node takes (its capacity is 250 and its /24 pod CIDR 254 addresses); the rest is headroom. */
const PODS_PER_NODE = 200;
/**
 * How often the fleet's progress is read while it starts. Each reading lists every pool and StatefulSet,
 * megabytes of JSON at 1,000 pools, from the API server the fleet is loading; every 2 s (until session 15)
 * was a load of its own.
 */
const PROGRESS_PERIOD_MS = 5000;
const log = (line: string): void => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const info = await benchStack();
if (!info.kube || !info.simulator) throw new Error('the scale benchmark needs the Kubernetes part of the stack and the stellar-core simulator');
const kubeconfigPath = info.kube.kubeconfigPath;
const simulator = info.simulator;
const kube = KubeRest.fromFile(kubeconfigPath);
await installCrds(kube);
// The worker's Lease lives in stellar-system, as with the shipped manifests (deploy/namespace.yaml).
await kube.apply('/api/v1/namespaces/stellar-system', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stellar-system' } });
const connection = await Connection.connect({ address: info.temporal.address });
const client = new Client({ connection, namespace: info.temporal.namespace });
// The worker processes inherit these: loopback only, and the stack's CA for the simulator's https archive.
process.env.STEWARD_EGRESS = 'loopback';
process.env.STEWARD_CA_BUNDLE = simulator.caBundle;
const temporalPid = info.temporal.external ? undefined : runningPid(info.stateDir, 'temporal');
const apiserverPid = info.kube.external ? undefined : runningPid(path.join(info.stateDir, 'kube'), 'kube-apiserver');
const simulatorPid = runningPid(info.stateDir, 'simulator');

await removeLeftoverFleets();
const rows: ScaleRow[] = [];
const stopped: string[] = [];
for (const [index, pools] of plan.pools.entries()) {
  try {
    rows.push(await run(pools, plan.intervals[index] as number));
    log(`results so far:\n${scaleTable(rows)}`);
  } catch (error) {
    // A run that cannot finish (what stopped it is the finding) does not cost the others their rows.
    stopped.push(`N=${pools}: ${(error as Error).message}`);
    log(`N=${pools} stopped: ${(error as Error).message}`);
  }
}
console.log(`\n${scaleTable(rows)}\n`);
for (const line of stopped) console.log(`! ${line}`);
process.exitCode = stopped.length > 0 ? 1 : 0;
console.log('CPU from /proc/<pid>/stat (utime+stime) over the steady window, divided by the iterations of every workflow in it;');
console.log(`history from ${HISTORY_SAMPLE} sampled pools (protobuf-encoded events); API requests from kube-apiserver's apiserver_request_total`);
console.log('without WATCH, from every client; kube-apiserver CPU and requests less the same fleet\'s with the worker stopped (measured after each run); RSS from VmHWM (peak) and VmRSS (end).');
await connection.close();
console.log(stackNote());

async function run(pools: number, intervalSeconds: number): Promise<ScaleRow> {
  const size = { pools, tenants: plan.mix ? 100 : 0, validators: plan.mix ? 100 : 0 };
  const namespace = `scale-${pools}-${Date.now().toString(36)}`;
  const label = `N=${pools}${plan.mix ? ' mix' : ''}`;
  await ensureNodes(fleetPods(size));
  const fleet = new ScaleFleet(kube, namespace, size, { intervalSeconds, archiveUrl: `${simulator.httpsUrl}/archive/testnet`, simulatorUrl: simulator.controlUrl });
  log(`${label}: creating ${pools} pools${plan.mix ? ', 100 tenants and 100 validators' : ''} in ${namespace} (interval ${intervalSeconds} s)`);
  await fleet.create((created, total) => log(`${label}: ${created}/${total} resources created`));
  const metricsAddress = `127.0.0.1:${await freePort()}`;
  const workflowCache = cachedWorkflows(fleet);
  const worker = new WorkerProcess({
    temporalAddress: info.temporal.address, temporalNamespace: info.temporal.namespace, kubeconfigPath, taskQueue: `scale-${namespace}`, namespace,
    logFile: path.join(info.stateDir, `${namespace}-worker.log`), metricsAddress,
    env: { STEWARD_MAX_CACHED_WORKFLOWS: workflowCache },
  });
  worker.start();
  await worker.ready(300_000);
  log(`${label}: worker ${worker.pid} polls (workflow cache ${workflowCache}); waiting for the fleet (its log: ${path.join(info.stateDir, `${namespace}-worker.log`)})`);
  try {
    await settle(fleet, label, 300_000 + 1000 * fleetPods(size));
    await poolsSteady(fleet, label, intervalSeconds);
    const { row, window } = await measure(fleet, worker, label, intervalSeconds, metricsAddress);
    await worker.stop();
    const alone = await fleetAlone(label, Math.min(window.seconds, plan.smoke ? 5 : 120));
    const net = netOfFleetAlone(row, window, alone);
    if (window.apiserverCpuMs !== undefined && alone.cpuMsPerSecond !== undefined) {
      // The net figure is a difference of two large ones: show both, so a nil net can be read as such.
      log(`${label}: kube-apiserver ${(window.apiserverCpuMs / window.seconds).toFixed(0)} CPU ms/s over the window, ${alone.cpuMsPerSecond.toFixed(0)} with the fleet alone`);
    }
    log(`${label}: API requests per iteration by resource, net of the fleet alone: ${rates(net.byResource, '')}`);
    log(`${label}: done`);
    return net.row;
  } finally {
    await teardown(fleet, worker, label);
  }
}

/**
 * The worker's workflow cache for a fleet: every workflow of it, as the README advises (a workflow out of
 * the cache replays its history on each wake-up), unless STEWARD_MAX_CACHED_WORKFLOWS says otherwise.
 */
function cachedWorkflows(fleet: ScaleFleet): string {
  const { pools, others } = fleet.workflowIds();
  return process.env.STEWARD_MAX_CACHED_WORKFLOWS ?? String(Math.max(DEFAULT_CAPACITY.maxCachedWorkflows, pools.length + others.length + 10));
}

/** The steady window's raw kube-apiserver figures, to be netted of the fleet alone (`netOfFleetAlone`). */
interface SteadyWindow {
  seconds: number;
  iterations: number;
  apiserverCpuMs?: number;
  requests: RequestsByVerb;
}

/** kube-apiserver's CPU and requests per second of the fleet alone, by `PUT pods/status`-style keys. */
interface ApiserverRates {
  cpuMsPerSecond?: number;
  requestsPerSecond: RequestsByVerb;
}

async function measure(fleet: ScaleFleet, worker: WorkerProcess, label: string, intervalSeconds: number, metricsAddress: string): Promise<{ row: ScaleRow; window: SteadyWindow }> {
  // Only the history sample is queried: a query of a workflow out of the worker's cache replays its
  // history, so querying all 1,000 would load the worker being measured. Iterations come from its metric.
  const sample: Counted[] = fleet.workflowIds().pools.slice(0, HISTORY_SAMPLE).map((id) => ({ id, query: statusQuery, history: true }));
  const workerPid = worker.pid;
  if (workerPid === undefined) throw new Error(`${label}: the worker process is not running; see its log`);
  const pids = { worker: workerPid, temporal: temporalPid, apiserver: apiserverPid, simulator: simulatorPid };
  const before = await sweep(client, sample);
  log(`${label}: read the history of ${before.size} of ${sample.length} sampled pools; steady window of ${plan.steadyIterations} intervals starts`);
  const requests0 = await apiserverRequests(kube, verbAndResource);
  // One reading of the worker's /metrics at each end gives its requests, its passes and the SDK's latencies.
  const worker0 = await workerMetrics(metricsAddress);
  const cpu0 = readAll(pids);
  const windowStart = Date.now();
  const t0 = performance.now();
  const counts = await passCounts(metricsAddress, plan.steadyIterations * intervalSeconds * 1000);
  const t1 = performance.now();
  log(`${label}: ${burstLine(counts)}`);
  const cpu1 = readAll(pids);
  const worker1 = await workerMetrics(metricsAddress);
  const requests1 = await apiserverRequests(kube, verbAndResource);
  const [own0, own1] = [worker0, worker1].map((text) => requestsByVerb(text, verbAndResource, 'steward_kube_requests')) as [RequestsByVerb, RequestsByVerb];
  const [iterations0, iterations1] = [worker0, worker1].map(reconcileCounts) as [Record<string, number>, Record<string, number>];
  const after = await sweep(client, sample, before);
  const byKind = Object.fromEntries(Object.entries(iterations1).map(([kind, n]) => [kind, n - (iterations0[kind] ?? 0)]));
  const iterations = Object.values(byKind).reduce((sum, n) => sum + n, 0);
  const history = historyGrowth(before, after);
  log(`${label}: window ${((t1 - t0) / 1000).toFixed(0)} s, ${iterations} iterations in it (${rates(byKind, '')}); ` +
    `history of ${history.iterations} sampled iterations (${history.continued} runs of the sample continued-as-new in it; ${history.skipped} sampled pools skipped: their runs could not be followed)`);
  if (iterations <= 0) throw new Error(`${label}: no iteration in the steady window: the workflows are not running (see the worker log)`);
  const requests = requestDelta(requests0, requests1);
  const perIteration = (value: number): number => value / iterations;
  const own = requestDelta(own0, own1);
  log(`${label}: the worker's own API requests per iteration by resource: ${rates(Object.fromEntries(Object.entries(own).map(([key, n]) => [key, perIteration(n)])), '')}`);
  const cpu = (name: keyof typeof pids): number | undefined => {
    const [a, b] = [cpu0[name], cpu1[name]];
    return a && b ? perIteration(b.cpuMs - a.cpuMs) : undefined;
  };
  // The simulator is the test double of every stellar-core pod: its CPU is the stack's, not Steward's.
  const simulatorCpu = cpu0.simulator && cpu1.simulator ? (cpu1.simulator.cpuMs - cpu0.simulator.cpuMs) / ((t1 - t0) / 1000) : undefined;
  const windowEvents = await clusterEvents(kube).then((items) => eventLines(tallyEvents(items, windowStart - 1000)), (error: unknown) => [`cannot list Events: ${(error as Error).message}`]);
  log(`${label}: Events over the steady window, by component, reason and kind:\n${windowEvents.map((line) => `    ${line}`).join('\n')}`);
  log(`${label}: the stellar-core simulator used ${simulatorCpu === undefined ? 'unknown' : simulatorCpu.toFixed(0)} CPU ms/s over the window`);
  log(`${label}: the Temporal SDK's latencies over the steady window:\n${latencyLines(worker0, worker1).map((line) => `    ${line}`).join('\n')}`);
  const spec = await sdkWatched(label, metricsAddress, () => specChanges(fleet, label));
  const end = sampleProcess(workerPid);
  const apiserverCpu = cpu0.apiserver && cpu1.apiserver ? cpu1.apiserver.cpuMs - cpu0.apiserver.cpuMs : undefined;
  const row: ScaleRow = {
    pools: fleet.size.pools, mix: fleet.size.tenants > 0, intervalSeconds, iterations,
    cpuMs: { worker: cpu('worker') ?? Number.NaN, temporal: cpu('temporal') }, // kube-apiserver's: netOfFleetAlone
    workerRssMiB: { peak: end.peakRssKiB / 1024, end: end.rssKiB / 1024 },
    historyEvents: history.iterations > 0 ? history.events / history.iterations : Number.NaN,
    historyBytes: history.iterations > 0 ? history.bytes / history.iterations : Number.NaN,
    apiRequests: Number.NaN,
    apiByVerb: {},
    workerApiByVerb: Object.fromEntries(Object.entries(sumByVerb(own)).map(([verb, n]) => [verb, perIteration(n)])),
    specChange: { p50: percentile(spec, 50), p99: percentile(spec, 99), samples: spec.length },
  };
  return { row, window: { seconds: (t1 - t0) / 1000, iterations, apiserverCpuMs: apiserverCpu, requests } };
}

/**
 * kube-apiserver's CPU and requests over `seconds` with the fleet in place and no worker (after a pause
 * for the last spec changes' rollouts): the stack's own cost of this many pods.
 */
async function fleetAlone(label: string, seconds: number): Promise<ApiserverRates> {
  await sleep(plan.smoke ? 1000 : 10_000);
  const requests0 = await apiserverRequests(kube, verbAndResource);
  const cpu0 = apiserverPid === undefined ? undefined : sampleProcess(apiserverPid);
  const since = Date.now();
  await sleep(seconds * 1000);
  const cpu1 = apiserverPid === undefined ? undefined : sampleProcess(apiserverPid);
  const requests = requestDelta(requests0, await apiserverRequests(kube, verbAndResource));
  // Which Events the fleet alone recorded (a repeated Event is a PATCH): whose load the net figure removes.
  const events = await clusterEvents(kube).then((items) => eventLines(tallyEvents(items, since - 1000)), (error: unknown) => [`cannot list Events: ${(error as Error).message}`]);
  log(`${label}: Events of the fleet alone, by component, reason and kind:\n${events.map((line) => `    ${line}`).join('\n')}`);
  const cpuMsPerSecond = cpu0 && cpu1 ? (cpu1.cpuMs - cpu0.cpuMs) / seconds : undefined;
  const requestsPerSecond = Object.fromEntries(Object.entries(requests).map(([key, n]) => [key, n / seconds]));
  log(`${label}: the fleet with the worker stopped, over ${seconds.toFixed(0)} s: kube-apiserver ${cpuMsPerSecond === undefined ? 'n/a' : `${cpuMsPerSecond.toFixed(0)} CPU ms/s`}; ${rates(requestsPerSecond)}`);
  return { cpuMsPerSecond, requestsPerSecond };
}

/** `row` with kube-apiserver's CPU and requests per iteration less the fleet alone's, at its rate, over the steady window. */
function netOfFleetAlone(row: ScaleRow, window: SteadyWindow, alone: ApiserverRates): { row: ScaleRow; byResource: RequestsByVerb } {
  const perIteration = (value: number): number => value / window.iterations;
  const byResource = netOfBackground(window.requests, alone.requestsPerSecond, window.seconds);
  const byVerb = sumByVerb(byResource);
  const apiserver = window.apiserverCpuMs !== undefined && alone.cpuMsPerSecond !== undefined
    ? perIteration(Math.max(0, window.apiserverCpuMs - alone.cpuMsPerSecond * window.seconds))
    : undefined;
  return {
    row: {
      ...row,
      cpuMs: { ...row.cpuMs, apiserver },
      apiRequests: perIteration(Object.values(byVerb).reduce((sum, n) => sum + n, 0)),
      apiByVerb: Object.fromEntries(Object.entries(byVerb).map(([verb, n]) => [verb, perIteration(n)])),
    },
    byResource: Object.fromEntries(Object.entries(byResource).map(([key, n]) => [key, perIteration(n)])),
  };
}

/** The worker's total pass count read about every second for `ms`: how evenly the passes come. */
async function passCounts(metricsAddress: string, ms: number): Promise<{ atMs: number; count: number }[]> {
  const counts: { atMs: number; count: number }[] = [];
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const byKind = await workerIterations(metricsAddress).catch(() => undefined);
    if (byKind) counts.push({ atMs: performance.now(), count: Object.values(byKind).reduce((sum, n) => sum + n, 0) });
    await sleep(Math.max(0, Math.min(1000, end - performance.now())));
  }
  return counts;
}

/**
 * Runs `spanned` (the spec changes), then logs the SDK's latencies over it: whether the changes' workflow
 * tasks, and everyone else's meanwhile, waited to start or ran long.
 */
async function sdkWatched<T>(label: string, metricsAddress: string, spanned: () => Promise<T>): Promise<T> {
  const before = await workerMetrics(metricsAddress);
  const result = await spanned();
  const after = await workerMetrics(metricsAddress);
  log(`${label}: over the spec changes, the Temporal SDK's latencies (every workflow's tasks):\n${latencyLines(before, after).map((line) => `    ${line}`).join('\n')}`);
  return result;
}

/** One timed spec change: when it was sent (wall clock), and when each step showed, in ms since then. */
interface SpecSample {
  name: string;
  sentAtMs: number;
  /** The merge patch answered. */
  answeredMs: number;
  /** The bench's own watch of the pools showed the change (a watcher like the worker's, but idle). */
  seenMs?: number;
  /** The StatefulSet showed the changed pod template: the latency. */
  doneMs: number;
}

/** Times `plan.specSamples` spec changes, one pool at a time, spread over the fleet, while every workflow runs. */
async function specChanges(fleet: ScaleFleet, label: string): Promise<number[]> {
  const names = fleet.poolNames;
  const stopWatch = await fleet.watchTemplates();
  const samples: SpecSample[] = [];
  for (let sample = 1; sample <= plan.specSamples; sample += 1) {
    const name = names[Math.floor(((sample - 1) * names.length) / plan.specSamples) % names.length] as string;
    const sentAtMs = Date.now();
    const started = performance.now();
    const shows = await fleet.changePool(name, sample);
    const answeredMs = performance.now() - started;
    await until(shows, 60_000, `${label}: StatefulSet ${fleet.namespace}/${name} with the changed pod template`, 2);
    const doneMs = performance.now() - started;
    const seenAtMs = fleet.poolSeenAtMs(name, sample);
    samples.push({ name, sentAtMs, answeredMs, doneMs, ...(seenAtMs === undefined ? {} : { seenMs: seenAtMs - sentAtMs }) });
  }
  stopWatch();
  const slow = samples.filter((sample) => sample.doneMs >= SLOW_SPEC_CHANGE_MS);
  log(`${label}: ${samples.length} spec changes timed; ${slow.length} took ${SLOW_SPEC_CHANGE_MS} ms or more`);
  // After the samples, so reading histories does not slow the ones still to come.
  const histories = await mapLimit(samples, 4, (sample) => historyEvents(client, `readonlypool/${fleet.namespace}/${sample.name}`).catch((error: unknown) => error as Error));
  log(`${label}: where the spec changes' time went, ms after the patch was sent:\n${specPhaseLines(samples, histories).map((line) => `    ${line}`).join('\n')}`);
  samples.forEach((sample, index) => {
    if (sample.doneMs < SLOW_SPEC_CHANGE_MS) return;
    const events = histories[index];
    const steps = Array.isArray(events) ? traceText(traceSteps(events, sample.sentAtMs, sample.sentAtMs + sample.doneMs)) : `    (history not read: ${String(events)})`;
    log(`${label}: spec change of ${sample.name} took ${sample.doneMs.toFixed(0)} ms (patch answered at ${sample.answeredMs.toFixed(0)} ms, ` +
      `seen by the bench's watch at ${sample.seenMs?.toFixed(0) ?? '?'} ms); its history from the patch on:\n${steps}`);
  });
  return samples.map((sample) => sample.doneMs);
}

/**
 * Percentiles of each step of the spec changes: the patch answered, the change on a watch (the bench's
 * own), the workflow's signal, the workflow task that acts on it started, the StatefulSet changed. A late
 * signal after an early watch points at the leader's trigger; a late task start at the worker's slots.
 */
function specPhaseLines(samples: readonly SpecSample[], histories: readonly (HistoryEvent[] | Error)[]): string[] {
  const wakes = histories.map((events, index) => (Array.isArray(events) ? wakeTimes(events, (samples[index] as SpecSample).sentAtMs) : {}));
  const line = (what: string, values: (number | undefined)[]): string => {
    const known = values.filter((value): value is number => value !== undefined && Number.isFinite(value));
    return `${what}: ${known.length === 0 ? 'not seen' : summary(known)}`;
  };
  return [
    line('patch answered', samples.map((sample) => sample.answeredMs)),
    line('change on the bench\'s watch', samples.map((sample) => sample.seenMs)),
    line('signal in the history', wakes.map((wake) => wake.signalMs)),
    line('workflow task started', wakes.map((wake) => wake.taskStartedMs)),
    line('StatefulSet changed', samples.map((sample) => sample.doneMs)),
  ];
}

function rates(counts: RequestsByVerb, unit = '/s'): string {
  return Object.entries(counts).sort(([, a], [, b]) => b - a).map(([key, n]) => `${key} ${n.toFixed(2)}${unit}`).join(', ') || 'no requests';
}

/** `PUT pods/status` counts added up by verb. */
function sumByVerb(byResource: RequestsByVerb): RequestsByVerb {
  const byVerb: RequestsByVerb = {};
  for (const [key, n] of Object.entries(byResource)) {
    const verb = key.split(' ')[0] as string;
    byVerb[verb] = (byVerb[verb] ?? 0) + n;
  }
  return byVerb;
}

function readAll(pids: Record<string, number | undefined>): Record<string, ProcSample | undefined> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid === undefined ? undefined : sampleProcess(pid)]));
}

/** Waits until every StatefulSet is ready and every stellar-core pod served by the simulator (see `ScaleFleet.settled`), printing progress. */
async function settle(fleet: ScaleFleet, label: string, timeoutMs: number): Promise<void> {
  const started = performance.now();
  let shown = '';
  let shownAt = 0;
  for (;;) {
    const progress = await progressOrNothing(fleet, label);
    const line = progress && `${progress.poolsReady}/${fleet.size.pools} pools Ready, ${progress.statefulSetsReady}/${progress.statefulSets} StatefulSets ready, ${progress.podsServed} pods served by the simulator`;
    if (progress && fleet.settled(progress)) {
      log(`${label}: ${line}: settled in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      return;
    }
    if (line && line !== shown && performance.now() - shownAt > 5000) {
      log(`${label}: ${line}`);
      [shown, shownAt] = [line, performance.now()];
    }
    if (performance.now() - started > timeoutMs) throw new Error(`${label}: the fleet in ${fleet.namespace} did not settle in ${timeoutMs / 1000} s${line ? ` (${line})` : ''}; see the worker log`);
    await sleep(PROGRESS_PERIOD_MS);
  }
}

/**
 * The fleet's progress, or undefined (logged) when a read failed: while 1,000 pools start, a loaded API
 * server may not answer one list within the client's 15 s, which says nothing about the run.
 */
async function progressOrNothing(fleet: ScaleFleet, label: string): Promise<FleetProgress | undefined> {
  try {
    return await fleet.progress();
  } catch (error) {
    log(`${label}: reading the fleet's progress failed (${(error as Error).message}); reading it again`);
    return undefined;
  }
}

/**
 * Waits, after the fleet settled, for its pools to stop changing state (their first passes write status as
 * replicas turn fresh): until every pool is Ready, or the Ready count held for two intervals, or after six
 * intervals at most; at least one interval, so every workflow is past its first (writing) iterations.
 */
async function poolsSteady(fleet: ScaleFleet, label: string, intervalSeconds: number): Promise<void> {
  const started = performance.now();
  const intervalMs = intervalSeconds * 1000;
  let ready = -1;
  let since = started;
  for (;;) {
    await sleep(Math.min(5000, intervalMs));
    const now = performance.now();
    const progress = await progressOrNothing(fleet, label);
    if (!progress) {
      if (now - started < 6 * intervalMs) continue;
      log(`${label}: the pools' state unread after ${((now - started) / 1000).toFixed(0)} s; measuring`);
      return;
    }
    const { poolsReady } = progress;
    if (poolsReady !== ready) [ready, since] = [poolsReady, now];
    const held = now - since >= 2 * intervalMs;
    if (now - started >= intervalMs && (poolsReady === fleet.size.pools || held || now - started >= 6 * intervalMs)) {
      log(`${label}: ${poolsReady}/${fleet.size.pools} pools Ready after ${((now - started) / 1000).toFixed(0)} s more`);
      return;
    }
  }
}

/** Stops the worker, ends the fleet's workflows and deletes its namespace, waiting (up to 10 min) until it is gone. */
async function teardown(fleet: ScaleFleet, worker: WorkerProcess, label: string): Promise<void> {
  await worker.stop();
  const ids = [...fleet.workflowIds().pools, ...fleet.workflowIds().others];
  await mapLimit(ids, 16, (id) => client.workflow.getHandle(id).terminate('scale benchmark done').catch(() => undefined));
  await kube.delete(`/api/v1/namespaces/${fleet.namespace}`);
  log(`${label}: workflows terminated; deleting namespace ${fleet.namespace}`);
  await until(async () => (await kube.getOptional(`/api/v1/namespaces/${fleet.namespace}`)) === undefined, 600_000, `namespace ${fleet.namespace} deleted`, 5000)
    .catch((error: unknown) => log(`${label}: ${(error as Error).message}; going on`));
}

/**
 * Deletes the fleets of earlier runs that ended before their teardown (on the local stack only), and waits
 * until they are gone: after a stack restart KWOK hands their pods' addresses out again, and the simulator
 * still serves the old pods there, so new pods would never be served.
 */
async function removeLeftoverFleets(): Promise<void> {
  if (info.kube?.external) return;
  const list = await kube.request<{ items: { metadata: { name: string } }[] }>('GET', '/api/v1/namespaces');
  const leftovers = list.items.map((ns) => ns.metadata.name).filter((name) => /^scale-\d+-[a-z0-9]+$/.test(name));
  if (leftovers.length === 0) return;
  log(`deleting ${leftovers.length} fleet namespaces left by earlier runs: ${leftovers.join(', ')}`);
  for (const name of leftovers) await kube.delete(`/api/v1/namespaces/${name}`).catch(() => undefined);
  for (const name of leftovers) {
    await until(async () => (await kube.getOptional(`/api/v1/namespaces/${name}`)) === undefined, 600_000, `namespace ${name} deleted`, 5000);
  }
}

/** Adds fake KWOK nodes until they hold `pods` more pods (on a stack this benchmark runs, never on a user's cluster). */
async function ensureNodes(pods: number): Promise<void> {
  const nodes = Math.ceil(pods / PODS_PER_NODE) + 1;
  if (info.kube?.external || nodes <= 3) return;
  log(`${nodes} fake nodes for ${pods} pods`);
  await ensureFakeNodes(kube, nodes, podNetworkOctet(info.stateDir));
}
