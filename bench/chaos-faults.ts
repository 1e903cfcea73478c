// The chaos benchmark's faults and what each one's table row counts: worker SIGKILLs in the middle of
// spec changes, a Temporal dev-server restart, a kube-apiserver outage.
import { bringBack, outage, takeDown } from '../stack/outage.js';
import { sleep } from '../stack/process.js';
import { TARGETS, type Change, type ChaosFleet, type Target } from './chaos-fleet.js';
import { percentile } from './stats.js';
import type { WorkerProcess } from './worker-process.js';

/**
 * How long a change may take after a fault before it counts as a lost reconcile: after the server
 * answered again, or after the replacement worker polls (its start-up is the machine's, not the loop's).
 */
export const LOST_AFTER_MS = 60_000;

/** One fault's row. */
export interface FaultResult {
  fault: string;
  /** Faults injected (kills) or changes made after the fault. */
  count: number;
  /** Changes the owned objects already showed when the worker was killed (no convergence sample). */
  beforeKill: number;
  lost: string[];
  duplicates: string[];
  /** Milliseconds from the fault (the kill, or the server answering again) until the owned objects showed the change. */
  convergenceMs: number[];
  /** Kills only: milliseconds from the kill until the new worker polled (its start-up, mostly bundling). */
  workerUpMs: number[];
}

/** A random source, so that a run can be repeated with `--seed`. */
export type Random = () => number;

/** mulberry32: a small seeded generator (the benchmark's randomness only, nothing cryptographic). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves with the moment (performance.now) `change` first shows, or undefined after `deadline()`. */
async function firstShown(change: Change, deadline: () => number): Promise<number | undefined> {
  while (performance.now() < deadline()) {
    if (await change.shows().catch(() => false)) return performance.now();
    await sleep(25);
  }
  return undefined;
}

/**
 * `kills` rounds: a spec change on the next target (they rotate), a random wait of 0-`maxDelayMs` ms, a
 * SIGKILL of the worker and a new worker at once. Each round waits for the change to show (the time from
 * the kill is the sample; a change already showing at the kill counts in `beforeKill`; one not showing
 * `LOST_AFTER_MS` after the new worker polls is lost), checks for
 * duplicate owned objects, and waits until the new worker polls before the next round.
 */
export async function workerKills(fleet: ChaosFleet, worker: WorkerProcess, kills: number, random: Random, log: (line: string) => void, maxDelayMs = 1500): Promise<FaultResult> {
  const result: FaultResult = { fault: 'worker SIGKILL', count: kills, beforeKill: 0, lost: [], duplicates: [], convergenceMs: [], workerUpMs: [] };
  for (let round = 0; round < kills; round += 1) {
    const change = await fleet.change(TARGETS[round % TARGETS.length] as Target);
    const delay = Math.round(random() * maxDelayMs);
    let polledAt = Number.POSITIVE_INFINITY;
    const watching = firstShown(change, () => polledAt + LOST_AFTER_MS);
    await sleep(delay);
    await worker.kill();
    const killedAt = performance.now();
    worker.start();
    const polling = worker.ready().then(() => {
      polledAt = performance.now();
      result.workerUpMs.push(polledAt - killedAt);
    }, (error: unknown) => {
      polledAt = performance.now();
      throw error;
    });
    const shownAt = await watching;
    if (shownAt === undefined) result.lost.push(`kill ${round + 1}: ${change.what} not shown ${LOST_AFTER_MS} ms after the new worker polled`);
    else if (shownAt <= killedAt) result.beforeKill += 1;
    else result.convergenceMs.push(shownAt - killedAt);
    const shown = shownAt === undefined ? 'LOST' : shownAt <= killedAt ? 'before the kill' : `${Math.round(shownAt - killedAt)} ms after the kill`;
    await polling;
    log(`kill ${round + 1}/${kills}: ${change.what}, killed after ${delay} ms, new worker polling after ${Math.round(result.workerUpMs.at(-1) ?? 0)} ms, shown ${shown}`);
    result.duplicates.push(...(await fleet.duplicates()).map((line) => `kill ${round + 1}: ${line}`));
  }
  return result;
}

/**
 * Changes every target at once and measures, per target, the time from `since` until the owned objects
 * show it (the row's samples), then checks for duplicates.
 */
async function changeAll(fleet: ChaosFleet, fault: string, since: number, log: (line: string) => void): Promise<FaultResult> {
  const result: FaultResult = { fault, count: TARGETS.length, beforeKill: 0, lost: [], duplicates: [], convergenceMs: [], workerUpMs: [] };
  const changes: Change[] = [];
  for (const target of TARGETS) changes.push(await fleet.change(target));
  const deadline = performance.now() + LOST_AFTER_MS;
  const shown = await Promise.all(changes.map((change) => firstShown(change, () => deadline)));
  shown.forEach((at, i) => {
    const what = changes[i]?.what ?? '';
    if (at === undefined) result.lost.push(`${fault}: ${what} not shown within ${LOST_AFTER_MS} ms`);
    else result.convergenceMs.push(at - since);
    log(`${fault}: ${what} shown ${at === undefined ? 'never (LOST)' : `${Math.round(at - since)} ms after the server answered`}`);
  });
  result.duplicates.push(...(await fleet.duplicates()).map((line) => `${fault}: ${line}`));
  return result;
}

/**
 * Restarts the Temporal dev server of the stack in `stateDir` (SQLite history kept; the worker keeps
 * running and must reconnect by itself), then changes every target as soon as the server answers.
 */
export async function temporalRestart(fleet: ChaosFleet, stateDir: string, log: (line: string) => void): Promise<FaultResult> {
  await takeDown(stateDir, 'temporal');
  const took = await bringBack(stateDir, 'temporal');
  const answeredAt = performance.now();
  log(`Temporal dev server answered again ${Math.round(took)} ms after its start`);
  return changeAll(fleet, 'Temporal restart', answeredAt, log);
}

/**
 * Stops the kube-apiserver of the stack in `stateDir` for `seconds` (etcd and everything else keep
 * running), starts it again with the same flags, and changes every target as soon as it is ready.
 */
export async function apiServerOutage(fleet: ChaosFleet, stateDir: string, seconds: number, log: (line: string) => void): Promise<FaultResult> {
  const took = await outage(stateDir, 'kube-apiserver', seconds * 1000);
  const answeredAt = performance.now();
  log(`kube-apiserver was down ${seconds} s and ready ${Math.round(took)} ms after its start`);
  return changeAll(fleet, `kube-apiserver ${seconds} s outage`, answeredAt, log);
}

/** The results as a table: one row per fault, with failed workflows counted once for the whole run. */
export function resultTable(results: readonly FaultResult[], failedWorkflows: number): string {
  const header = ['fault', 'count', 'shown before kill', 'lost', 'duplicates', 'failed workflows', 'p50 ms', 'p95 ms', 'max ms', 'new worker polling p50 ms'];
  const ms = (values: number[], p: number): string => (values.length ? percentile(values, p).toFixed(0) : '-');
  const rows = results.map((r) => [
    r.fault, String(r.count), String(r.beforeKill), String(r.lost.length), String(r.duplicates.length), String(failedWorkflows),
    ms(r.convergenceMs, 50), ms(r.convergenceMs, 95), r.convergenceMs.length ? Math.max(...r.convergenceMs).toFixed(0) : '-', ms(r.workerUpMs, 50),
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}
