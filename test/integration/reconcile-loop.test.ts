import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { Condition } from '../../domain/conditions.js';
import { TASK_QUEUE, workflowId } from '../../domain/names.js';
import type { PoolStatus } from '../../domain/pool-status.js';
import { pauseSignal, rebalanceSignal, resumeSignal, statusQuery, type ReadOnlyPoolInput } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { allow, refuse } from './admission.js';
import { archiveUrl, createNamespace, eventually, kube, listPods, mergePatch, startWorker, temporalClient } from './support.js';

// The shared reconcile loop against the real stack: continue-as-new keeps pending requests, refused
// writes (422 and 403 from an admission policy) show on the resource, and the loop goes on.

const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;

interface Pool {
  status?: PoolStatus;
}

interface EventList {
  items: { type: string; reason: string; message: string; involvedObject: { name: string } }[];
}

const condition = (pool: Pool, type: string): Condition | undefined => pool.status?.conditions?.find((c) => c.type === type);

async function createPool(namespace: string, name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await kube().apply(`${POOLS(namespace)}/${name}`, {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: {
      network: 'Testnet', minReplicas: 2, maxReplicas: 5, targetReplicas: 2,
      loadBalancing: { lagThreshold: 50, updateIntervalSeconds: 1 },
      shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin', autoRebalance: false },
      historyArchiveUrls: [archiveUrl('testnet')],
      storage: { size: '1Gi' },
      ...spec,
    },
  });
}

describe('the shared reconcile loop on the local stack', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('loop');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  const start = (name: string, input: Partial<ReadOnlyPoolInput> = {}) => client.workflow.start(readOnlyPoolWorkflow, {
    workflowId: workflowId('readonlypool', { namespace, name }), taskQueue: worker.taskQueue ?? TASK_QUEUE,
    args: [{ namespace, name, intervalSeconds: 1, autoscalerTiming: { cooldownMs: 1000, stabilizationMs: 600_000 }, ...input }],
  });

  it('carries a pause and a pending rebalance across continue-as-new', async () => {
    await createPool(namespace, 'carry');
    const handle = await start('carry', { passesPerRun: 2 });
    await eventually(() => handle.query(statusQuery), (v) => v.fresh === 2 && v.replicaViews.every((r) => r.shards.length > 0), 60_000, 'a settled pool with shards');
    await handle.signal(pauseSignal);
    await eventually(() => handle.query(statusQuery), (v) => v.paused, 15_000, 'paused');
    // While paused a rebalance is only requested; the runs that follow must keep it.
    await handle.signal(rebalanceSignal);
    const pausedRun = (await handle.describe()).runId;
    await eventually(async () => (await client.workflow.getHandle(handle.workflowId).describe()).runId, (run) => run !== pausedRun, 30_000, 'a continue-as-new');
    const next = client.workflow.getHandle(handle.workflowId);
    await eventually(() => next.query(statusQuery), (v) => v.iterations >= 1, 15_000, 'a pass in the new run');
    expect((await next.query(statusQuery)).paused).toBe(true);
    await next.signal(resumeSignal);
    const events = await eventually(
      () => kube().request<EventList>('GET', `/api/v1/namespaces/${namespace}/events`),
      (list) => list.items.some((e) => e.involvedObject.name === 'carry' && e.reason === 'Rebalanced'), 30_000, 'the carried rebalance applied after resume',
    );
    expect(events.items.filter((e) => e.involvedObject.name === 'carry' && e.reason === 'Rebalanced').length).toBeGreaterThan(0);
    await handle.terminate('test done');
  });

  it('shows a 422 refusal of its StatefulSet as Stalled on the pool, with a Warning Event, and recovers once it is allowed', async () => {
    await createPool(namespace, 'refused');
    const handle = await start('refused');
    await eventually(() => listPods(namespace, 'stellar.org/pool=refused'), (pods) => pods.length === 2, 60_000, '2 pods');
    const policy = `${namespace}-no-scale`;
    await refuse({ name: policy, namespace, resource: 'statefulsets', apiGroup: 'apps', expression: 'object.spec.replicas <= 2', message: 'this namespace runs at most 2 replicas', reason: 'Invalid' },
      { path: `/apis/apps/v1/namespaces/${namespace}/statefulsets/refused`, patch: { spec: { replicas: 3 } } });
    try {
      await mergePatch(`${POOLS(namespace)}/refused`, { spec: { targetReplicas: 3 } });
      const stalled = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/refused`), (p) => condition(p, 'Stalled')?.status === 'True', 60_000, 'Stalled=True on the pool');
      expect(condition(stalled, 'Stalled')).toEqual(expect.objectContaining({ reason: 'ChangeRefused', message: expect.stringContaining('at most 2 replicas') }));
      expect(condition(stalled, 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'ChangeRefused' }));
      const events = await eventually(() => kube().request<EventList>('GET', `/api/v1/namespaces/${namespace}/events`), (l) => l.items.some((e) => e.involvedObject.name === 'refused' && e.type === 'Warning' && e.reason === 'ChangeRefused'), 15_000, 'a Warning Event');
      expect(events.items.filter((e) => e.involvedObject.name === 'refused' && e.reason === 'ChangeRefused')).toHaveLength(1);
      // The rest goes on: the pods are still labelled and the status is still written.
      expect(stalled.status?.currentReplicas).toBe(2);
    } finally {
      await allow(policy);
    }
    const recovered = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/refused`), (p) => condition(p, 'Stalled')?.status === 'False' && p.status?.currentReplicas === 3, 60_000, 'Stalled=False and 3 replicas');
    expect(condition(recovered, 'Stalled')?.reason).not.toBe('ChangeRefused');
    await handle.terminate('test done');
  });

  it('reports a pass that fails for good (403 on its pods) as Stalled on the pool, and resumes when allowed', async () => {
    await createPool(namespace, 'forbidden');
    const handle = await start('forbidden');
    await eventually(() => listPods(namespace, 'stellar.org/pool=forbidden'), (pods) => pods.length === 2, 60_000, '2 pods');
    const policy = `${namespace}-frozen-pods`;
    await refuse({ name: policy, namespace, resource: 'pods', apiGroup: '', expression: 'false', message: 'pods here are frozen', reason: 'Forbidden' });
    try {
      // A new replica must be labelled; the label write is forbidden.
      await mergePatch(`${POOLS(namespace)}/forbidden`, { spec: { targetReplicas: 3 } });
      const stalled = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/forbidden`), (p) => condition(p, 'Stalled')?.status === 'True', 90_000, 'Stalled=True on the pool');
      expect(condition(stalled, 'Stalled')).toEqual(expect.objectContaining({ reason: 'ReconcileFailed', message: expect.stringContaining('pods here are frozen') }));
      expect((await handle.describe()).status.name).toBe('RUNNING');
    } finally {
      await allow(policy);
    }
    await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/forbidden`), (p) => condition(p, 'Stalled')?.status === 'False' && p.status?.readyReplicas === 3, 90_000, 'Stalled=False after the policy is gone');
    await handle.terminate('test done');
  });
});
