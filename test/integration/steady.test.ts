import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { KubeRest, type RequestOptions } from '../../activities/kube/rest.js';
import { workflowId } from '../../domain/names.js';
import { statusQuery, tenantStatusQuery } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { tenantWorkflow } from '../../workflows/tenant.js';
import { archiveUrl, createNamespace, eventually, kube, startWorker, temporalClient, workerKube } from './support.js';

// A steady resource costs passes, not writes: once settled, its workflow passes at the configured
// interval (no hot loop) and sends the API server no write at all.

const WINDOW_MS = 6000;

/** The worker's client, keeping every write it sends (method and path). */
class WriteLog extends KubeRest {
  writes: string[] = [];
  override async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (method !== 'GET') this.writes.push(`${method} ${path}`);
    return super.request<T>(method, path, options);
  }
}

describe('steady resources make no writes', () => {
  let client: Client;
  let counting: WriteLog;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    counting = new WriteLog(workerKube().config);
    worker = await startWorker(counting);
    namespace = await createNamespace('steady');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  /** Passes and writes during the window, once `settled` holds. */
  async function measure(passes: () => Promise<number>): Promise<{ passes: number; writes: string[] }> {
    const before = await passes();
    counting.writes = [];
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    return { passes: (await passes()) - before, writes: counting.writes };
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
    // About one pass a second: a hot loop would make many more.
    expect(steady.passes).toBeGreaterThanOrEqual(2);
    expect(steady.passes).toBeLessThanOrEqual(WINDOW_MS / 1000 + 2);
    await handle.terminate('test done');
  });

  it('a settled Tenant passes every second and writes nothing', async () => {
    await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${namespace}/tenants/calm`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 'calm', namespace },
      spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 2, persistence: { volumesPerServer: 1 } }] },
    });
    const handle = await client.workflow.start(tenantWorkflow, { workflowId: workflowId('tenant', { namespace, name: 'calm' }), taskQueue: worker.taskQueue, args: [{ namespace, name: 'calm', intervalSeconds: 1 }] });
    await eventually(() => handle.query(tenantStatusQuery), (v) => v.status?.currentState === 'Ready' && v.iterations > 3, 90_000, 'a Ready tenant');
    const steady = await measure(async () => (await handle.query(tenantStatusQuery)).iterations);
    expect(steady.writes).toEqual([]);
    expect(steady.passes).toBeGreaterThanOrEqual(2);
    expect(steady.passes).toBeLessThanOrEqual(WINDOW_MS / 1000 + 2);
    await handle.terminate('test done');
  });
});
