import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { TenantStatus } from '../../domain/tenant-decision.js';
import { startTenantTrigger } from '../../worker/resource-triggers.js';
import { tenantStatusQuery } from '../../workflows/contract.js';
import { createNamespace, eventually, kube, mergePatch, startWorker, temporalClient, workerKube } from './support.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('the watch triggers against the local API server', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let ns: string;
  const path = () => `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/quiet`;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('triggers');
    // A timer of an hour: every iteration after the first comes from a watch.
    stopTrigger = startTenantTrigger(workerKube(), client, { namespaces: [ns], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 3600 }, log: () => undefined });
    await kube().apply(path(), { apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 'quiet', namespace: ns }, spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] } });
  });
  afterAll(async () => {
    stopTrigger?.();
    await client?.workflow.getHandle(`tenant/${ns}/quiet`).terminate().catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
  });

  it('a status-only write to the resource wakes nobody; a label change does', async () => {
    const iterations = async () => (await client.workflow.getHandle(`tenant/${ns}/quiet`).query(tenantStatusQuery)).iterations;
    await eventually(async () => (await kube().request<{ status?: TenantStatus }>('GET', path())).status?.currentState, (s) => s === 'Ready', 60_000, 'the tenant Ready');
    // Settle: pods and StatefulSet stop changing, and with them the wake-ups.
    let settled = await iterations();
    for (let i = 0; i < 20; i += 1) {
      await sleep(2000);
      const now = await iterations();
      if (now === settled) break;
      settled = now;
    }
    await mergePatch(`${path()}/status`, { status: { availableReplicas: 99 } });
    await sleep(1000);
    await mergePatch(path(), { metadata: { labels: { touched: 'yes' } } });
    await eventually(iterations, (n) => n > settled, 30_000, 'the label change waking the tenant');
    // Had the status write woken it too, there would be two more iterations, not one.
    await sleep(2000);
    expect(await iterations()).toBe(settled + 1);
    // That iteration rewrote the status it owns (its own status write woke nobody either).
    expect((await kube().request<{ status?: TenantStatus }>('GET', path())).status?.availableReplicas).toBe(1);
  });
});
