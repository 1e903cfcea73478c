import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { workflowId } from '../../domain/names.js';
import type { PoolStatus } from '../../domain/pool-status.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { rebalanceSignal, statusQuery } from '../../workflows/contract.js';
import { archiveUrl, createNamespace, eventually, kube, listPods, mergePatch, setScenario, startWorker, temporalClient, type TestPod, workerKube } from './support.js';

interface Pool {
  status?: PoolStatus;
}

const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;

function poolManifest(namespace: string, name: string, spec: Record<string, unknown>) {
  return {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: {
      network: 'Testnet', minReplicas: 3, maxReplicas: 5, targetReplicas: 3,
      loadBalancing: { lagThreshold: 50, updateIntervalSeconds: 1 },
      shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin' },
      historyArchiveUrls: [archiveUrl('testnet')],
      storage: { size: '1Gi' },
      ...spec,
    },
  };
}

const running = (pods: TestPod[], n: number) => pods.length === n && pods.every((p) => p.status?.phase === 'Running' && p.status.podIP?.startsWith('127.'));

describe('ReadOnlyPool on the local stack (real API server, controllers, KWOK pods, stellar-core simulator)', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let stopFastTrigger: () => void;
  let namespace: string;
  /** A namespace whose pools autoscale on short timings, so that a scale-down runs within the test. */
  let fastNamespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('rop');
    stopTrigger = startPoolTrigger(workerKube(), client, {
      namespaces: [namespace],
      taskQueue: worker.taskQueue,
      inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2, autoscalerTiming: { cooldownMs: 3000, stabilizationMs: 600_000 } },
      log: () => undefined,
    });
    fastNamespace = await createNamespace('rop-fast');
    stopFastTrigger = startPoolTrigger(workerKube(), client, {
      namespaces: [fastNamespace],
      taskQueue: worker.taskQueue,
      inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2, autoscalerTiming: { cooldownMs: 2000, stabilizationMs: 4000 } },
      log: () => undefined,
    });
  });
  afterAll(async () => {
    stopTrigger?.();
    stopFastTrigger?.();
    await worker?.stop();
    await client?.connection.close();
  });

  it('routes away from a lagging replica, annotates shards, scales up when most lag, and reassigns shards to new pods', async () => {
    await kube().apply(`${POOLS(namespace)}/main`, poolManifest(namespace, 'main', {}));
    const selector = 'stellar.org/pool=main';
    await eventually(() => listPods(namespace, selector), (pods) => running(pods, 3), 60_000, '3 running pods with loopback IPs');
    await setScenario(namespace, 'main-2', 'lagging:200');

    const status = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/main`), (p) => p.status?.freshReplicas === 2 && p.status.replicaWeights?.find((w) => w.replicaName === 'main-2')?.reason === 'Lagging', 60_000, '2 fresh / 1 lagging');
    expect(status.status?.replicaWeights?.map((w) => [w.replicaName, w.weight, w.isFresh])).toEqual([['main-0', 100, true], ['main-1', 100, true], ['main-2', 10, false]]);

    const service = await kube().request<{ spec: { selector: Record<string, string> } }>('GET', `/api/v1/namespaces/${namespace}/services/main-read`);
    const selected = await eventually(
      () => listPods(namespace, Object.entries(service.spec.selector).map(([k, v]) => `${k}=${v}`).join(',')),
      (pods) => pods.map((p) => p.metadata.name).join() === 'main-0,main-1', 30_000, 'read Service selecting only the fresh pods',
    );
    expect(selected).toHaveLength(2);
    const pods = await listPods(namespace, selector);
    for (const pod of pods) {
      expect(pod.metadata.annotations).toEqual(expect.objectContaining({ 'stellar.org/shard-id': expect.any(String), 'stellar.org/ledger-range': expect.stringMatching(/^\d+-\d+/) }));
      expect(pod.metadata.annotations?.['stellar.org/archive-url']).toBe(archiveUrl('testnet'));
    }

    await setScenario(namespace, 'main-0', 'lagging:200');
    const scaled = await eventually(() => listPods(namespace, selector), (p) => running(p, 4), 60_000, 'a fourth replica');
    expect(scaled.map((p) => p.metadata.name)).toContain('main-3');
    await eventually(() => listPods(namespace, 'statefulset.kubernetes.io/pod-name=main-3'), (p) => p[0]?.metadata.annotations?.['stellar.org/shard-id'] !== undefined, 30_000, 'shard of the new pod');
    const handle = client.workflow.getHandle(workflowId('readonlypool', { namespace, name: 'main' }));
    await eventually(() => handle.query(statusQuery), (v) => v.replicas === 4, 15_000, 'query with 4 replicas');
  });

  it('keeps shards put with autoRebalance false until a rebalance signal', async () => {
    await kube().apply(`${POOLS(namespace)}/steady`, poolManifest(namespace, 'steady', {
      minReplicas: 2, targetReplicas: 2, shardBalancing: { enabled: true, shardCount: 4, strategy: 'RoundRobin', autoRebalance: false },
    }));
    const selector = 'stellar.org/pool=steady';
    await eventually(() => listPods(namespace, selector), (pods) => running(pods, 2) && pods.every((p) => p.metadata.annotations?.['stellar.org/shard-id']), 60_000, '2 pods with shards');
    await mergePatch(`${POOLS(namespace)}/steady`, { spec: { targetReplicas: 3 } });
    await eventually(() => listPods(namespace, selector), (pods) => running(pods, 3), 60_000, 'third pod');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = await listPods(namespace, 'statefulset.kubernetes.io/pod-name=steady-2');
    expect(before[0]?.metadata.annotations?.['stellar.org/shard-id']).toBeUndefined();

    await client.workflow.getHandle(workflowId('readonlypool', { namespace, name: 'steady' })).signal(rebalanceSignal);
    const owners = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/steady`),
      (p) => new Set(p.status?.shardAssignments?.map((s) => s.replicaName)).has('steady-2'), 30_000, 'a shard on steady-2 after rebalance');
    expect(owners.status?.shardAssignments).toHaveLength(4);
  });

  it('never counts a replica on another network as fresh', async () => {
    await kube().apply(`${POOLS(namespace)}/wrongnet`, poolManifest(namespace, 'wrongnet', { minReplicas: 1, targetReplicas: 1, maxReplicas: 1, shardBalancing: { enabled: false } }));
    await eventually(() => listPods(namespace, 'stellar.org/pool=wrongnet'), (pods) => running(pods, 1), 60_000, 'one pod');
    await setScenario(namespace, 'wrongnet-0', 'wrong-network');
    const pool = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/wrongnet`), (p) => p.status?.replicaWeights?.[0]?.reason === 'WrongNetwork', 30_000, 'WrongNetwork');
    expect(pool.status?.freshReplicas).toBe(0);
    expect(pool.status?.replicaWeights?.[0]).toEqual(expect.objectContaining({ isFresh: false, weight: 0 }));
    const serving = await listPods(namespace, 'stellar.org/pool=wrongnet,stellar.org/serving=true');
    expect(serving).toHaveLength(0);
  });

  it('GatewayAPI mode: an HTTPRoute whose backendRefs carry each replica\'s weight', async () => {
    await kube().apply(`${POOLS(namespace)}/gw`, poolManifest(namespace, 'gw', {
      minReplicas: 2, targetReplicas: 2, maxReplicas: 2, shardBalancing: { enabled: false }, loadBalancing: { mode: 'GatewayAPI', lagThreshold: 50, updateIntervalSeconds: 1 },
    }));
    await eventually(() => listPods(namespace, 'stellar.org/pool=gw'), (pods) => running(pods, 2), 60_000, 'two gw pods');
    await setScenario(namespace, 'gw-1', 'lagging:300');
    type Route = { spec: { rules: { backendRefs: { name: string; port: number; weight: number }[] }[] } };
    const route = await eventually(() => kube().request<Route>('GET', `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/gw-read`),
      (r) => r.spec.rules[0]?.backendRefs.map((b) => b.weight).join() === '100,10', 30_000, 'HTTPRoute weights 100/10');
    expect(route.spec.rules[0]?.backendRefs.map((b) => [b.name, b.port])).toEqual([['gw-0', 11627], ['gw-1', 11627]]);
    // The apply writes the route and the per-replica Services concurrently: the Service may follow the route.
    const service = await eventually(() => kube().getOptional<{ spec: { selector: Record<string, string> } }>(`/api/v1/namespaces/${namespace}/services/gw-1`),
      (s) => s !== undefined, 30_000, 'Service gw-1');
    expect(service?.spec.selector['statefulset.kubernetes.io/pod-name']).toBe('gw-1');

    // A scale-down removes gw-1: its Service goes too, and the route keeps gw-0 only.
    await mergePatch(`${POOLS(namespace)}/gw`, { spec: { minReplicas: 1, targetReplicas: 1 } });
    await eventually(() => kube().getOptional(`/api/v1/namespaces/${namespace}/services/gw-1`), (s) => s === undefined, 60_000, 'Service gw-1 deleted');
    const shrunk = await eventually(() => kube().request<Route>('GET', `/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/gw-read`),
      (r) => r.spec.rules[0]?.backendRefs.length === 1, 30_000, 'HTTPRoute with one backend');
    expect(shrunk.spec.rules[0]?.backendRefs.map((b) => b.name)).toEqual(['gw-0']);
    expect(await kube().getOptional(`/api/v1/namespaces/${namespace}/services/gw-0`)).toBeDefined();

    // Leaving GatewayAPI mode deletes the HTTPRoute and the per-replica Services (owner references only act on deletion).
    await mergePatch(`${POOLS(namespace)}/gw`, { spec: { loadBalancing: { mode: 'Service' } } });
    await eventually(() => kube().getOptional(`/apis/gateway.networking.k8s.io/v1/namespaces/${namespace}/httproutes/gw-read`), (r) => r === undefined, 30_000, 'HTTPRoute gw-read deleted');
    await eventually(() => kube().getOptional(`/api/v1/namespaces/${namespace}/services/gw-0`), (s) => s === undefined, 30_000, 'Service gw-0 deleted');
    expect(await kube().getOptional(`/api/v1/namespaces/${namespace}/services/gw-read`)).toBeDefined();
  });

  it('keeps the live claim template when storage.size changes, reports NeedsRecreation, and still scales', async () => {
    await kube().apply(`${POOLS(namespace)}/claims`, poolManifest(namespace, 'claims', { minReplicas: 1, targetReplicas: 1, maxReplicas: 3, shardBalancing: { enabled: false } }));
    const selector = 'stellar.org/pool=claims';
    await eventually(() => listPods(namespace, selector), (pods) => running(pods, 1), 60_000, 'one claims pod');

    await mergePatch(`${POOLS(namespace)}/claims`, { spec: { storage: { size: '2Gi' } } });
    const stalled = await eventually(() => kube().request<Pool>('GET', `${POOLS(namespace)}/claims`),
      (p) => p.status?.conditions?.find((c) => c.type === 'Stalled')?.reason === 'NeedsRecreation', 30_000, 'Stalled=True NeedsRecreation');
    const condition = stalled.status?.conditions.find((c) => c.type === 'Stalled');
    expect(condition?.status).toBe('True');
    expect(condition?.message).toContain(`StatefulSet ${namespace}/claims`);
    expect(condition?.message).toContain('storage 1Gi -> 2Gi');
    expect(condition?.message).toContain(`kubectl delete statefulset claims -n ${namespace} --cascade=orphan`);

    await mergePatch(`${POOLS(namespace)}/claims`, { spec: { targetReplicas: 2 } });
    await eventually(() => listPods(namespace, selector), (pods) => running(pods, 2), 60_000, 'a second claims pod despite the pending template change');
    type StatefulSet = { spec: { replicas: number; volumeClaimTemplates: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[] } };
    const set = await kube().request<StatefulSet>('GET', `/apis/apps/v1/namespaces/${namespace}/statefulsets/claims`);
    expect(set.spec.replicas).toBe(2);
    expect(set.spec.volumeClaimTemplates.map((t) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', '1Gi']]);
    const after = await kube().request<Pool>('GET', `${POOLS(namespace)}/claims`);
    expect(after.status?.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'NeedsRecreation' }));
    const events = await kube().request<{ items: { type: string; reason: string; message: string }[] }>('GET', `/api/v1/namespaces/${namespace}/events`, { query: { fieldSelector: 'involvedObject.name=claims,involvedObject.kind=ReadOnlyPool' } });
    const warnings = events.items.filter((e) => e.reason === 'NeedsRecreation');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toEqual(expect.objectContaining({ type: 'Warning', message: expect.stringContaining('storage 1Gi -> 2Gi') }));
  });

  it('scales down for real once the lag is gone and the window passed, and then stays down', async () => {
    await kube().apply(`${POOLS(fastNamespace)}/shrink`, poolManifest(fastNamespace, 'shrink', { minReplicas: 2, targetReplicas: 2, maxReplicas: 3, shardBalancing: { enabled: false } }));
    const selector = 'stellar.org/pool=shrink';
    await eventually(() => listPods(fastNamespace, selector), (pods) => running(pods, 2), 60_000, 'two shrink pods');
    await setScenario(fastNamespace, 'shrink-0', 'lagging:200');
    await setScenario(fastNamespace, 'shrink-1', 'lagging:200');
    await eventually(() => listPods(fastNamespace, selector), (pods) => running(pods, 3), 60_000, 'a third replica while both lag');

    await setScenario(fastNamespace, 'shrink-0', 'synced');
    await setScenario(fastNamespace, 'shrink-1', 'synced');
    const statefulSet = `/apis/apps/v1/namespaces/${fastNamespace}/statefulsets/shrink`;
    await eventually(() => kube().request<{ spec: { replicas: number } }>('GET', statefulSet), (s) => s.spec.replicas === 2, 60_000, 'StatefulSet scaled back to 2');
    await eventually(() => listPods(fastNamespace, selector), (pods) => pods.length === 2, 60_000, 'the third pod removed');

    // Many more iterations, each past the short window and cooldown: no flapping back up.
    const handle = client.workflow.getHandle(workflowId('readonlypool', { namespace: fastNamespace, name: 'shrink' }));
    const { iterations } = await handle.query(statusQuery);
    await eventually(() => handle.query(statusQuery), (v) => v.iterations >= iterations + 10, 60_000, '10 more iterations');
    expect((await kube().request<{ spec: { replicas: number } }>('GET', statefulSet)).spec.replicas).toBe(2);
    const events = await kube().request<{ items: { reason: string; message: string }[] }>('GET', `/api/v1/namespaces/${fastNamespace}/events`, { query: { fieldSelector: 'involvedObject.name=shrink,involvedObject.kind=ReadOnlyPool' } });
    const scaling = events.items.filter((e) => e.reason === 'ScaledUp' || e.reason === 'ScaledDown').map((e) => `${e.reason}: ${e.message}`);
    expect(scaling.sort()).toEqual(['ScaledDown: replicas 3 -> 2', 'ScaledUp: replicas 2 -> 3']);
    const pool = await kube().request<Pool>('GET', `${POOLS(fastNamespace)}/shrink`);
    expect(pool.status?.autoscaler).toEqual(expect.objectContaining({ specTarget: 2, lastScaleTime: expect.any(String), healthySince: expect.any(String) }));
  });

  it.each([
    [{ minReplicas: 5, maxReplicas: 3, targetReplicas: 4 }, 'maxReplicas must be greater than or equal to minReplicas'],
    [{ targetReplicas: 9 }, 'targetReplicas must lie between minReplicas and maxReplicas'],
    [{ minReplicas: 0 }, 'spec.minReplicas'],
    [{ network: 'Moonnet' }, 'spec.network in body should match'],
    [{ storage: { size: 'a lot' } }, 'storage.size must be a positive Kubernetes quantity'],
    [{ historyArchiveUrls: [] }, 'historyArchiveUrls is required when shardBalancing is enabled'],
    [{ shardBalancing: { enabled: false, shardCount: 0 } }, 'spec.shardBalancing.shardCount'],
    [{ shardBalancing: { enabled: true, strategy: 'Random' } }, 'spec.shardBalancing.strategy'],
    [{ loadBalancing: { laggingNodeWeight: -1 } }, 'spec.loadBalancing.laggingNodeWeight'],
    [{ loadBalancing: { parentRefs: [{ sectionName: 'http' }] } }, 'spec.loadBalancing.parentRefs[0].name'],
    [{ loadBalancing: { parentRefs: [{ name: 'public', port: 0 }] } }, 'spec.loadBalancing.parentRefs[0].port'],
  ])('refuses %j at admission', async (spec, message) => {
    const apply = kube().apply(`${POOLS(namespace)}/invalid`, poolManifest(namespace, 'invalid', spec));
    await expect(apply).rejects.toThrow(message);
  });

  it('ends the workflow when the pool is deleted, and its objects are garbage-collected', async () => {
    const handle = client.workflow.getHandle(workflowId('readonlypool', { namespace, name: 'wrongnet' }));
    await kube().delete(`${POOLS(namespace)}/wrongnet`);
    const result = await handle.result();
    expect(result.deleted).toBe(true);
    await eventually(() => kube().getOptional(`/apis/apps/v1/namespaces/${namespace}/statefulsets/wrongnet`), (s) => s === undefined, 60_000, 'StatefulSet garbage-collected');
    await eventually(() => kube().getOptional(`/api/v1/namespaces/${namespace}/configmaps/wrongnet-config`), (c) => c === undefined, 60_000, 'ConfigMap garbage-collected');
  });
});
