import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { HttpClient } from '../../activities/http-client.js';
import { ObjectCache } from '../../kube/object-cache.js';
import { KubeApiError, KubeRest, type RequestOptions } from '../../kube/rest.js';
import { ReadReplicaRouter, type RouterOptions } from '../../router/index.js';
import type { PostgresCluster, PostgresServer, StackInfo } from '../../stack/index.js';
import { createWorker } from '../../worker/worker.js';

/** The running suite stack's connection info (written by global-setup). */
export function stack(): StackInfo {
  const dir = process.env.STEWARD_STACK_DIR;
  if (!dir) throw new Error('STEWARD_STACK_DIR is not set: run integration tests through jest (global-setup starts the stack)');
  return JSON.parse(fs.readFileSync(path.join(dir, 'stack.json'), 'utf8')) as StackInfo;
}

/** A REST client of the suite's Kubernetes API server. */
export function kube(): KubeRest {
  const info = stack().kube;
  if (!info) throw new Error('the suite stack has no Kubernetes part');
  return KubeRest.fromFile(info.kubeconfigPath);
}

/**
 * A REST client authenticated as the worker's ServiceAccount, which holds only the shipped ClusterRole
 * (deploy/clusterrole.yaml): workers and watches in the suite use it, so a missing permission fails.
 */
export function workerKube(): KubeRest {
  return KubeRest.fromFile(path.join(stack().stateDir, 'worker-kubeconfig.yaml'));
}

/** A Temporal client of the suite's server; close its connection when done. */
export async function temporalClient(): Promise<Client> {
  const { address, namespace } = stack().temporal;
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/** A unique, DNS-safe name for a test's resources. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${crypto.randomBytes(3).toString('hex')}`;
}

/** Creates a namespace (server-side apply) and returns its name. */
export async function createNamespace(prefix = 'test'): Promise<string> {
  const name = uniqueName(prefix);
  await kube().apply(`/api/v1/namespaces/${name}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

/**
 * Starts a worker on a task queue of its own (as the worker's ServiceAccount by default, with the HTTP
 * client of the environment global-setup prepared unless `http` is given); call `stop` when done.
 */
export async function startWorker(kubeClient: KubeRest = workerKube(), http?: HttpClient): Promise<{ worker: Worker; taskQueue: string; cache: ObjectCache; stop: () => Promise<void> }> {
  quietRuntime();
  const { address, namespace } = stack().temporal;
  const taskQueue = uniqueName('test-queue');
  // As the worker process does: steady passes read this worker's watch cache.
  const cache = new ObjectCache(kubeClient);
  const worker = await createWorker({ address, namespace, connection: { address } }, { kube: kubeClient, http, cache }, taskQueue);
  const running = worker.run();
  // No run may outlive its worker: nothing else polls this queue, and a later test (or the demo) would
  // attach to a run of the same workflow id that never moves (validator-set/<network> is cluster-wide).
  const stop = async (): Promise<void> => {
    const client = await temporalClient();
    await terminateRunning(client, taskQueue, 'the test worker stopped').finally(() => client.connection.close());
    worker.shutdown();
    await running;
    cache.stop();
  };
  return { worker, taskQueue, cache, stop };
}

/** Terminates every running workflow of `taskQueue`. */
export async function terminateRunning(client: Client, taskQueue: string, reason: string): Promise<void> {
  for await (const w of client.workflow.list({ query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'` })) {
    await client.workflow.getHandle(w.workflowId).terminate(reason).catch(() => undefined);
  }
}

/** Polls `read` until `accept` holds; throws with the last value seen after `timeoutMs`. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not reached in ${timeoutMs} ms; last value: ${JSON.stringify(last)}; last error: ${String(lastError)}`);
}

/** Merge-patches an object as a person would (not as the Steward field manager). */
export async function mergePatch(path: string, patch: unknown): Promise<void> {
  await kube().request('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' });
}

/** Sets the stellar-core simulator's scenario of a pod (`synced`, `lagging:N`, `wrong-network`, ...). */
export async function setScenario(namespace: string, pod: string, scenario: string): Promise<void> {
  await mergePatch(`/api/v1/namespaces/${namespace}/pods/${pod}`, { metadata: { annotations: { 'sim.stellar.org/scenario': scenario } } });
}

/** The simulator's history archive URL for a network (`testnet`, `mainnet`, `futurenet`), over https. */
export function archiveUrl(network: string): string {
  return `${simulator().httpsUrl}/archive/${network}`;
}

/** The simulator's Horizon root URL for a network, over https. */
export function horizonUrl(network: string): string {
  return `${simulator().httpsUrl}/horizon/${network}/`;
}

function simulator(): NonNullable<StackInfo['simulator']> {
  const info = stack().simulator;
  if (!info) throw new Error('the suite stack has no stellar-core simulator');
  return info;
}

/** A pod as tests read it. */
export interface TestPod {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  status?: { phase?: string; podIP?: string };
}

/** Pods of a namespace matching a label selector, by name. */
export async function listPods(namespace: string, labelSelector: string): Promise<TestPod[]> {
  const list = await kube().request<{ items: TestPod[] }>('GET', `/api/v1/namespaces/${namespace}/pods`, { query: { labelSelector } });
  return list.items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

/** A workflow's whole history as text, with every payload decoded (payload bytes are not searchable raw). */
export async function historyText(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const decode = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    if (Array.isArray(value)) return value.map(decode);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
    return value;
  };
  return JSON.stringify(decode(history.events));
}

let runtimeInstalled = false;

/** Installs the Temporal runtime once per test process with warnings and errors only. */
function quietRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // already installed by an earlier worker in this process
  }
}

/** The suite stack's own PostgreSQL cluster; throws naming `what` needs it when the stack has none (or an external one). */
export function postgresCluster(what: string): PostgresCluster {
  const postgres = stack().postgres;
  if (!postgres || postgres.external) throw new Error(`${what} need the local PostgreSQL cluster`);
  return postgres;
}

/** Replica `index` of the suite's PostgreSQL cluster. */
export function replicaAt(index: number, what: string): PostgresServer {
  const replica = postgresCluster(what).replicas[index];
  if (!replica) throw new Error(`the local cluster has no replica ${index}`);
  return replica;
}

/** The HTTP status of an API call: 200 when it succeeds, the API's status when it is refused. */
export async function apiStatusOf(call: Promise<unknown>): Promise<number> {
  try {
    await call;
    return 200;
  } catch (error) {
    if (error instanceof KubeApiError) return error.status;
    throw error;
  }
}

export { queryUrl } from '../../stack/postgres.js';

/** A router over `cluster` with periodic checks off (tests drive `checkHealthNow`) and short timeouts, over `overrides`. */
export function clusterRouter(cluster: PostgresCluster, overrides: Partial<RouterOptions> = {}): ReadReplicaRouter {
  return new ReadReplicaRouter({
    primary: { host: cluster.primary.host, port: cluster.primary.port, database: cluster.database, user: cluster.user, password: cluster.password },
    replicas: cluster.replicas.map((replica) => ({ host: replica.host, port: replica.port })),
    healthCheckIntervalMs: 0,
    healthCheckTimeoutMs: 3000,
    pool: { connectionTimeoutMillis: 3000 },
    ...overrides,
  });
}

/** A Kubernetes client that keeps every request it sends, method and path (watch streams do not go through `request`). */
export class RequestLog extends KubeRest {
  requests: string[] = [];
  override async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    this.requests.push(`${method} ${path}`);
    return super.request<T>(method, path, options);
  }
  /** The GETs kept so far. */
  reads(): string[] {
    return this.requests.filter((request) => request.startsWith('GET '));
  }
  /** Every other request kept so far. */
  writes(): string[] {
    return this.requests.filter((request) => !request.startsWith('GET '));
  }
}
