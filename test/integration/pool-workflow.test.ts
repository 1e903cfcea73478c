import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { workflowId } from '../../domain/names.js';
import { resourceChangedSignal, statusQuery } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { createNamespace, eventually, kube, startWorker, temporalClient } from './support.js';

interface Pool {
  metadata: { generation: number };
  status?: { observedGeneration?: number; conditions?: { type: string; status: string; observedGeneration: number }[] };
}

describe('a workflow on the real Temporal server reads a custom resource and patches its status', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('pool');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  it('writes observedGeneration and a Progressing condition, follows spec changes, and ends when the pool is deleted', async () => {
    const path = `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/main`;
    await kube().apply(path, {
      apiVersion: 'stellar.org/v1alpha1',
      kind: 'ReadOnlyPool',
      metadata: { name: 'main', namespace },
      spec: { network: 'Testnet', minReplicas: 1, targetReplicas: 1 },
    });
    const handle = await client.workflow.start(readOnlyPoolWorkflow, {
      taskQueue: worker.taskQueue,
      workflowId: workflowId('readonlypool', { namespace, name: 'main' }),
      args: [{ namespace, name: 'main', intervalSeconds: 1 }],
    });

    const first = await eventually(() => kube().request<Pool>('GET', path), (p) => p.status?.observedGeneration === 1, 30_000, 'status of generation 1');
    expect(first.status?.conditions?.map((c) => [c.type, c.observedGeneration])).toEqual([['Ready', 1], ['Progressing', 1], ['Degraded', 1], ['Stalled', 1]]);

    await kube().apply(path, {
      apiVersion: 'stellar.org/v1alpha1',
      kind: 'ReadOnlyPool',
      metadata: { name: 'main', namespace },
      spec: { network: 'Testnet', minReplicas: 1, targetReplicas: 2 },
    });
    await handle.signal(resourceChangedSignal);
    await eventually(() => kube().request<Pool>('GET', path), (p) => p.status?.observedGeneration === 2, 30_000, 'status of generation 2');
    // The query's view is updated at the end of the iteration that wrote this status.
    await eventually(() => handle.query(statusQuery), (v) => v.generation === 2, 15_000, 'query at generation 2');

    await kube().delete(path);
    await handle.signal(resourceChangedSignal);
    const result = await handle.result();
    expect(result.deleted).toBe(true);
  });

  it('refuses an invalid pool at admission with a message that says what to fix', async () => {
    const apply = kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/bad`, {
      apiVersion: 'stellar.org/v1alpha1',
      kind: 'ReadOnlyPool',
      metadata: { name: 'bad', namespace },
      spec: { network: 'Testnet', minReplicas: 5, maxReplicas: 3, targetReplicas: 4 },
    });
    await expect(apply).rejects.toThrow(/maxReplicas must be greater than or equal to minReplicas/);
  });
});
