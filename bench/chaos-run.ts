// One chaos run against a running stack: the fleet, the real worker process, the faults in order, and
// the final checks. bench/chaos.ts prints it; the integration suite runs a short one.
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { KubeRest } from '../kube/rest.js';
import type { PostgresCluster } from '../stack/index.js';
import { sleep } from '../stack/process.js';
import { ChaosFleet, failedWorkflows } from './chaos-fleet.js';
import { apiServerOutage, seededRandom, temporalRestart, workerKills, type FaultResult } from './chaos-faults.js';
import { WorkerProcess } from './worker-process.js';

/** What a chaos run needs and which faults it injects. */
export interface ChaosOptions {
  /** The stack's state dir (`StackInfo.stateDir`): its servers are stopped and restarted there. */
  stateDir: string;
  temporal: { address: string; namespace: string };
  /** Admin client: creates the resources and reads the owned objects. */
  kube: KubeRest;
  /** The kubeconfig the worker process runs with (the worker's ServiceAccount). */
  workerKubeconfig: string;
  archiveUrl: string;
  postgres: PostgresCluster;
  kills: number;
  /** Restart the Temporal dev server (needs a stack started with `persistent`). */
  temporalRestart: boolean;
  /** Length of the kube-apiserver outage; none when 0. */
  outageSeconds: number;
  seed: number;
  log: (line: string) => void;
}

/** A run's outcome: a row per fault, the runs that failed, and duplicates found at the end. */
export interface ChaosReport {
  namespace: string;
  results: FaultResult[];
  failedWorkflows: string[];
  finalDuplicates: string[];
  /** Whether every owned object showed the last spec (pods Ready) within 120 s after the last fault. */
  finalSettled: boolean;
  /** What was still not settled then. */
  unsettled?: string;
  workerLog: string;
}

/**
 * Creates the fleet in a fresh namespace, starts the worker process, waits until everything is settled,
 * injects the faults (kills, then the Temporal restart, then the API server outage), and checks that
 * every workflow still runs and no StatefulSet has extra pods. Cleans up its namespace and workflows.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const namespace = `chaos-${Date.now().toString(36)}`;
  const workerLog = path.join(options.stateDir, `${namespace}-worker.log`);
  fs.writeFileSync(workerLog, '');
  const fleet = new ChaosFleet({ kube: options.kube, namespace, archiveUrl: options.archiveUrl, postgres: options.postgres });
  const worker = new WorkerProcess({
    temporalAddress: options.temporal.address, temporalNamespace: options.temporal.namespace, kubeconfigPath: options.workerKubeconfig,
    taskQueue: `chaos-${namespace}`, namespace, logFile: workerLog,
  });
  const connection = await Connection.connect({ address: options.temporal.address });
  const client = new Client({ connection, namespace: options.temporal.namespace });
  const report: ChaosReport = { namespace, results: [], failedWorkflows: [], finalDuplicates: [], finalSettled: false, workerLog };
  try {
    await fleet.create();
    worker.start();
    await worker.ready();
    const first = await settled(fleet, 240_000);
    if (first) throw new Error(`the pool, validators, tenant and replica set in ${namespace} did not settle within 240 s (${first}): see ${workerLog}`);
    options.log(`settled in namespace ${namespace}; worker log ${workerLog}`);
    if (options.kills > 0) report.results.push(await workerKills(fleet, worker, options.kills, seededRandom(options.seed), options.log));
    if (options.temporalRestart) report.results.push(await temporalRestart(fleet, options.stateDir, options.log));
    if (options.outageSeconds > 0) report.results.push(await apiServerOutage(fleet, options.stateDir, options.outageSeconds, options.log));
    report.unsettled = await settled(fleet, 120_000);
    report.finalSettled = report.unsettled === undefined;
    report.failedWorkflows = await failedWorkflows(client, fleet.workflowIds());
    report.finalDuplicates = await finalDuplicates(fleet);
  } finally {
    await worker.stop();
    for (const id of fleet.workflowIds()) await client.workflow.getHandle(id).terminate('chaos run over').catch(() => undefined);
    await options.kube.delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
    await connection.close();
  }
  return report;
}

/** True when the run found nothing wrong: no lost reconcile, no duplicate, no failed workflow, settled at the end. */
export function chaosPassed(report: ChaosReport): boolean {
  const lost = report.results.reduce((n, r) => n + r.lost.length, 0);
  const duplicates = report.results.reduce((n, r) => n + r.duplicates.length, 0) + report.finalDuplicates.length;
  return lost === 0 && duplicates === 0 && report.failedWorkflows.length === 0 && report.finalSettled;
}

/** Waits until the fleet is settled; returns undefined then, or what was still unsettled at the deadline. */
async function settled(fleet: ChaosFleet, timeoutMs: number): Promise<string | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const unsettled = await fleet.unsettled().catch((error: unknown) => `cannot read the owned objects: ${(error as Error).message}`);
    if (unsettled === undefined || Date.now() > deadline) return unsettled;
    await sleep(250);
  }
}

/** Duplicates including extra pods, given 30 s for pods of a scale-down to go. */
async function finalDuplicates(fleet: ChaosFleet): Promise<string[]> {
  const deadline = Date.now() + 30_000;
  let found = await fleet.duplicates(true);
  while (found.length > 0 && Date.now() < deadline) {
    await sleep(500);
    found = await fleet.duplicates(true);
  }
  return found;
}
