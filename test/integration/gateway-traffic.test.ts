import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { PoolStatus } from '../../domain/pool-status.js';
import type { GatewayEndpoint } from '../../stack/index.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, kube, listPods, mergePatch, setScenario, stack, startWorker, temporalClient, workerKube } from './support.js';

// Weighted traffic through a real Gateway API implementation: Traefik (the stack's gateway part) reads the
// pool's HTTPRoute and splits requests over the per-replica Services by the route's weights. The route
// targets stellar-core's query server (HTTP_QUERY_PORT), which serves only POST `getledgerentry` and
// `getledgerentryraw`: each answer carries the answering node's `ledgerSeq`, so an answer from the lagging
// replica (300 ledgers behind) is told apart from a fresh one by its ledger.

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

/** A LedgerKey (ACCOUNT, an all-ones account id) in base64 XDR: the query server answers `not-found` at its ledger. */
const KEY = Buffer.concat([Buffer.alloc(8), Buffer.alloc(32, 1)]).toString('base64');
/** Ledgers between the lagging replica and the fresh ones is 300; half of it separates the two. */
const LAGGING_GAP = 150;

function gateway(): GatewayEndpoint {
  const endpoint = stack().gateway;
  if (!endpoint) throw new Error("the suite stack has no gateway part: start it with the default parts, or add 'gateway' to STEWARD_TEST_PARTS");
  return endpoint;
}

/** One `POST /getledgerentry` through the gateway: the answering node's `ledgerSeq`, or `HTTP <status>`. */
async function queryThroughGateway(): Promise<number | string> {
  const response = await fetch(`${gateway().url}/getledgerentry`, { method: 'POST', body: `key=${encodeURIComponent(KEY)}`, signal: AbortSignal.timeout(10_000) });
  if (!response.ok) return `HTTP ${response.status}`;
  const body = (await response.json()) as { ledgerSeq?: number };
  return body.ledgerSeq ?? 'no ledgerSeq';
}

/** Sends `count` queries through the gateway, `CONCURRENCY` at a time; returns each answer's ledger (or what went wrong). */
async function sendThroughGateway(count: number): Promise<(number | string)[]> {
  const answers: (number | string)[] = [];
  let sent = 0;
  const lane = async (): Promise<void> => {
    while (sent < count) {
      sent += 1;
      answers.push(await queryThroughGateway());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return answers;
}

/** Splits answers into fresh and lagging by ledger: lagging ones are more than `LAGGING_GAP` behind the newest. */
function byFreshness(answers: (number | string)[]): { fresh: number; lagging: number; failed: string[] } {
  const ledgers = answers.filter((a): a is number => typeof a === 'number');
  const newest = Math.max(...ledgers);
  const lagging = ledgers.filter((l) => l < newest - LAGGING_GAP).length;
  return { fresh: ledgers.length - lagging, lagging, failed: answers.filter((a): a is string => typeof a === 'string') };
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
      namespaces: [namespace],
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
    await eventually(() => listPods(namespace, 'stellar.org/pool=split'), (p) => p.length === 3 && p.every((x) => x.status?.phase === 'Running' && x.status.podIP?.startsWith('127.')), 60_000, '3 running split pods');
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

    // Warm up until both kinds of replica answer through the gateway (Traefik and the service proxy have caught up).
    await eventually(() => sendThroughGateway(60), (a) => { const f = byFreshness(a); return f.failed.length === 0 && f.fresh > 0 && f.lagging > 0; }, 60_000, 'fresh and lagging replicas answering through the gateway');

    const answers = await sendThroughGateway(REQUESTS);
    const counted = byFreshness(answers);
    expect(counted.failed).toEqual([]);
    const weights = status.status?.replicaWeights ?? [];
    const totalWeight = weights.reduce((sum, w) => sum + w.weight, 0);
    const split = {
      freshExpected: (100 * weights.filter((w) => w.isFresh).reduce((sum, w) => sum + w.weight, 0)) / totalWeight,
      freshMeasured: (100 * counted.fresh) / answers.length,
      laggingExpected: (100 * weights.filter((w) => !w.isFresh).reduce((sum, w) => sum + w.weight, 0)) / totalWeight,
      laggingMeasured: (100 * counted.lagging) / answers.length,
    };
    console.log(`gateway split over ${answers.length} requests: ${JSON.stringify(split)}`);
    expect(Math.abs(split.freshMeasured - split.freshExpected)).toBeLessThanOrEqual(TOLERANCE_POINTS);
    expect(Math.abs(split.laggingMeasured - split.laggingExpected)).toBeLessThanOrEqual(TOLERANCE_POINTS);

    // Leaving GatewayAPI mode deletes the route, and the Gateway no longer serves the pool.
    await mergePatch(`${POOLS(namespace)}/split`, { spec: { loadBalancing: { mode: 'Service' } } });
    await eventually(() => kube().getOptional(`${ROUTES(namespace)}/split-read`), (r) => r === undefined, 30_000, 'HTTPRoute split-read deleted');
    await eventually(queryThroughGateway, (answer) => answer === 'HTTP 404', 30_000, 'the gateway answering 404 without the route');
  });
});
