import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { REPLICA_SET_OPT_IN } from '../../domain/replica-set-access.js';
import { HEALTH_KEY, healthConfigMapName, parsePublishedHealth } from '../../domain/replica-set-health.js';
import { ReadReplicaRouter } from '../../router/index.js';
import { connectionString, type PostgresCluster } from '../../stack/index.js';
import { startServer, stopServer } from '../../stack/postgres.js';
import { startReplicaSetTrigger } from '../../worker/resource-triggers.js';
import { replicaSetStatusQuery } from '../../workflows/contract.js';
import { postgresReplicasWorkflow } from '../../workflows/postgres-replicas.js';
import { createNamespace, eventually, kube, listPods, queryUrl, stack, startWorker, temporalClient, workerKube } from './support.js';

// One health truth (#14 item 4): the workflow publishes the health it decided in the ConfigMap <set>-health,
// and a router given that file (DB_HEALTH_FILE) routes as the routing Service does. KWOK runs no kubelet
// that mounts volumes, so the test copies the ConfigMap's key into a file as the kubelet would (atomic swap).

interface ConfigMap {
  metadata: { resourceVersion: string; ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
  data?: Record<string, string>;
}

const sql = (url: string, text: string): Promise<unknown[]> => queryUrl(url, text);

describe('the router follows the health a PostgresReplicaSet publishes', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let cluster: PostgresCluster;
  let ns: string;
  let router: ReadReplicaRouter;
  let stopTrigger: (() => void) | undefined;
  let mount: NodeJS.Timeout | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-health-'));
  const file = path.join(dir, HEALTH_KEY);
  const set = 'agree';
  const mapPath = () => `/api/v1/namespaces/${ns}/configmaps/${healthConfigMapName(set)}`;
  const readMap = () => kube().request<ConfigMap>('GET', mapPath());
  // Pod name of each server, as the routing Service sees it.
  const podOf = (server: string): string => (server === `${cluster.primary.host}:${cluster.primary.port}` ? 'primary' : cluster.replicas.find((r) => `${r.host}:${r.port}` === server)?.name ?? server);
  const serviceRoutes = async () => (await listPods(ns, `stellar.org/pg-route-${set}=true`)).map((p) => p.metadata.name).join();
  const routerRoutes = async () => {
    const healthy = (await router.checkHealthNow()).filter((r) => r.healthy).map((r) => podOf(`${r.host}:${r.port}`));
    return (healthy.length > 0 ? healthy : ['primary']).join();
  };
  /** Waits until the routing Service and the router both route to `pods`. */
  const agreeOn = (pods: string, what: string) => eventually(async () => [await serviceRoutes(), await routerRoutes()], ([s, r]) => s === pods && r === pods, 45_000, what);

  beforeAll(async () => {
    const info = stack().postgres;
    if (!info || info.external) throw new Error('needs the local PostgreSQL cluster');
    cluster = info;
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('pghealth');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/pg`, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace: ns, annotations: { [REPLICA_SET_OPT_IN]: set } }, stringData: { username: cluster.user, password: cluster.password },
    });
    for (const name of ['primary', ...cluster.replicas.map((r) => r.name)]) {
      await kube().request('POST', `/api/v1/namespaces/${ns}/pods`, { body: {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { [REPLICA_SET_OPT_IN]: set } }, spec: { containers: [{ name: 'postgres', image: 'postgres:15' }] },
      } });
    }
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/${set}`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: set, namespace: ns },
      spec: {
        primary: { host: cluster.primary.host, port: cluster.primary.port, podName: 'primary' },
        replicas: cluster.replicas.map((r) => ({ host: r.host, port: r.port, podName: r.name })),
        credentialsSecretRef: { name: 'pg' }, failureThreshold: 2, maxLagBytes: 64 * 1024, routingService: { name: 'db-read' },
      },
    });
    await client.workflow.start(postgresReplicasWorkflow, { taskQueue: worker.taskQueue, workflowId: `postgres-replicas/${ns}/${set}`, args: [{ namespace: ns, name: set, intervalSeconds: 1 }] });
    stopTrigger = startReplicaSetTrigger(workerKube(), client, { taskQueue: worker.taskQueue, namespaces: [ns], log: () => undefined });
    // The kubelet's part: the ConfigMap's key, swapped into the mounted file atomically.
    mount = setInterval(() => {
      void readMap().then((map) => {
        const text = map.data?.[HEALTH_KEY];
        if (text === undefined) return;
        fs.writeFileSync(`${file}.tmp`, text);
        fs.renameSync(`${file}.tmp`, file);
      }, () => undefined);
    }, 250);
    // No lag bound and no checks of its own: every verdict the router has comes from the file.
    router = new ReadReplicaRouter({
      primary: { host: cluster.primary.host, port: cluster.primary.port, database: 'postgres', user: cluster.user, password: cluster.password },
      replicas: cluster.replicas.map((r) => ({ host: r.host, port: r.port })),
      healthFile: file, healthFileIntervalMs: 200, assumeHealthyAtStart: false,
    });
  });
  afterAll(async () => {
    clearInterval(mount);
    stopTrigger?.();
    await router?.close();
    for (const replica of cluster.replicas) {
      startServer(replica);
      await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
    await client?.workflow.getHandle(`postgres-replicas/${ns}/${set}`).terminate().catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('publishes its health in a ConfigMap it owns, and the router and the routing Service agree on both replicas', async () => {
    await agreeOn('replica-1,replica-2', 'both replicas routed');
    const map = await readMap();
    const { uid } = (await kube().request<{ metadata: { uid: string } }>('GET', `/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/${set}`)).metadata;
    expect(map.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'PostgresReplicaSet', name: set, uid, controller: true })]);
    expect(parsePublishedHealth(map.data?.[HEALTH_KEY] ?? '')).toEqual({
      replicaSet: `${ns}/${set}`, routingTo: cluster.replicas.map((r) => `${r.host}:${r.port}`),
      replicas: cluster.replicas.map((r) => ({ server: `${r.host}:${r.port}`, healthy: true, reason: 'Healthy' })),
    });
    expect(router.getReplicaStatus().map((r) => r.message)).toEqual(cluster.replicas.map(() => `Healthy, as published by PostgresReplicaSet ${ns}/${set}`));
  });

  it('writes the ConfigMap only on change: steady passes leave it as it is', async () => {
    const before = (await readMap()).metadata.resourceVersion;
    const handle = client.workflow.getHandle(`postgres-replicas/${ns}/${set}`);
    const start = (await handle.query(replicaSetStatusQuery)).iterations;
    await eventually(() => handle.query(replicaSetStatusQuery), (v) => v.iterations >= start + 3, 30_000, 'three more passes');
    expect((await readMap()).metadata.resourceVersion).toBe(before);
  });

  it('agree after a replica stops, and after it returns', async () => {
    const replica = cluster.replicas[1] as PostgresCluster['replicas'][number];
    stopServer(replica);
    await agreeOn('replica-1', 'replica-2 out of both');
    expect(router.getReplicaStatus()[1]).toEqual(expect.objectContaining({ healthy: false, reason: 'Unreachable' }));
    // Reads still succeed: they go to replica-1.
    expect((await router.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    startServer(replica);
    await agreeOn('replica-1,replica-2', 'replica-2 back in both');
  });

  it('agree after a replica\'s lag grows past the bound (replay paused), and after it catches up', async () => {
    const replica = cluster.replicas[0] as PostgresCluster['replicas'][number];
    await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_pause()');
    await sql(connectionString(cluster, cluster.primary), 'CREATE TABLE IF NOT EXISTS health_lag AS SELECT g, repeat(\'x\', 200) AS pad FROM generate_series(1, 2000) g');
    await sql(connectionString(cluster, cluster.primary), 'INSERT INTO health_lag SELECT g, repeat(\'y\', 200) FROM generate_series(1, 2000) g');
    await agreeOn('replica-2', 'replica-1 out of both while it lags');
    // The router sets no lag bound of its own: this verdict is the workflow's.
    expect(router.getReplicaStatus()[0]).toEqual(expect.objectContaining({ healthy: false, reason: 'LagBytes' }));
    await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_resume()');
    await agreeOn('replica-1,replica-2', 'replica-1 back in both');
  });
});
