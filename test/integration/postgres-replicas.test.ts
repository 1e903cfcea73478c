import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import pg from 'pg';
import type { ReplicaSetStatus } from '../../domain/replica-set.js';
import { connectionString, type PostgresCluster } from '../../stack/index.js';
import { startServer, stopServer } from '../../stack/postgres.js';
import { checkNowSignal } from '../../workflows/contract.js';
import { postgresReplicasWorkflow } from '../../workflows/postgres-replicas.js';
import { createNamespace, eventually, historyText, kube, listPods, stack, startWorker, temporalClient } from './support.js';

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

describe('PostgresReplicaSet workflow on the local primary and streaming replicas', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let cluster: PostgresCluster;
  let ns: string;
  const id = () => `postgres-replicas/${ns}/db`;
  const status = async () => (await kube().request<{ status?: ReplicaSetStatus }>('GET', `/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/db`)).status;
  const routed = async () => (await listPods(ns, 'stellar.org/pg-route-db=true')).map((p) => p.metadata.name);

  beforeAll(async () => {
    const info = stack().postgres;
    if (!info || info.external) throw new Error('needs the local PostgreSQL cluster');
    cluster = info;
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('pgrs');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/pg-credentials`, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg-credentials', namespace: ns }, stringData: { username: cluster.user, password: cluster.password },
    });
    for (const name of ['primary', 'replica-1', 'replica-2']) {
      // Created as a person or another controller would (POST), not by the Steward field manager.
      await kube().request('POST', `/api/v1/namespaces/${ns}/pods`, { body: {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'pg' } }, spec: { containers: [{ name: 'postgres', image: 'postgres:15' }] },
      } });
    }
    const server = (s: { host: string; port: number }, podName: string) => ({ host: s.host, port: s.port, podName });
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/db`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'db', namespace: ns },
      spec: {
        primary: server(cluster.primary, 'primary'),
        replicas: cluster.replicas.map((r) => server(r, r.name)),
        credentialsSecretRef: { name: 'pg-credentials' }, failureThreshold: 3, maxLagBytes: 64 * 1024, routingService: { name: 'db-read' },
      },
    });
    await client.workflow.start(postgresReplicasWorkflow, { taskQueue: worker.taskQueue, workflowId: id(), args: [{ namespace: ns, name: 'db', intervalSeconds: 1 }] });
  });
  afterAll(async () => {
    for (const replica of cluster.replicas) {
      startServer(replica);
      await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
    await client?.workflow.getHandle(id()).terminate().catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
  });

  it('publishes both healthy replicas in status and through the routing Service', async () => {
    const s = await eventually(status, (v) => v?.healthyReplicas === 2 && v.replicas.every((r) => r.streaming === true), 60_000, 'two healthy replicas');
    expect(s?.routingTo).toEqual(cluster.replicas.map((r) => `127.0.0.1:${r.port}`));
    await eventually(routed, (pods) => pods.join() === 'replica-1,replica-2', 30_000, 'routing Service selects the replicas');
    const service = await kube().request<{ spec: { selector: Record<string, string> } }>('GET', `/api/v1/namespaces/${ns}/services/db-read`);
    expect(service.spec.selector).toEqual({ 'stellar.org/pg-route-db': 'true' });
  });

  it('a paused replay is detected as lag: the replica leaves status, routing and returns after resume', async () => {
    const replica = cluster.replicas[0] as PostgresCluster['replicas'][number];
    await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_pause()');
    await sql(connectionString(cluster, cluster.primary), 'CREATE TABLE IF NOT EXISTS lag_probe AS SELECT g, repeat(\'x\', 200) AS pad FROM generate_series(1, 2000) g');
    await sql(connectionString(cluster, cluster.primary), 'INSERT INTO lag_probe SELECT g, repeat(\'y\', 200) FROM generate_series(1, 2000) g');
    const lagging = await eventually(status, (v) => v?.replicas[0]?.reason === 'LagBytes', 30_000, 'LagBytes on replica-1');
    expect(lagging?.replicas[0]).toEqual(expect.objectContaining({ healthy: false, streaming: true }));
    await eventually(routed, (pods) => pods.join() === 'replica-2', 30_000, 'routing without replica-1');
    await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_resume()');
    await client.workflow.getHandle(id()).signal(checkNowSignal);
    await eventually(routed, (pods) => pods.join() === 'replica-1,replica-2', 30_000, 'replica-1 back in routing');
  });

  it('a stopped replica is ejected after the failure threshold and readmitted after restart', async () => {
    const replica = cluster.replicas[1] as PostgresCluster['replicas'][number];
    stopServer(replica);
    const down = await eventually(status, (v) => v?.replicas[1]?.healthy === false, 30_000, 'replica-2 unhealthy');
    expect(down?.replicas[1]?.failureCount).toBeGreaterThanOrEqual(3);
    expect(down?.replicas[1]?.reason).toBe('Unreachable');
    await eventually(routed, (pods) => pods.join() === 'replica-1', 30_000, 'routing without replica-2');
    startServer(replica);
    await eventually(status, (v) => v?.replicas[1]?.healthy === true, 30_000, 'replica-2 healthy again');
    await eventually(routed, (pods) => pods.join() === 'replica-1,replica-2', 30_000, 'replica-2 back in routing');
  });

  it('no password ever appears in the workflow history', async () => {
    const history = await historyText(client, id());
    expect(history).toContain('pg-credentials');
    expect(history).not.toContain(cluster.password);
  });
});
