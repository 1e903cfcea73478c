// The scale benchmark's fleet in one namespace: N ReadOnlyPools of 1 replica, and for the mix run Tenants
// and validators (StellarNodes in validator sets of 10). Created and changed through the API server only,
// and read back through what anyone can see: the resources' status, StatefulSets, pods and the simulator.
import { validatorSetWorkflowId, workflowId } from '../domain/names.js';
import type { KubeRest } from '../kube/rest.js';
import { watchCollection } from '../kube/resource-watcher.js';
import { localSeed } from '../stack/local-seeds.js';

const GROUP = '/apis/stellar.org/v1alpha1';
/** Validators per validator set (one network each) in the mix. */
export const VALIDATORS_PER_SET = 10;

/** The size of a fleet. */
export interface FleetSize {
  pools: number;
  tenants: number;
  validators: number;
}

/** Pods the fleet runs when settled: one per pool, tenant (one server) and validator. */
export function fleetPods(size: FleetSize): number {
  return size.pools + size.tenants + size.validators;
}

/** The validator networks of a mix with `validators` validators: sets of `VALIDATORS_PER_SET`, the last one smaller. */
export function validatorNetworks(namespace: string, validators: number): { network: string; names: string[] }[] {
  const sets: { network: string; names: string[] }[] = [];
  for (let first = 0; first < validators; first += VALIDATORS_PER_SET) {
    const index = sets.length;
    const count = Math.min(VALIDATORS_PER_SET, validators - first);
    sets.push({ network: `Scale Network ; ${namespace} ; ${index}`, names: Array.from({ length: count }, (_, i) => `v${first + i}`) });
  }
  return sets;
}

/** Runs `work` on every item with at most `limit` at a time; resolves with the results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

type Condition = { type: string; status: string };
type Listed<T> = { items: T[] };
type StatefulSet = { metadata: { name: string }; spec: { replicas?: number; template: { spec: { containers: { resources?: { requests?: Record<string, string> } }[] } } }; status?: { readyReplicas?: number } };

/** How far the fleet has come up, as counts. */
export interface FleetProgress {
  poolsReady: number;
  statefulSetsReady: number;
  statefulSets: number;
  /** The fleet's pods the stellar-core simulator listens for (pools and validators run stellar-core). */
  podsServed: number;
}

/** One fleet of `size` in `namespace`, its pools at `intervalSeconds`. */
export class ScaleFleet {
  readonly poolNames: string[];
  readonly validatorSets: { network: string; names: string[] }[];
  readonly tenantNames: string[];

  constructor(
    private readonly kube: KubeRest,
    readonly namespace: string,
    readonly size: FleetSize,
    private readonly options: { intervalSeconds: number; archiveUrl: string; simulatorUrl: string },
  ) {
    this.poolNames = Array.from({ length: size.pools }, (_, i) => `pool-${i}`);
    this.tenantNames = Array.from({ length: size.tenants }, (_, i) => `tenant-${i}`);
    this.validatorSets = validatorNetworks(namespace, size.validators);
  }

  /** The workflow ids of every resource, pools first. */
  workflowIds(): { pools: string[]; others: string[] } {
    const ref = (name: string) => ({ namespace: this.namespace, name });
    return {
      pools: this.poolNames.map((name) => workflowId('readonlypool', ref(name))),
      others: [...this.tenantNames.map((name) => workflowId('tenant', ref(name))), ...this.validatorSets.map((set) => validatorSetWorkflowId(set.network))],
    };
  }

  /** Creates the namespace, the validators' seed Secret and every resource (server-side apply), reporting every tenth. */
  async create(progress: (created: number, total: number) => void): Promise<void> {
    const ns = this.namespace;
    await this.kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const validators = this.validatorSets.flatMap((set) => set.names.map((name) => ({ name, network: set.network })));
    if (validators.length > 0) {
      const seeds = Object.fromEntries(validators.map((v) => [v.name, localSeed(`stellar-steward scale ${ns} ${v.name}`)]));
      await this.kube.apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: seeds });
    }
    const writes: (() => Promise<unknown>)[] = [
      ...this.poolNames.map((name) => () => this.applyPool(name, 0)),
      ...this.tenantNames.map((name) => () => this.kube.apply(`/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/${name}`, {
        apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name, namespace: ns },
        spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
      })),
      ...validators.map((v) => () => this.kube.apply(`${GROUP}/namespaces/${ns}/stellarnodes/${v.name}`, {
        apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name: v.name, namespace: ns },
        spec: { nodeType: 'Validator', network: v.network, version: '22.1.0', storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: v.name } } },
      })),
    ];
    let created = 0;
    const step = Math.max(1, Math.floor(writes.length / 10));
    await mapLimit(writes, 8, async (write) => {
      await write();
      created += 1;
      if (created % step === 0 || created === writes.length) progress(created, writes.length);
    });
  }

  /** Counts what is up: pools with Ready=True, StatefulSets with all replicas ready, pods the simulator serves. */
  async progress(): Promise<FleetProgress> {
    const ns = this.namespace;
    const pools = await this.kube.request<Listed<{ status?: { conditions?: Condition[] } }>>('GET', `${GROUP}/namespaces/${ns}/readonlypools`);
    const statefulSets = await this.kube.request<Listed<StatefulSet>>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`);
    const served = (await (await fetch(`${this.options.simulatorUrl}/_sim/pods`)).json()) as { pod: string; listening: boolean }[];
    return {
      poolsReady: pools.items.filter((pool) => pool.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length,
      statefulSetsReady: statefulSets.items.filter((sts) => (sts.status?.readyReplicas ?? 0) >= (sts.spec.replicas ?? 1)).length,
      statefulSets: statefulSets.items.length,
      podsServed: served.filter((pod) => pod.listening && pod.pod.startsWith(`${ns}/`)).length,
    };
  }

  /**
   * True when everything runs: one ready StatefulSet per resource and every stellar-core pod served. Pools
   * Ready is reported, not awaited: under load a pool's only replica may read as not fresh for a pass
   * (`NoFreshReplica`), which says nothing about the iterations this benchmark measures.
   */
  settled(progress: FleetProgress): boolean {
    const { pools, tenants, validators } = this.size;
    return progress.statefulSetsReady === pools + tenants + validators && progress.podsServed === pools + validators;
  }

  /**
   * Changes pool `name`'s spec so that its StatefulSet's pod template must follow (the container's CPU
   * request becomes `revision` + 10 millicores), and returns a check that is true once the watch of
   * `watchTemplates` (started first) shows it on the StatefulSet.
   */
  async changePool(name: string, revision: number): Promise<() => Promise<boolean>> {
    await this.applyPool(name, revision);
    const want = cpuRequest(revision);
    const watched = this.cpuRequests;
    if (!watched) throw new Error(`changePool(${name}): start watchTemplates first`);
    return () => Promise.resolve(watched.get(name) === want);
  }

  /** Each StatefulSet's container CPU request, as the watch of `watchTemplates` last brought it. */
  private cpuRequests: Map<string, string | undefined> | undefined;
  /** Each pool's CPU request in its spec, and when the watch of `watchTemplates` first brought it. */
  private poolRequests: Map<string, { cpu: string | undefined; atMs: number }> | undefined;

  /**
   * Watches the fleet's StatefulSets, so that `changePool`'s check reads what the watch brought: polling
   * each changed StatefulSet with a GET every 10 ms loaded the API server, on the same 2 cores, while the
   * change it timed was under way. Watches the pools too, to tell when a change reached a watcher
   * (`poolSeenAtMs`). Resolves once both first lists are in; returns a stop function.
   */
  async watchTemplates(): Promise<() => void> {
    const cpuRequests = new Map<string, string | undefined>();
    const poolRequests = new Map<string, { cpu: string | undefined; atMs: number }>();
    const listed = (path: string, onChange: Parameters<typeof watchCollection>[2]): Promise<{ stop(): void }> => new Promise((resolve) => {
      const watch = watchCollection(this.kube, { path }, onChange, () => undefined, { onListed: () => resolve(watch) });
    });
    const watches = await Promise.all([
      listed(`/apis/apps/v1/namespaces/${this.namespace}/statefulsets`, (change) => {
        if (change.type === 'DELETED') cpuRequests.delete(change.name);
        else cpuRequests.set(change.name, templateCpu(change.object as StatefulSet));
      }),
      listed(`${GROUP}/namespaces/${this.namespace}/readonlypools`, (change) => {
        const cpu = (change.object as { spec?: { resources?: { requests?: Record<string, string> } } }).spec?.resources?.requests?.cpu;
        if (change.type === 'DELETED') poolRequests.delete(change.name);
        else if (poolRequests.get(change.name)?.cpu !== cpu) poolRequests.set(change.name, { cpu, atMs: Date.now() });
      }),
    ]);
    this.cpuRequests = cpuRequests;
    this.poolRequests = poolRequests;
    return () => {
      this.cpuRequests = undefined;
      this.poolRequests = undefined;
      for (const watch of watches) watch.stop();
    };
  }

  /** When (wall clock, ms) the pool watch of `watchTemplates` first showed pool `name` at `revision`; undefined before. */
  poolSeenAtMs(name: string, revision: number): number | undefined {
    const seen = this.poolRequests?.get(name);
    return seen?.cpu === cpuRequest(revision) ? seen.atMs : undefined;
  }

  private applyPool(name: string, revision: number): Promise<unknown> {
    const ns = this.namespace;
    return this.kube.apply(`${GROUP}/namespaces/${ns}/readonlypools/${name}`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace: ns },
      spec: {
        network: 'Testnet', version: '22.1.0', minReplicas: 1, maxReplicas: 1, targetReplicas: 1, historyArchiveUrls: [this.options.archiveUrl],
        loadBalancing: { updateIntervalSeconds: this.options.intervalSeconds }, shardBalancing: { enabled: false }, storage: { size: '1Gi' },
        resources: { requests: { cpu: cpuRequest(revision) } },
      },
    });
  }
}

function templateCpu(sts: StatefulSet): string | undefined {
  return sts.spec.template.spec.containers[0]?.resources?.requests?.cpu;
}

function cpuRequest(revision: number): string {
  return `${revision + 10}m`;
}
