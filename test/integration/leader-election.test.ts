import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { leasePath, runLeaderElection } from '../../kube/leader-lease.js';
import type { LeaseSpec } from '../../kube/lease-record.js';
import { resourceChangedSignal } from '../../workflows/contract.js';
import { microTime } from '../../kube/lease-record.js';
import { createNamespace, eventually, kube, mergePatch, RequestLog, stack, temporalClient, uniqueName, workerKube } from './support.js';
import { workerNodeArgs } from '../../worker/entry-point.js';

// Three worker processes (dist/worker/main.js, as the ServiceAccount of the shipped ClusterRole) share one
// task queue and one Lease: one runs the watches, all run workflows. A short lease (4/3/1 s) keeps the run
// short; the defaults are table-tested in unit/lease-record and unit/worker-settings.

const LEASE_SECONDS = 4;

interface WorkerProcess {
  identity: string;
  child: ChildProcess;
  stderr: string;
}

interface Lease {
  spec?: LeaseSpec;
}

describe('three workers, one leader (a Lease in stellar-system)', () => {
  const taskQueue = uniqueName('lease-queue');
  const workers: WorkerProcess[] = [];
  let ns: string;
  let client: Client;
  let lease: string;

  const holder = async (): Promise<string | undefined> => (await kube().request<Lease>('GET', lease)).spec?.holderIdentity;
  const tenantPath = (name: string): string => `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/${name}`;
  const applyTenant = (name: string, image = 'rustfs/rustfs:1.0.0') => kube().apply(tenantPath(name), {
    apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name, namespace: ns },
    spec: { image, pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
  });
  const becameLeader = (worker: WorkerProcess): number => worker.stderr.split('\n').filter((line) => line.includes('"message":"became the leader through')).length;

  /** resource-changed signals in every run of the workflow (continue-as-new starts new runs). */
  const signals = async (workflowId: string): Promise<number> => {
    let count = 0;
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      const history = await client.workflow.getHandle(workflowId, run.runId).fetchHistory();
      count += (history.events ?? []).filter((event) => event.workflowExecutionSignaledEventAttributes?.signalName === resourceChangedSignal.name).length;
    }
    return count;
  };
  /** The signal count once it has stayed the same for 4 s (the watches of owned objects have settled). */
  const quietSignals = async (workflowId: string): Promise<number> => {
    let last = -1;
    return eventually(async () => {
      const previous = last;
      await new Promise((resolve) => setTimeout(resolve, 4000));
      last = await signals(workflowId);
      return { previous, now: last };
    }, (reading) => reading.previous === reading.now, 90_000, `the signals of ${workflowId} to settle`).then((reading) => reading.now);
  };

  beforeAll(async () => {
    ns = await createNamespace('lease');
    lease = leasePath('stellar-system', `stellar-steward-triggers-${ns}`);
    client = await temporalClient();
    for (const n of [1, 2, 3]) {
      const worker: WorkerProcess = { identity: `${ns}-w${n}`, stderr: '', child: undefined as unknown as ChildProcess };
      worker.child = spawn(process.execPath, workerNodeArgs(), {
        env: {
          ...process.env, TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: path.join(stack().stateDir, 'worker-kubeconfig.yaml'),
          STEWARD_TASK_QUEUE: taskQueue, STEWARD_WATCH_NAMESPACE: ns, STEWARD_METRICS_PORT: '0', STEWARD_LOG_FORMAT: 'json',
          STEWARD_LEASE_IDENTITY: worker.identity, STEWARD_LEASE_DURATION_SECONDS: String(LEASE_SECONDS),
          STEWARD_LEASE_RENEW_DEADLINE_SECONDS: '3', STEWARD_LEASE_RETRY_PERIOD_SECONDS: '1',
        },
      });
      worker.child.stderr?.on('data', (chunk: Buffer) => {
        worker.stderr += chunk.toString();
      });
      workers.push(worker);
    }
    for (const worker of workers) {
      await eventually(async () => worker.stderr, (text) => text.includes('Steward worker running') || worker.child.exitCode !== null, 60_000, `${worker.identity} to start`);
      if (worker.child.exitCode !== null) throw new Error(`${worker.identity} exited with ${worker.child.exitCode}: ${worker.stderr}`);
    }
  });
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    for (const name of ['t', 't2']) await client?.workflow.getHandle(`tenant/${ns}/${name}`).terminate().catch(() => undefined);
    await client?.connection.close();
    if (lease) await kube().delete(lease).catch(() => undefined);
  });

  it('elects exactly one leader, and a change is signalled once, not once per worker', async () => {
    const leader = await eventually(holder, (identity) => Boolean(identity), 30_000, 'a holder of the Lease');
    // Several retry periods later it is still the only one, and only it says it leads.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await holder()).toBe(leader);
    expect(workers.map((worker) => [worker.identity, becameLeader(worker)])).toEqual(workers.map((worker) => [worker.identity, worker.identity === leader ? 1 : 0]));

    await applyTenant('t');
    await eventually(() => kube().request<{ status?: { currentState?: string } }>('GET', tenantPath('t')), (t) => t.status?.currentState === 'Ready', 90_000, `Tenant ${ns}/t Ready`);
    const before = await quietSignals(`tenant/${ns}/t`);
    await mergePatch(tenantPath('t'), { metadata: { annotations: { 'example.org/touched': '1' } } });
    const after = await quietSignals(`tenant/${ns}/t`);
    expect(after - before).toBe(1);
  });

  it('after kill -9 of the leader another takes over, and acts on what changed while there was none (relist)', async () => {
    const leaderIdentity = await holder();
    const leader = workers.find((worker) => worker.identity === leaderIdentity);
    if (!leader) throw new Error(`the Lease holder ${String(leaderIdentity)} is none of the three workers`);
    const before = await signals(`tenant/${ns}/t`);
    const killedAt = Date.now();
    leader.child.kill('SIGKILL');
    // Changes while the dead worker still holds the Lease: nobody watches.
    await mergePatch(tenantPath('t'), { metadata: { annotations: { 'example.org/touched': '2' } } });
    await applyTenant('t2');
    expect(await holder()).toBe(leaderIdentity);

    const successor = await eventually(holder, (identity) => Boolean(identity) && identity !== leaderIdentity, 60_000, 'another holder of the Lease');
    process.stderr.write(`[leader-election] ${String(successor)} took the Lease over ${Date.now() - killedAt} ms after kill -9 (lease ${LEASE_SECONDS} s)\n`);
    expect(workers.map((worker) => worker.identity)).toContain(successor);
    // The new leader's watches start from a list: the Tenant created without a leader gets its workflow,
    // and the existing one is woken.
    const started = await eventually(() => client.workflow.getHandle(`tenant/${ns}/t2`).describe(), (d) => d.status.name === 'RUNNING', 60_000, `tenant/${ns}/t2 started`);
    expect(started.taskQueue).toBe(taskQueue);
    await eventually(() => signals(`tenant/${ns}/t`), (count) => count > before, 30_000, `tenant/${ns}/t woken by the new leader`);
    await eventually(() => kube().request<{ status?: { currentState?: string } }>('GET', tenantPath('t2')), (t) => t.status?.currentState === 'Ready', 90_000, `Tenant ${ns}/t2 Ready`);
  });

  it('a leader stopped with SIGTERM releases the Lease, and the last worker takes it', async () => {
    const leaderIdentity = await holder();
    const leader = workers.find((worker) => worker.identity === leaderIdentity);
    const last = workers.find((worker) => worker.identity !== leaderIdentity && worker.child.exitCode === null && worker.child.signalCode === null);
    if (!leader || !last) throw new Error(`expected a leading and a waiting worker; the Lease holder is ${String(leaderIdentity)}`);
    const exited = new Promise<number | null>((resolve) => leader.child.on('exit', resolve));
    leader.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(leader.stderr).toContain('"message":"released Lease stellar-system/');
    expect(await eventually(holder, (identity) => identity === last.identity, 30_000, `${last.identity} to hold the Lease`)).toBe(last.identity);
  });
});

describe('runLeaderElection against the API server (as the worker\'s ServiceAccount)', () => {
  it('a leader renews with one request, a PUT on the version it last wrote (client-go\'s fast path)', async () => {
    const name = uniqueName('lease-renew');
    const path = leasePath('stellar-system', name);
    const counting = new RequestLog(workerKube().config);
    let started = false;
    const election = runLeaderElection(counting, { namespace: 'stellar-system', name, identity: 'a' }, { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 200 },
      { onStartedLeading: () => { started = true; }, onStoppedLeading: () => undefined }, () => undefined, () => undefined);
    try {
      await eventually(async () => started, (yes) => yes, 20_000, 'a to lead');
      const renewTime = async (): Promise<string | undefined> => (await kube().request<Lease>('GET', path)).spec?.renewTime;
      const first = await renewTime();
      counting.requests = [];
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const requests = [...counting.requests];
      expect(requests.length).toBeGreaterThanOrEqual(3);
      expect(new Set(requests)).toEqual(new Set([`PUT ${path}`]));
      expect(await renewTime()).not.toBe(first);
      expect(election.isLeader()).toBe(true);
    } finally {
      await election.stop();
      await kube().delete(path).catch(() => undefined);
    }
  });

  it('a leader that finds another holder in the Lease stops leading at once, leaves it alone, and takes it over once it expires', async () => {
    const name = uniqueName('lease-taken');
    const path = leasePath('stellar-system', name);
    const changes: string[] = [];
    const election = runLeaderElection(workerKube(), { namespace: 'stellar-system', name, identity: 'a' }, { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 },
      { onStartedLeading: () => changes.push('started'), onStoppedLeading: () => changes.push('stopped') }, (message) => changes.push(`log: ${message}`), () => undefined);
    try {
      await eventually(async () => changes, (seen) => seen.includes('started'), 20_000, 'a to lead');
      // Another writer takes the Lease (as a worker whose clock made a's lease look expired would).
      await mergePatch(path, { spec: { holderIdentity: 'intruder', renewTime: microTime(Date.now()) } });
      await eventually(async () => changes, (seen) => seen.includes('stopped'), 20_000, 'a to stop leading');
      expect(election.isLeader()).toBe(false);
      expect((await kube().request<Lease>('GET', path)).spec?.holderIdentity).toBe('intruder');
      // The intruder never renews: after the lease duration a takes it over, counting the transitions.
      await eventually(async () => changes.filter((change) => change === 'started').length, (count) => count === 2, 20_000, 'a to lead again');
      expect((await kube().request<Lease>('GET', path)).spec).toEqual(expect.objectContaining({ holderIdentity: 'a', leaseTransitions: 1 }));
      expect(changes.filter((change) => change.startsWith('log: '))).toEqual([]);
      // Stopping stops leading first, then releases the Lease: no holder, a one-second duration.
      await election.stop();
      expect(changes.at(-1)).toBe('stopped');
      expect((await kube().request<Lease>('GET', path)).spec).toEqual(expect.objectContaining({ leaseDurationSeconds: 1, leaseTransitions: 1 }));
      expect((await kube().request<Lease>('GET', path)).spec?.holderIdentity).toBeUndefined();
    } finally {
      await election.stop();
      await kube().delete(path).catch(() => undefined);
    }
  });
});
