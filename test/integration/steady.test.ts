import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { workflowId } from '../../domain/names.js';
import { replicaSetStatusQuery, statusQuery, tenantStatusQuery } from '../../workflows/contract.js';
import { postgresReplicasWorkflow } from '../../workflows/postgres-replicas.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { tenantWorkflow } from '../../workflows/tenant.js';
import { archiveUrl, createNamespace, eventually, kube, RequestLog, setScenario, stack, startWorker, temporalClient, workerKube } from './support.js';
import type { PoolStatus } from '../../domain/pool-status.js';
import type { TenantStatus } from '../../domain/tenant-decision.js';
import { REPLICA_SET_OPT_IN } from '../../domain/replica-set-access.js';

// A steady resource costs passes, not writes: once settled, its workflow passes at the configured
// interval (no hot loop) and sends the API server no write at all. A workflow restarted with no memory
// resumes from what the cluster shows: no write, the same replicas, shards and pool states.

const WINDOW_MS = 6000;

describe('steady resources make no writes', () => {
  let client: Client;
  let counting: RequestLog;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    counting = new RequestLog(workerKube().config);
    worker = await startWorker(counting);
    namespace = await createNamespace('steady');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  /** Passes and writes during the window, once `settled` holds. */
  async function measure(passes: () => Promise<number>): Promise<{ passes: number; writes: string[]; reads: string[] }> {
    const before = await passes();
    counting.requests = [];
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    return { passes: (await passes()) - before, writes: counting.writes(), reads: counting.reads() };
  }

  it('a settled ReadOnlyPool passes every second and writes nothing', async () => {
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/quiet`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'quiet', namespace },
      spec: { network: 'Testnet', minReplicas: 2, maxReplicas: 3, targetReplicas: 2, loadBalancing: { lagThreshold: 50 }, shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' }, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
    });
    const handle = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: workflowId('readonlypool', { namespace, name: 'quiet' }), taskQueue: worker.taskQueue, args: [{ namespace, name: 'quiet', intervalSeconds: 1 }] });
    await eventually(() => handle.query(statusQuery), (v) => v.fresh === 2 && v.lastApplied.length === 0 && v.iterations > 5, 90_000, 'a settled pool');
    const steady = await measure(async () => (await handle.query(statusQuery)).iterations);
    expect(steady.writes).toEqual([]);
    expect(steady.reads).toEqual([]);
    // About one pass a second: a hot loop would make many more.
    expect(steady.passes).toBeGreaterThanOrEqual(2);
    expect(steady.passes).toBeLessThanOrEqual(WINDOW_MS / 1000 + 2);
    await handle.terminate('test done');
  });

  it('a ReadOnlyPool whose workflow restarts with no memory keeps its autoscaled replicas and shards, and writes nothing', async () => {
    const path = `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/resume`;
    await kube().apply(path, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'resume', namespace },
      spec: { network: 'Testnet', minReplicas: 2, maxReplicas: 4, targetReplicas: 2, loadBalancing: { lagThreshold: 50 }, shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' }, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
    });
    const id = workflowId('readonlypool', { namespace, name: 'resume' });
    const input = { namespace, name: 'resume', intervalSeconds: 1, autoscalerTiming: { cooldownMs: 1000, stabilizationMs: 3_600_000 } };
    const first = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [input] });
    await eventually(() => first.query(statusQuery), (v) => v.fresh === 2, 90_000, '2 fresh replicas');
    // Both lag: the autoscaler adds a third replica, then they catch up; the long window keeps 3.
    await setScenario(namespace, 'resume-0', 'lagging:200');
    await setScenario(namespace, 'resume-1', 'lagging:200');
    await eventually(() => first.query(statusQuery), (v) => v.replicas === 3, 60_000, 'scaled to 3');
    await setScenario(namespace, 'resume-0', 'synced');
    await setScenario(namespace, 'resume-1', 'synced');
    await eventually(() => first.query(statusQuery), (v) => v.fresh === 3 && v.lastApplied.length === 0 && v.statusWrites > 0, 90_000, '3 fresh, settled');
    await eventually(async () => (await measure(async () => (await first.query(statusQuery)).iterations)).writes, (w) => w.length === 0, 60_000, 'a steady window');
    const before = (await kube().request<{ status: PoolStatus }>('GET', path)).status;
    await first.terminate('restart with no memory');

    counting.requests = [];
    const second = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [input] });
    await eventually(() => second.query(statusQuery), (v) => v.iterations >= 4, 30_000, 'four passes of the new run');
    expect(counting.writes()).toEqual([]);
    const after = (await kube().request<{ status: PoolStatus }>('GET', path)).status;
    expect((await second.query(statusQuery)).replicas).toBe(3);
    expect(after.shardAssignments).toEqual(before.shardAssignments);
    expect(after.autoscaler).toEqual(before.autoscaler);
    await second.terminate('test done');
  });

  it('a pool deleted and created again under its name drops the memory of the old object', async () => {
    const path = `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/again`;
    const manifest = {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'again', namespace },
      spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 4, targetReplicas: 2, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
    };
    const uidOf = async (): Promise<string> => (await kube().request<{ metadata: { uid: string } }>('GET', path)).metadata.uid;
    await kube().apply(path, manifest);
    const id = workflowId('readonlypool', { namespace, name: 'again' });
    // Memory as a run leaves it after autoscaling 2 -> 3 (the spec's target is still 2).
    const memory = { replicas: 3, specTarget: 2, autoscaler: {} };
    const input = { namespace, name: 'again', intervalSeconds: 3600, memory };
    const own = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [{ ...input, memoryUid: await uidOf() }] });
    await eventually(() => own.query(statusQuery), (v) => v.replicas !== undefined, 30_000, 'a first decision');
    expect((await own.query(statusQuery)).replicas).toBe(3);
    await own.terminate('the pool is deleted and created again');

    const oldUid = await uidOf();
    await kube().delete(path);
    await eventually(() => kube().getOptional(path), (p) => !p, 30_000, 'the pool gone');
    await kube().apply(path, manifest);
    expect(await uidOf()).not.toBe(oldUid);
    const again = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [{ ...input, memoryUid: oldUid }] });
    await eventually(() => again.query(statusQuery), (v) => v.replicas !== undefined, 30_000, 'a first decision on the new object');
    expect((await again.query(statusQuery)).replicas).toBe(2);
    await again.terminate('test done');
  });

  it('a settled Tenant passes every second, writes nothing and reads only the worker\'s cache', async () => {
    await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${namespace}/tenants/calm`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 'calm', namespace },
      spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 2, persistence: { volumesPerServer: 1 } }] },
    });
    const handle = await client.workflow.start(tenantWorkflow, { workflowId: workflowId('tenant', { namespace, name: 'calm' }), taskQueue: worker.taskQueue, args: [{ namespace, name: 'calm', intervalSeconds: 1 }] });
    await eventually(() => handle.query(tenantStatusQuery), (v) => v.status?.currentState === 'Ready' && v.iterations > 3, 90_000, 'a Ready tenant');
    const steady = await measure(async () => (await handle.query(tenantStatusQuery)).iterations);
    expect(steady.writes).toEqual([]);
    expect(steady.reads).toEqual([]);
    expect(steady.passes).toBeGreaterThanOrEqual(2);
    expect(steady.passes).toBeLessThanOrEqual(WINDOW_MS / 1000 + 2);

    // Restarted with no memory: the same pool states and lastUpdateTime, and no write.
    const path = `/apis/rustfs.com/v1alpha1/namespaces/${namespace}/tenants/calm`;
    const before = (await kube().request<{ status: TenantStatus }>('GET', path)).status;
    await handle.terminate('restart with no memory');
    counting.requests = [];
    const second = await client.workflow.start(tenantWorkflow, { workflowId: workflowId('tenant', { namespace, name: 'calm' }), taskQueue: worker.taskQueue, args: [{ namespace, name: 'calm', intervalSeconds: 1 }] });
    await eventually(() => second.query(tenantStatusQuery), (v) => v.iterations >= 4, 30_000, 'four passes of the new run');
    expect(counting.writes()).toEqual([]);
    const after = (await kube().request<{ status: TenantStatus }>('GET', path)).status;
    expect(after.pools.map((p) => [p.name, p.state, p.lastUpdateTime])).toEqual(before.pools.map((p) => [p.name, p.state, p.lastUpdateTime]));
    expect(after).toEqual(before);
    await second.terminate('test done');
  });

  it('a PostgresReplicaSet whose workflow restarts with no memory keeps its health and routing, and writes nothing', async () => {
    const pg = stack().postgres;
    if (!pg || pg.external) throw new Error('needs the local PostgreSQL cluster');
    await kube().apply(`/api/v1/namespaces/${namespace}/secrets/pg`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace, annotations: { [REPLICA_SET_OPT_IN]: 'db' } }, stringData: { username: pg.user, password: pg.password } });
    const path = `/apis/stellar.org/v1alpha1/namespaces/${namespace}/postgresreplicasets/db`;
    await kube().apply(path, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'db', namespace },
      spec: { primary: { host: pg.primary.host, port: pg.primary.port }, replicas: pg.replicas.map((r) => ({ host: r.host, port: r.port })), credentialsSecretRef: { name: 'pg' } },
    });
    const id = workflowId('postgres-replicas', { namespace, name: 'db' });
    const input = { namespace, name: 'db', intervalSeconds: 1 };
    const first = await client.workflow.start(postgresReplicasWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [input] });
    await eventually(() => first.query(replicaSetStatusQuery), (v) => v.routingTo.length === pg.replicas.length && v.iterations > 3, 60_000, 'every replica healthy and routed');
    await eventually(async () => (await measure(async () => (await first.query(replicaSetStatusQuery)).iterations)).writes, (w) => w.length === 0, 60_000, 'a steady window');
    const before = (await kube().request<{ status: { routingTo: string[] } }>('GET', path)).status;
    await first.terminate('restart with no memory');

    counting.requests = [];
    const second = await client.workflow.start(postgresReplicasWorkflow, { workflowId: id, taskQueue: worker.taskQueue, args: [input] });
    await eventually(() => second.query(replicaSetStatusQuery), (v) => v.iterations >= 4, 30_000, 'four passes of the new run');
    expect(counting.writes()).toEqual([]);
    expect((await kube().request<{ status: { routingTo: string[] } }>('GET', path)).status.routingTo).toEqual(before.routingTo);
    await second.terminate('test done');
  });
});
