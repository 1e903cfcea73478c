import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { KubeApiError } from '../../kube/rest.js';
import { ROUTE_LABELS_FINALIZER, type ReplicaSetStatus } from '../../domain/replica-set.js';
import { REPLICA_SET_OPT_IN } from '../../domain/replica-set-access.js';
import { connectionString, type PostgresCluster } from '../../stack/index.js';
import { startServer, stopServer } from '../../stack/postgres.js';
import { startReplicaSetTrigger } from '../../worker/resource-triggers.js';
import { checkNowSignal, replicaSetStatusQuery } from '../../workflows/contract.js';
import { postgresReplicasWorkflow } from '../../workflows/postgres-replicas.js';
import { createNamespace, eventually, historyText, kube, listPods, mergePatch, queryUrl, stack, startWorker, temporalClient, workerKube } from './support.js';

interface SetObject {
  metadata: { resourceVersion: string; finalizers?: string[] };
  status?: ReplicaSetStatus;
}

const sql = (url: string, text: string): Promise<unknown[]> => queryUrl(url, text);

describe('PostgresReplicaSet workflow on the local primary and streaming replicas', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let cluster: PostgresCluster;
  let ns: string;
  let stopTrigger: (() => void) | undefined;
  const id = (set = 'db') => `postgres-replicas/${ns}/${set}`;
  const setPath = (set = 'db') => `/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/${set}`;
  const read = (set = 'db') => kube().request<SetObject>('GET', setPath(set));
  const status = async (set = 'db') => (await read(set)).status;
  const routed = async (set = 'db') => (await listPods(ns, `stellar.org/pg-route-${set}=true`)).map((p) => p.metadata.name);
  const view = (set = 'db') => client.workflow.getHandle(id(set)).query(replicaSetStatusQuery);
  const condition = (s: ReplicaSetStatus | undefined, type: string) => s?.conditions.find((c) => c.type === type);
  const events = async (set: string) => (await kube().request<{ items: { type: string; reason: string; message: string }[] }>('GET', `/api/v1/namespaces/${ns}/events`, {
    query: { fieldSelector: `involvedObject.name=${set}` },
  })).items;
  const server = (s: { host: string; port: number }, podName: string) => ({ host: s.host, port: s.port, podName });
  // The test pods carry app=pg; sets that name them select them so (the default would be the opt-in label).
  const podSelector = { matchLabels: { app: 'pg' } };
  const credentials = (name: string, optIn: string) => kube().apply(`/api/v1/namespaces/${ns}/secrets/${name}`, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, annotations: { [REPLICA_SET_OPT_IN]: optIn } }, stringData: { username: cluster.user, password: cluster.password },
  });
  const startSet = (set: string) => client.workflow.signalWithStart(postgresReplicasWorkflow, {
    taskQueue: worker.taskQueue, workflowId: id(set), args: [{ namespace: ns, name: set, intervalSeconds: 1 }], signal: checkNowSignal, signalArgs: [],
  });

  beforeAll(async () => {
    const info = stack().postgres;
    if (!info || info.external) throw new Error('needs the local PostgreSQL cluster');
    cluster = info;
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('pgrs');
    await credentials('pg-credentials', 'db,podsel');
    for (const name of ['primary', 'replica-1', 'replica-2']) {
      // Created as a person or another controller would (POST), not by the Steward field manager.
      await kube().request('POST', `/api/v1/namespaces/${ns}/pods`, { body: {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels: { app: 'pg' } }, spec: { containers: [{ name: 'postgres', image: 'postgres:15' }] },
      } });
    }
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/postgresreplicasets/db`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'db', namespace: ns },
      spec: {
        primary: server(cluster.primary, 'primary'),
        replicas: cluster.replicas.map((r) => server(r, r.name)),
        credentialsSecretRef: { name: 'pg-credentials' }, failureThreshold: 3, maxLagBytes: 64 * 1024, routingService: { name: 'db-read' }, podSelector,
      },
    });
    await client.workflow.start(postgresReplicasWorkflow, { taskQueue: worker.taskQueue, workflowId: id(), args: [{ namespace: ns, name: 'db', intervalSeconds: 1 }] });
    // The worker's own watch of PostgresReplicaSets: every write to the resource (status included) wakes
    // its workflow, as in production, so a pass that writes status would loop at once.
    stopTrigger = startReplicaSetTrigger(workerKube(), client, { taskQueue: worker.taskQueue, namespaces: [ns], log: () => undefined });
  });
  afterAll(async () => {
    stopTrigger?.();
    for (const replica of cluster.replicas) {
      startServer(replica);
      await sql(connectionString(cluster, replica), 'SELECT pg_wal_replay_resume()').catch(() => undefined);
    }
    for (const set of ['db', 'nosecret', 'optin', 'podsel']) await client?.workflow.getHandle(id(set)).terminate().catch(() => undefined);
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

  it('carries the route-labels finalizer', async () => {
    expect((await read()).metadata.finalizers).toContain(ROUTE_LABELS_FINALIZER);
  });

  it('a steady replica set iterates at its interval and writes nothing to the resource', async () => {
    // Settled: two passes in a row that left the resource as it was.
    const snapshot = async () => ({ rv: (await read()).metadata.resourceVersion, iterations: (await view()).iterations });
    let previous = await snapshot();
    await eventually(async () => {
      const next = await snapshot();
      const settled = next.rv === previous.rv && next.iterations >= previous.iterations + 2;
      if (next.rv !== previous.rv || next.iterations >= previous.iterations + 2) previous = next;
      return settled;
    }, (settled) => settled, 60_000, 'two passes without a write');
    const start = { ...(await snapshot()), writes: (await view()).statusWrites ?? 0, at: Date.now() };
    const end = await eventually(snapshot, (s) => s.iterations >= start.iterations + 3, 30_000, 'three more passes');
    const seconds = (Date.now() - start.at) / 1000;
    expect(end.rv).toBe(start.rv);
    expect((await view()).statusWrites ?? 0).toBe(start.writes);
    // At a 1 s interval: no more passes than the seconds elapsed allow (a hot loop makes several a second).
    expect(end.iterations - start.iterations).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
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

  it('a missing Secret shows as Stalled with a Warning Event; the loop goes on and recovers when it appears', async () => {
    await kube().apply(setPath('nosecret'), {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'nosecret', namespace: ns },
      spec: { primary: server(cluster.primary, 'primary'), replicas: cluster.replicas.map((r) => server(r, r.name)), credentialsSecretRef: { name: 'absent' }, podSelector },
    });
    // The watch may have started it already (then this only signals).
    await startSet('nosecret');
    const stalled = await eventually(() => status('nosecret'), (s) => condition(s, 'Stalled')?.status === 'True', 30_000, 'Stalled on nosecret');
    expect(condition(stalled, 'Stalled')).toEqual(expect.objectContaining({ reason: 'SecretMissing', message: expect.stringContaining(`Secret ${ns}/absent does not exist: create it`) }));
    expect(condition(stalled, 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'SecretMissing' }));
    const warnings = await eventually(() => events('nosecret'), (list) => list.some((e) => e.type === 'Warning' && e.reason === 'SecretMissing'), 30_000, 'Warning Event');
    expect(warnings.find((e) => e.reason === 'SecretMissing')?.message).toContain(`Secret ${ns}/absent`);
    const before = (await view('nosecret')).iterations;
    await client.workflow.getHandle(id('nosecret')).signal(checkNowSignal);
    await eventually(() => view('nosecret'), (v) => v.iterations > before, 30_000, 'a further pass while stalled');

    await credentials('absent', 'nosecret');
    await client.workflow.getHandle(id('nosecret')).signal(checkNowSignal);
    const recovered = await eventually(() => status('nosecret'), (s) => condition(s, 'Stalled')?.status === 'False' && s?.healthyReplicas === 2, 30_000, 'nosecret no longer stalled');
    expect(condition(recovered, 'Ready')?.status).toBe('True');
  });

  it('a Secret that does not name the set is not used: Stalled SecretNotOptedIn, no replica checked; the opt-in recovers it', async () => {
    await kube().apply(setPath('optin'), {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'optin', namespace: ns },
      spec: { primary: { host: cluster.primary.host, port: cluster.primary.port }, replicas: cluster.replicas.map((r) => ({ host: r.host, port: r.port })), credentialsSecretRef: { name: 'pg-credentials' } },
    });
    await startSet('optin');
    const stalled = await eventually(() => status('optin'), (s) => condition(s, 'Stalled')?.status === 'True', 30_000, 'Stalled on optin');
    expect(condition(stalled, 'Stalled')).toEqual(expect.objectContaining({
      reason: 'SecretNotOptedIn', message: expect.stringContaining(`Secret ${ns}/pg-credentials does not opt in to this PostgresReplicaSet (annotate it ${REPLICA_SET_OPT_IN}=optin`),
    }));
    expect(condition(stalled, 'Ready')).toEqual(expect.objectContaining({ status: 'False', reason: 'SecretNotOptedIn' }));
    // No check ran: no replica has a reading (a check that connected would have set lastHealthCheck).
    expect(stalled?.replicas.map((r) => [r.reason, r.lastHealthCheck])).toEqual([['Unchecked', undefined], ['Unchecked', undefined]]);
    await eventually(() => events('optin'), (list) => list.some((e) => e.type === 'Warning' && e.reason === 'SecretNotOptedIn'), 30_000, 'Warning Event');

    await credentials('pg-credentials', 'db, podsel, optin');
    await client.workflow.getHandle(id('optin')).signal(checkNowSignal);
    const recovered = await eventually(() => status('optin'), (s) => condition(s, 'Stalled')?.status === 'False' && s?.healthyReplicas === 2, 30_000, 'optin no longer stalled');
    expect(recovered?.replicas.every((r) => r.reason === 'Healthy' && r.lastHealthCheck !== undefined)).toBe(true);
  });

  it('a named pod outside the set\'s pod selector gets no route label: Stalled PodNotSelected until it is labelled', async () => {
    // No spec.podSelector: a pod must carry stellar.org/postgres-replica-set=podsel, and none does yet.
    await kube().apply(setPath('podsel'), {
      apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: 'podsel', namespace: ns },
      spec: { primary: server(cluster.primary, 'primary'), replicas: cluster.replicas.map((r) => server(r, r.name)), credentialsSecretRef: { name: 'pg-credentials' } },
    });
    await startSet('podsel');
    const stalled = await eventually(() => status('podsel'), (s) => condition(s, 'Stalled')?.reason === 'PodNotSelected' && s?.healthyReplicas === 2, 30_000, 'Stalled PodNotSelected');
    const message = condition(stalled, 'Stalled')?.message ?? '';
    for (const pod of ['primary', 'replica-1', 'replica-2']) expect(message).toContain(`Pod ${ns}/${pod} does not match this PostgresReplicaSet's pod selector (it lacks the labels ${REPLICA_SET_OPT_IN}=podsel)`);
    expect(await routed('podsel')).toEqual([]);

    await mergePatch(`/api/v1/namespaces/${ns}/pods/replica-1`, { metadata: { labels: { [REPLICA_SET_OPT_IN]: 'podsel' } } });
    await client.workflow.getHandle(id('podsel')).signal(checkNowSignal);
    await eventually(() => routed('podsel'), (pods) => pods.join() === 'replica-1', 30_000, 'replica-1 routed once it opts in');
    const still = await eventually(() => status('podsel'), (s) => !(condition(s, 'Stalled')?.message ?? '').includes('replica-1'), 30_000, 'replica-1 no longer refused');
    expect(condition(still, 'Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'PodNotSelected', message: expect.stringContaining(`Pod ${ns}/replica-2`) }));

    // Taking the opt-in back takes the route label off.
    await mergePatch(`/api/v1/namespaces/${ns}/pods/replica-1`, { metadata: { labels: { [REPLICA_SET_OPT_IN]: null } } });
    await client.workflow.getHandle(id('podsel')).signal(checkNowSignal);
    await eventually(() => routed('podsel'), (pods) => pods.length === 0, 30_000, 'replica-1 unrouted after the opt-in is removed');
    expect(await routed('db')).toEqual(['replica-1', 'replica-2']);
  });

  it('two sets can route to the same pod: each keeps the other\'s route label', async () => {
    await eventually(() => routed('nosecret'), (pods) => pods.join() === 'replica-1,replica-2', 30_000, 'nosecret routes to both replicas');
    expect(await routed('db')).toEqual(['replica-1', 'replica-2']);
  });

  it('a replica removed from the spec loses its route label at the next pass', async () => {
    await mergePatch(setPath(), { spec: { replicas: [server(cluster.replicas[0] as PostgresCluster['replicas'][number], 'replica-1')] } });
    await client.workflow.getHandle(id()).signal(checkNowSignal);
    await eventually(() => routed(), (pods) => pods.join() === 'replica-1', 30_000, 'replica-2 unlabelled');
    const s = await eventually(() => status(), (v) => v?.replicaCount === 1, 30_000, 'status of one replica');
    expect(s?.routingTo).toEqual([`127.0.0.1:${cluster.replicas[0]?.port}`]);
    expect(await routed('nosecret')).toEqual(['replica-1', 'replica-2']);
    const removed = await eventually(() => events('db'), (list) => list.some((e) => e.reason === 'RouteRemoved'), 30_000, 'RouteRemoved Event');
    expect(removed.find((e) => e.reason === 'RouteRemoved')?.message).toContain('pod replica-2');
  });

  it('deleting a set removes its route labels, releases the finalizer and ends its workflow; other sets keep theirs', async () => {
    expect(await routed()).not.toEqual([]);
    // This run's result, not that of a run the watch might start after it ended.
    const { runId } = await client.workflow.getHandle(id()).describe();
    await kube().request('DELETE', setPath());
    const gone = await eventually(() => read().then(() => false, (error: unknown) => error instanceof KubeApiError && error.status === 404), (g) => g, 30_000, 'db deleted');
    expect(gone).toBe(true);
    expect(await routed()).toEqual([]);
    const result = await client.workflow.getHandle(id(), runId).result();
    expect(result).toEqual(expect.objectContaining({ deleted: true, unlabelled: ['replica-1'] }));
    expect(await routed('nosecret')).toEqual(['replica-1', 'replica-2']);
  });
});
