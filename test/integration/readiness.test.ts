import { describe, expect, it } from '@jest/globals';
import { objectPath } from '../../kube/paths.js';
import { HTTP_PORT } from '../../domain/stellar-core-config.js';
import { SERVING_LABEL } from '../../domain/pool-names.js';
import { poolConfigMap, poolHeadlessService, poolNetworkPolicy, poolReadService, poolStatefulSet, type KubeObject } from '../../domain/pool-objects.js';
import { withDefaults } from '../../domain/pool-spec.js';
import { HTTP_QUERY_PORT } from '../../domain/query-server.js';
import { validatorObjects } from '../../domain/validator-objects.js';
import { createNamespace, eventually, kube, mergePatch, setScenario } from './support.js';

// Ports and readiness on the real stack, with NO worker running: the pool's and a validator's objects as the
// workflows would apply them, the simulator playing the kubelet's prober. A pod that falls out of sync leaves
// the read Service's ready endpoints although its serving label stays (nobody is there to remove it).

interface Pod {
  metadata: { name: string; labels: Record<string, string>; deletionTimestamp?: string };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}
interface Selected {
  spec: { selector?: Record<string, string>; podSelector?: { matchLabels: Record<string, string> }; ports?: { port: number; targetPort: number }[] };
}

const selectorText = (labels: Record<string, string>): string => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
const isReady = (pod: Pod): boolean => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

async function pods(ns: string, labels: Record<string, string>): Promise<Pod[]> {
  const list = await kube().request<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: selectorText(labels) } });
  return list.items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/**
 * The ready endpoints of a Service as the EndpointSlice controller computes them: the pods its stored
 * selector matches that are not terminating and whose Ready condition is True (podutil.IsPodReady). The
 * API server refuses loopback addresses in EndpointSlices (ValidateEndpointIP in
 * pkg/apis/discovery/validation), so with KWOK's 127.x pod IPs the slice itself cannot be written here.
 */
async function readyEndpoints(ns: string, service: string): Promise<string[]> {
  const stored = await kube().request<Selected>('GET', `/api/v1/namespaces/${ns}/services/${service}`);
  const selected = await pods(ns, stored.spec.selector ?? {});
  return selected.filter((p) => !p.metadata.deletionTimestamp && p.status?.podIP && isReady(p)).map((p) => p.metadata.name);
}

async function applyAll(objects: KubeObject[]): Promise<void> {
  for (const object of objects) await kube().apply(objectPath(object), object);
}

describe('readiness, query port and NetworkPolicy without a worker', () => {
  it('a pod made to lag leaves the read Service endpoints and returns once synced; reads go to the query port', async () => {
    const ns = await createNamespace('ready');
    const pool = await kube().apply<{ metadata: { uid: string } }>(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/pool`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'pool', namespace: ns },
      spec: { network: 'Testnet', minReplicas: 2, maxReplicas: 2, targetReplicas: 2 },
    });
    const owner = { namespace: ns, name: 'pool', uid: pool.metadata.uid };
    const spec = withDefaults({ network: 'Testnet', minReplicas: 2, maxReplicas: 2, targetReplicas: 2 });
    const policy = poolNetworkPolicy(owner);
    await applyAll([poolConfigMap(owner, spec), poolHeadlessService(owner), poolReadService(owner), policy, poolStatefulSet(owner, spec, 2)]);
    const selector = { 'app.kubernetes.io/name': 'stellar-core', 'stellar.org/pool': 'pool' };

    // The prober (the simulator) makes both pods Ready; then they get the serving label, as the worker last left it.
    await eventually(() => pods(ns, selector), (p) => p.length === 2 && p.every(isReady), 90_000, 'two Ready pool pods');
    for (const name of ['pool-0', 'pool-1']) await mergePatch(`/api/v1/namespaces/${ns}/pods/${name}`, { metadata: { labels: { [SERVING_LABEL]: 'true' } } });
    expect(await eventually(() => readyEndpoints(ns, 'pool-read'), (e) => e.length === 2, 30_000, 'both endpoints')).toEqual(['pool-0', 'pool-1']);

    // The read Service and the pod's query server: POST getledgerentry on the query port answers at the node's ledger.
    const stored = await kube().request<Selected>('GET', `/api/v1/namespaces/${ns}/services/pool-read`);
    expect(stored.spec.ports?.map((p) => p.targetPort)).toEqual([HTTP_QUERY_PORT]);
    const [pod0] = await pods(ns, { ...selector, 'statefulset.kubernetes.io/pod-name': 'pool-0' });
    const key = Buffer.concat([Buffer.alloc(8), Buffer.alloc(32, 1)]).toString('base64');
    const query = await fetch(`http://${pod0?.status?.podIP}:${HTTP_QUERY_PORT}/getledgerentry`, { method: 'POST', body: `key=${encodeURIComponent(key)}` });
    expect(query.status).toBe(200);
    expect(await query.json()).toEqual({ entries: [{ state: 'not-found' }], ledgerSeq: expect.any(Number) });

    // pool-1 falls behind (stellar-core reports "Catching up"): it leaves the endpoints with its serving label unchanged.
    await setScenario(ns, 'pool-1', 'catching-up');
    expect(await eventually(() => readyEndpoints(ns, 'pool-read'), (e) => e.length === 1, 60_000, 'pool-1 out of the endpoints')).toEqual(['pool-0']);
    const [lagging] = await pods(ns, { ...selector, 'statefulset.kubernetes.io/pod-name': 'pool-1' });
    expect(lagging?.metadata.labels[SERVING_LABEL]).toBe('true');

    await setScenario(ns, 'pool-1', 'synced');
    expect(await eventually(() => readyEndpoints(ns, 'pool-read'), (e) => e.length === 2, 60_000, 'pool-1 back in the endpoints')).toEqual(['pool-0', 'pool-1']);
  }, 240_000);

  it('stores NetworkPolicies that select exactly their pods and keep the admin port to the worker', async () => {
    const ns = await createNamespace('netpol');
    const node = await kube().apply<{ metadata: { uid: string } }>(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v1`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name: 'v1', namespace: ns },
      spec: { nodeType: 'Validator', network: 'Testnet', version: 'latest', validatorConfig: { seedSecretRef: { name: 'seeds' } } },
    });
    const validator = validatorObjects({
      namespace: ns, name: 'v1', uid: node.metadata.uid, network: 'Testnet', version: 'latest', suspended: false,
      seedSecret: { name: 'seeds', key: 'v1' }, storageSize: '1Gi', historyArchiveUrls: [], homeDomain: `${ns}.stellar-steward.local`, enableHistoryArchive: false,
    }, []);
    const pool = await kube().apply<{ metadata: { uid: string } }>(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/p`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'p', namespace: ns }, spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1 },
    });
    const owner = { namespace: ns, name: 'p', uid: pool.metadata.uid };
    const spec = withDefaults({ network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1 });
    await applyAll([...validator, poolConfigMap(owner, spec), poolNetworkPolicy(owner), poolStatefulSet(owner, spec, 1)]);
    await eventually(() => pods(ns, { 'app.kubernetes.io/name': 'stellar-core' }), (p) => p.length === 2, 60_000, 'both pods');

    for (const [policyName, expected] of [['p-admin', ['p-0']], ['v1-admin', ['v1-0']]] as const) {
      const stored = await kube().request<Selected & { spec: { ingress: { from?: unknown[]; ports: { port: number }[] }[] } }>('GET', `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies/${policyName}`);
      const selected = await pods(ns, stored.spec.podSelector?.matchLabels ?? {});
      expect(selected.map((p) => p.metadata.name)).toEqual(expected);
      const admin = stored.spec.ingress.filter((rule) => rule.ports.some((p) => p.port === HTTP_PORT));
      expect(admin).toEqual([{
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'stellar-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'stellar-steward' } } }],
        ports: [{ protocol: 'TCP', port: HTTP_PORT }],
      }]);
      expect(stored.spec.ingress.filter((rule) => rule.from === undefined).flatMap((r) => r.ports.map((p) => p.port))).toEqual(policyName === 'p-admin' ? [11625, HTTP_QUERY_PORT] : [11625]);
    }
  }, 120_000);
});
