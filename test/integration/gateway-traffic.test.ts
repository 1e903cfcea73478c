import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { PoolStatus } from '../../domain/pool-status.js';
import type { GatewayEndpoint } from '../../stack/index.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, kube, listPods, mergePatch, setScenario, stack, startWorker, temporalClient, workerKube } from './support.js';

// Weighted traffic through a real Gateway API implementation: Traefik (the stack's gateway part) reads the
// pool's HTTPRoute and splits requests over the per-replica Services by the route's weights. Each answer
// names its node (`info.quorum.node` of stellar-core's /info), so the split is measured per replica.

const GATEWAYS = (ns: string) => `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/gateways`;
const ROUTES = (ns: string) => `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes`;
const POOLS = (ns: string) => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools`;
const GATEWAY_CLASS = 'steward-traefik';
const REQUESTS = 2000;
const CONCURRENCY = 8;
/** The largest distance allowed between a measured share and the route's weight share, in percentage points. */
const TOLERANCE_POINTS = 5;

interface Route {
  spec: { parentRefs?: { name: string }[]; rules: { backendRefs: { name: string; port: number; weight: number }[] }[] };
  status?: { parents?: { parentRef: { name: string }; conditions?: { type: string; status: string }[] }[] };
}

interface Info {
  info?: { quorum?: { node?: string } };
}

function gateway(): GatewayEndpoint {
  const endpoint = stack().gateway;
  if (!endpoint) throw new Error("the suite stack has no gateway part: start it with the default parts, or add 'gateway' to STEWARD_TEST_PARTS");
  return endpoint;
}

/** The node id in a stellar-core /info answer, or undefined when the answer has none. */
async function nodeOf(response: Response): Promise<string | undefined> {
  const body = (await response.json()) as Info;
  return body.info?.quorum?.node;
}

/** Sends `count` GETs of `path` through the gateway, `CONCURRENCY` at a time; returns each answering node id (or `HTTP <status>`). */
async function sendThroughGateway(path: string, count: number): Promise<string[]> {
  const answers: string[] = [];
  let sent = 0;
  const lane = async (): Promise<void> => {
    while (sent < count) {
      sent += 1;
      const response = await fetch(`${gateway().url}${path}`, { signal: AbortSignal.timeout(10_000) });
      answers.push(response.ok ? ((await nodeOf(response)) ?? 'no node id') : `HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
}

describe('weighted traffic through a real Gateway (Traefik on the local stack)', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let namespace: string;

  beforeAll(async () => {
    gateway();
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('gw');
    stopTrigger = startPoolTrigger(workerKube(), client, {
      namespace,
      taskQueue: worker.taskQueue,
      inputDefaults: { intervalSeconds: 1, ledgerRefreshSeconds: 2, autoscalerTiming: { cooldownMs: 3000, stabilizationMs: 600_000 } },
      log: () => undefined,
    });
  });
  afterAll(async () => {
    stopTrigger?.();
    await worker?.stop();
    await client?.connection.close();
  });

  it(`splits ${REQUESTS} requests between fresh and lagging replicas as the route weighs them, and stops once the route is deleted`, async () => {
    await kube().apply(`/apis/gateway.networking.k8s.io/v1/gatewayclasses/${GATEWAY_CLASS}`, {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: GATEWAY_CLASS }, spec: { controllerName: gateway().controllerName },
    });
    // Traefik serves a listener on the entry point of the same port.
    await kube().apply(`${GATEWAYS(namespace)}/public`, {
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace },
      spec: { gatewayClassName: GATEWAY_CLASS, listeners: [{ name: 'http', port: gateway().listenerPort, protocol: 'HTTP' }] },
    });
    // Weights 100 (fresh) and 40 (lagging): with one of three replicas lagging, shares of 41.7/41.7/16.7 %,
    // more than 5 points away both from an even split (33.3 % each) and from no traffic to the lagging one.
    await kube().apply(`${POOLS(namespace)}/split`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'split', namespace },
      spec: {
        network: 'Testnet', minReplicas: 3, maxReplicas: 3, targetReplicas: 3, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' },
        loadBalancing: { mode: 'GatewayAPI', freshNodeWeight: 100, laggingNodeWeight: 40, lagThreshold: 50, updateIntervalSeconds: 1, parentRefs: [{ name: 'public', sectionName: 'http' }] },
      },
    });
    const pods = await eventually(() => listPods(namespace, 'stellar.org/pool=split'), (p) => p.length === 3 && p.every((x) => x.status?.phase === 'Running' && x.status.podIP?.startsWith('127.')), 60_000, '3 running split pods');
    await setScenario(namespace, 'split-2', 'lagging:300');

    const route = await eventually(() => kube().request<Route>('GET', `${ROUTES(namespace)}/split-read`),
      (r) => r.spec.rules[0]?.backendRefs.map((b) => b.weight).join() === '100,100,40', 60_000, 'HTTPRoute weights 100/100/40');
    expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'public', sectionName: 'http' }]);
    // Traefik accepted the route and resolved every backend.
    await eventually(() => kube().request<Route>('GET', `${ROUTES(namespace)}/split-read`),
      (r) => ['Accepted', 'ResolvedRefs'].every((type) => r.status?.parents?.[0]?.conditions?.some((c) => c.type === type && c.status === 'True')), 60_000, 'route Accepted and ResolvedRefs by Traefik');
    // The status is written after the objects in the same pass.
    const status = await eventually(() => kube().request<{ status?: PoolStatus }>('GET', `${POOLS(namespace)}/split`),
      (p) => p.status?.replicaWeights?.map((w) => `${w.replicaName}:${w.isFresh}`).join() === 'split-0:true,split-1:true,split-2:false', 30_000, 'status: split-2 lagging');

    // Which node id answers for which replica: ask each pod directly at its (loopback) pod IP.
    const corePort = route.spec.rules[0]?.backendRefs[0]?.port as number;
    const replicaOf = new Map<string, string>();
    for (const pod of pods) replicaOf.set((await nodeOf(await fetch(`http://${pod.status?.podIP}:${corePort}/info`))) ?? 'none', pod.metadata.name);
    expect(replicaOf.size).toBe(3);

    // Warm up until every replica answers through the gateway (Traefik and the service proxy have caught up).
    await eventually(() => sendThroughGateway('/info', 60), (a) => new Set(a.filter((id) => replicaOf.has(id))).size === 3 && a.every((id) => replicaOf.has(id)), 60_000, 'all three replicas answering through the gateway');

    const answers = await sendThroughGateway('/info', REQUESTS);
    expect(answers.filter((id) => !replicaOf.has(id))).toEqual([]);
    const backendRefs = route.spec.rules[0]?.backendRefs ?? [];
    const totalWeight = backendRefs.reduce((sum, b) => sum + b.weight, 0);
    const measured = backendRefs.map((b) => {
      const count = answers.filter((id) => replicaOf.get(id) === b.name).length;
      return { replica: b.name, expected: (100 * b.weight) / totalWeight, measured: (100 * count) / answers.length };
    });
    const freshNames = new Set(status.status?.replicaWeights?.filter((w) => w.isFresh).map((w) => w.replicaName));
    const share = (rows: typeof measured, key: 'expected' | 'measured', fresh: boolean) => rows.filter((r) => freshNames.has(r.replica) === fresh).reduce((s, r) => s + r[key], 0);
    const split = { freshExpected: share(measured, 'expected', true), freshMeasured: share(measured, 'measured', true), laggingExpected: share(measured, 'expected', false), laggingMeasured: share(measured, 'measured', false) };
    console.log(`gateway split over ${answers.length} requests: ${JSON.stringify({ ...split, perReplica: measured })}`);
    expect(Math.abs(split.freshMeasured - split.freshExpected)).toBeLessThanOrEqual(TOLERANCE_POINTS);
    expect(Math.abs(split.laggingMeasured - split.laggingExpected)).toBeLessThanOrEqual(TOLERANCE_POINTS);
    for (const row of measured) expect([row.replica, Math.abs(row.measured - row.expected) <= TOLERANCE_POINTS]).toEqual([row.replica, true]);

    // Leaving GatewayAPI mode deletes the route, and the Gateway no longer serves the pool.
    await mergePatch(`${POOLS(namespace)}/split`, { spec: { loadBalancing: { mode: 'Service' } } });
    await eventually(() => kube().getOptional(`${ROUTES(namespace)}/split-read`), (r) => r === undefined, 30_000, 'HTTPRoute split-read deleted');
    await eventually(() => fetch(`${gateway().url}/info`).then((r) => r.status), (code) => code === 404, 30_000, 'the gateway answering 404 without the route');
  });
});
