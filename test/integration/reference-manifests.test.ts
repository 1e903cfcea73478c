// Manifests written for the reference operator (Stellar-K8s) on the real API server and the worker:
// {Custom: passphrase} networks, camelCase strategies, alerting, a byte count as storage.size, and the
// admission refusal of a size that is no quantity. Shards reach the pods as Downward API files.
import { knownQuorumSet } from '../../domain/known-quorum-sets.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import YAML from 'yaml';
import { KubeApiError } from '../../kube/rest.js';
import type { PoolStatus } from '../../domain/pool-status.js';
import { networkSlug as simulatorSlug } from '../../stack/simulator/index.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { createNamespace, eventually, kube, listPods, mergePatch, stack, startWorker, temporalClient, workerKube } from './support.js';

const CUSTOM = 'Steward Compat Network ; November 2026';
const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;

interface PodSpec {
  containers: { env?: { name: string; value?: string }[]; volumeMounts?: { name: string; mountPath: string }[] }[];
  volumes?: { name: string; downwardAPI?: { items: { path: string; fieldRef: { fieldPath: string } }[] } }[];
}

/** The reference operator's ReadOnlyPool form, as its users write it. */
function referencePool(namespace: string, name: string, archive: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: {
      network: { Custom: CUSTOM }, version: 'v21.0.0', minReplicas: 2, maxReplicas: 3, targetReplicas: 2,
      loadBalancing: { enabled: true, freshNodeWeight: 100, laggingNodeWeight: 10, lagThreshold: 50, updateIntervalSeconds: 1 },
      shardBalancing: { enabled: true, shardCount: 4, strategy: 'hashBased', autoRebalance: true },
      historyArchiveUrls: [archive],
      storage: { size: 1073741824, retentionPolicy: 'Delete' },
      alerting: true,
      // A custom network has no well-known quorum set, and stellar-core refuses a config without one: the
      // custom network's validators (here SDF's Testnet three, as data) are the user's to name.
      quorumSet: knownQuorumSet('Testnet'),
      ...extra,
    },
  };
}

async function refusal(apply: Promise<unknown>): Promise<KubeApiError> {
  const error = await apply.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof KubeApiError)) throw new Error(`expected the API server to refuse, got ${String(error)}`);
  return error;
}

describe('reference-operator manifests on the local stack', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let namespace: string;
  let archive: string;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('ref');
    archive = `${stack().simulator?.controlUrl ?? ''}/archive/${simulatorSlug(CUSTOM)}`;
    stopTrigger = startPoolTrigger(workerKube(), client, {
      namespaces: [namespace], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2 }, log: () => undefined,
    });
  });
  afterAll(async () => {
    stopTrigger?.();
    await worker?.stop();
    await client?.connection.close();
  });

  it.each([
    ['ReadOnlyPool', 'readonlypools', { network: 'Testnet', storage: { size: 'a lot' } }],
    ['StellarNode', 'stellarnodes', { nodeType: 'Horizon', network: { Custom: CUSTOM }, storage: { size: 'a lot' } }],
  ])('refuses a %s with storage.size "a lot": 422 naming spec.storage.size', async (kind, plural, spec) => {
    const error = await refusal(kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${namespace}/${plural}/lots`, {
      apiVersion: 'stellar.org/v1alpha1', kind, metadata: { name: 'lots', namespace }, spec,
    }));
    expect(error.status).toBe(422);
    expect(error.apiMessage).toContain('spec.storage.size');
    expect(error.apiMessage).toContain('storage.size must be a positive Kubernetes quantity such as 100Gi, 500G or 1e12');
  });

  it('refuses a network that is neither a name, a passphrase nor {Custom: ...}', async () => {
    const error = await refusal(kube().apply(`${POOLS(namespace)}/moon`, referencePool(namespace, 'moon', 'http://127.0.0.1:9', { network: { Moon: 'x' } })));
    expect(error.status).toBe(422);
    expect(error.apiMessage).toContain('spec.network');
  });

  it('runs a pool written in the reference form: custom passphrase to the pods, HashBased shards as files, alert rules', async () => {
    await kube().apply(`${POOLS(namespace)}/ref`, referencePool(namespace, 'ref', archive));
    // Fresh replicas mean the simulator served the pods the custom passphrase the spec named, and the
    // workflow found that passphrase matching the spec's.
    const pool = await eventually(
      () => kube().request<{ status?: PoolStatus }>('GET', `${POOLS(namespace)}/ref`),
      (p) => p.status?.freshReplicas === 2 && p.status.shardAssignments.length === 4,
      90_000, 'two fresh replicas and four shard assignments',
    );
    expect(pool.status?.shardPlan?.strategy).toBe('HashBased');
    const perReplica = new Map<string, number>();
    for (const a of pool.status?.shardAssignments ?? []) perReplica.set(a.replicaName, (perReplica.get(a.replicaName) ?? 0) + 1);
    expect([...perReplica.values()]).toEqual([2, 2]);

    const statefulSet = await kube().request<{ spec: { template: { spec: PodSpec }; volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } }>(
      'GET', `/apis/apps/v1/namespaces/${namespace}/statefulsets/ref`);
    expect(statefulSet.spec.volumeClaimTemplates[0]?.spec.resources.requests.storage).toBe('1073741824');

    // A pod the StatefulSet controller made carries the Downward API volume, and its annotations hold
    // the shard the status names.
    const pod = await kube().request<{ metadata: { annotations?: Record<string, string> }; spec: PodSpec }>('GET', `/api/v1/namespaces/${namespace}/pods/ref-0`);
    expect(pod.spec.containers[0]?.env).toContainEqual({ name: 'NETWORK_PASSPHRASE', value: CUSTOM });
    const shardVolume = pod.spec.volumes?.find((v) => v.downwardAPI);
    expect(shardVolume?.downwardAPI?.items.map((i) => [i.path, i.fieldRef.fieldPath])).toEqual([
      ['shard-id', "metadata.annotations['stellar.org/shard-id']"],
      ['archive-url', "metadata.annotations['stellar.org/archive-url']"],
      ['ledger-range', "metadata.annotations['stellar.org/ledger-range']"],
    ]);
    expect(pod.spec.containers[0]?.volumeMounts).toContainEqual(expect.objectContaining({ name: shardVolume?.name, mountPath: '/etc/stellar-shard' }));
    const owned = (pool.status?.shardAssignments ?? []).filter((a) => a.replicaName === 'ref-0');
    const annotated = await eventually(() => listPods(namespace, 'statefulset.kubernetes.io/pod-name=ref-0'), (pods) => pods[0]?.metadata.annotations?.['stellar.org/shard-id'] !== undefined, 30_000, 'shard annotations on ref-0');
    expect(annotated[0]?.metadata.annotations?.['stellar.org/shard-id']).toBe(owned.map((a) => a.shardId).join(','));
    expect(annotated[0]?.metadata.annotations?.['stellar.org/archive-url']).toBe(archive);

    const rules = async () => {
      const map = await kube().request<{ data: Record<string, string> }>('GET', `/api/v1/namespaces/${namespace}/configmaps/ref-alerts`);
      return YAML.parse(map.data['rules.yaml'] ?? '') as { groups: { rules: { alert: string }[] }[] };
    };
    expect((await rules()).groups[0]?.rules.map((r) => r.alert)).toEqual(['StellarPoolNoFreshReplica', 'StellarPoolFewFreshReplicas', 'StellarPoolReplicaLagging']);
    await mergePatch(`${POOLS(namespace)}/ref`, { spec: { alerting: false } });
    await eventually(rules, (file) => file.groups.length === 0, 30_000, 'alert rules removed once alerting is off');
  });
});
