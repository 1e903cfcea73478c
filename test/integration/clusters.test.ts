import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultTaskQueue, workflowId } from '../../domain/names.js';
import { installRuntime } from '../../worker/runtime.js';
import { startWorkerService, type WorkerService } from '../../worker/service.js';
import { tenantStatusQuery } from '../../workflows/contract.js';
import { createNamespace, eventually, kube, stack, temporalClient, workerKube } from './support.js';
import { CLUSTER_SCOPE } from '../../kube/namespace-scope.js';

describe('two clusters (STEWARD_CLUSTER) sharing one Temporal namespace', () => {
  const suffix = crypto.randomBytes(3).toString('hex');
  const clusters = [`east-${suffix}`, `west-${suffix}`];
  let client: Client;
  let services: WorkerService[] = [];
  let ns: string;

  beforeAll(async () => {
    installRuntime({ level: 'WARN' });
    client = await temporalClient();
    ns = await createNamespace('clusters');
    const { address, namespace } = stack().temporal;
    // Both "clusters" are the suite's one API server and watch the same namespace: the same resource
    // is seen by both, as a Tenant of the same name would be in two real clusters.
    services = await Promise.all(clusters.map((cluster) => startWorkerService({
      settings: { address, namespace, connection: { address } }, kube: workerKube(), cluster, taskQueue: defaultTaskQueue(cluster), scope: { ...CLUSTER_SCOPE, namespaces: [ns] },
      inputDefaults: { tenant: { intervalSeconds: 2 } }, log: () => undefined,
    })));
    await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: ns }, spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
    });
  });
  afterAll(async () => {
    for (const service of services) await service.stop();
    for (const cluster of clusters) await client?.workflow.getHandle(workflowId('tenant', { namespace: ns, name: 't' }, cluster)).terminate().catch(() => undefined);
    await client?.connection.close();
  });

  it('each cluster runs its own workflow of the same resource, on its own task queue, findable by StewardCluster', async () => {
    for (const cluster of clusters) {
      const id = workflowId('tenant', { namespace: ns, name: 't' }, cluster);
      expect(id).toBe(`${cluster}/tenant/${ns}/t`);
      // A query is answered only by a worker polling the workflow's task queue: each cluster's worker runs its own.
      const view = await eventually(() => client.workflow.getHandle(id).query(tenantStatusQuery), (v) => v.iterations > 0, 60_000, `${id} iterating`);
      expect(view).toEqual(expect.objectContaining({ namespace: ns, name: 't' }));
      const described = await client.workflow.getHandle(id).describe();
      expect(described.status.name).toBe('RUNNING');
      expect(described.taskQueue).toBe(`stellar-steward-${cluster}`);
      const found = await eventually(async () => {
        const ids: string[] = [];
        for await (const w of client.workflow.list({ query: `StewardCluster = '${cluster}' AND StewardNamespace = '${ns}'` })) ids.push(w.workflowId);
        return ids;
      }, (ids) => ids.length > 0, 15_000, `workflows of cluster ${cluster} in visibility`);
      expect(found).toEqual([id]);
    }
    // Nothing was started under the id without a cluster, which both would have shared before.
    await expect(client.workflow.getHandle(workflowId('tenant', { namespace: ns, name: 't' })).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
  });
});
