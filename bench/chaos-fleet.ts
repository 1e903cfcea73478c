// The chaos benchmark's four resources in one namespace (a ReadOnlyPool, a validator set of StellarNodes,
// a Tenant, a PostgresReplicaSet), the spec changes it makes on them, and its correctness checks: owned
// objects counted per owner, and workflow runs that failed.
import { localSeed } from '../stack/local-seeds.js';
import type { Client } from '@temporalio/client';
import type { KubeRest } from '../kube/rest.js';
import { tenantPoolStatefulSetName, validatorSetWorkflowId, workflowId } from '../domain/names.js';
import { REPLICA_SET_OPT_IN } from '../domain/replica-set-access.js';
import type { PostgresCluster } from '../stack/index.js';

/** The StatefulSet of the fleet's tenant `t`, pool `a`. */
const TENANT_STATEFULSET = tenantPoolStatefulSetName('t', 'a');

/** One of the four managed things. */
export type Target = 'pool' | 'validators' | 'tenant' | 'replicas';

/** The order in which changes rotate over the targets. */
export const TARGETS: readonly Target[] = ['pool', 'validators', 'tenant', 'replicas'];

/** Where the fleet lives and what it needs from the stack. */
export interface FleetOptions {
  kube: KubeRest;
  namespace: string;
  /** The simulator's Testnet history archive (`<controlUrl>/archive/testnet`). */
  archiveUrl: string;
  postgres: PostgresCluster;
  /** Validators in the set (2 or 3). */
  validators?: number;
}

/** A spec change made on one target, and how to see it in the owned objects. */
export interface Change {
  target: Target;
  what: string;
  /** True once the owned objects show the change. */
  shows: () => Promise<boolean>;
}

type Owned = { metadata: { name: string; ownerReferences?: { uid: string; controller?: boolean; kind: string; name: string }[] } };
type StatefulSet = Owned & { spec: { replicas?: number; template: { spec: { containers: { image: string }[] } } }; status?: { readyReplicas?: number; replicas?: number } };
type Service = Owned & { spec: { ports?: { port: number }[] } };

const GROUP = '/apis/stellar.org/v1alpha1';
const VERSIONS = ['22.1.0', '22.1.1'] as const;
/** Tenant images the changes flip between (any tag but `broken` runs on KWOK). */
const TENANT_IMAGES = ['rustfs/rustfs:1.0.0', 'rustfs/rustfs:1.0.1'] as const;

/**
 * The four resources and their current desired state. Each `change` flips one setting that the owned
 * objects must reflect: the pool's targetReplicas 2 <-> 3 (StatefulSet replicas), a validator's version
 * (its StatefulSet's image; the validators take turns), the tenant's image (its pool's StatefulSet; servers
 * are immutable), the replica set's routing Service port 5432 <-> 5433 (the Service's port).
 */
export class ChaosFleet {
  readonly network: string;
  readonly validatorNames: string[];
  private poolReplicas = 2;
  private tenantImage: string = TENANT_IMAGES[0];
  private routingPort = 5432;
  private readonly versions = new Map<string, number>();
  private validatorTurn = 0;

  constructor(private readonly options: FleetOptions) {
    this.network = `Chaos Network ; ${options.namespace}`;
    this.validatorNames = Array.from({ length: options.validators ?? 3 }, (_, i) => `v${i}`);
    for (const name of this.validatorNames) this.versions.set(name, 0);
  }

  /** The workflow ids of the four resources. */
  workflowIds(): string[] {
    const ns = this.options.namespace;
    return [
      workflowId('readonlypool', { namespace: ns, name: 'pool' }), validatorSetWorkflowId(this.network),
      workflowId('tenant', { namespace: ns, name: 't' }), workflowId('postgres-replicas', { namespace: ns, name: 'db' }),
    ];
  }

  /** Creates the namespace, the Secrets and the four resources (server-side apply). */
  async create(): Promise<void> {
    const { kube, namespace: ns, postgres } = this.options;
    await kube.apply(`/api/v1/namespaces/${ns}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await kube.apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: Object.fromEntries(this.validatorNames.map((name) => [name, localSeed(`stellar-steward chaos ${name}`)])) });
    await kube.apply(`/api/v1/namespaces/${ns}/secrets/pg`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pg', namespace: ns, annotations: { [REPLICA_SET_OPT_IN]: 'db' } }, stringData: { username: postgres.user, password: postgres.password } });
    await this.resource('readonlypools', 'pool', 'ReadOnlyPool', {
      network: 'Testnet', minReplicas: 2, maxReplicas: 3, targetReplicas: this.poolReplicas, historyArchiveUrls: [this.options.archiveUrl],
      loadBalancing: { updateIntervalSeconds: 2 }, shardBalancing: { enabled: false }, storage: { size: '1Gi' },
    });
    for (const name of this.validatorNames) {
      await this.resource('stellarnodes', name, 'StellarNode', {
        nodeType: 'Validator', network: this.network, version: VERSIONS[0], storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: name } },
      });
    }
    await kube.apply(`/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants/t`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: ns }, spec: { image: this.tenantImage, pools: [{ name: 'a', servers: 2, persistence: { volumesPerServer: 1 } }] },
    });
    await this.resource('postgresreplicasets', 'db', 'PostgresReplicaSet', {
      primary: { host: postgres.primary.host, port: postgres.primary.port }, replicas: postgres.replicas.map((r) => ({ host: r.host, port: r.port })),
      credentialsSecretRef: { name: 'pg' }, healthCheckIntervalSeconds: 5, routingService: { name: 'db-read', port: this.routingPort },
    });
  }

  /** What does not yet show the current desired state with Ready pods, or undefined when everything does. */
  async unsettled(): Promise<string | undefined> {
    const ready = (sts: StatefulSet | undefined, replicas: number): boolean => sts?.spec.replicas === replicas && sts.status?.readyReplicas === replicas;
    const pool = await this.statefulSet('pool');
    if (!ready(pool, this.poolReplicas)) return `StatefulSet pool: ${pool?.status?.readyReplicas ?? 0}/${pool?.spec.replicas} ready, want ${this.poolReplicas}`;
    const tenant = await this.statefulSet(TENANT_STATEFULSET);
    if (!ready(tenant, 2) || !(await this.tenantShows())) return `StatefulSet ${TENANT_STATEFULSET}: ${tenant?.status?.readyReplicas ?? 0}/2 ready, image ${tenant?.spec.template.spec.containers[0]?.image}, want ${this.tenantImage}`;
    if (!(await this.routingShows())) return `Service db-read: port not ${this.routingPort}`;
    for (const name of this.validatorNames) {
      const sts = await this.statefulSet(name);
      if (!ready(sts, 1) || !(await this.validatorShows(name))) return `StatefulSet ${name}: ${sts?.status?.readyReplicas ?? 0}/1 ready, image ${sts?.spec.template.spec.containers[0]?.image}, want ${this.version(name)}`;
    }
    return undefined;
  }

  /** Makes the next spec change on `target` (a merge patch, as a person would) and says how to see it. */
  async change(target: Target): Promise<Change> {
    if (target === 'pool') {
      this.poolReplicas = this.poolReplicas === 2 ? 3 : 2;
      await this.patch(`${GROUP}/namespaces/${this.options.namespace}/readonlypools/pool`, { spec: { targetReplicas: this.poolReplicas } });
      const replicas = this.poolReplicas;
      return { target, what: `pool targetReplicas -> ${replicas}`, shows: async () => (await this.statefulSet('pool'))?.spec.replicas === replicas };
    }
    if (target === 'validators') {
      const name = this.validatorNames[this.validatorTurn % this.validatorNames.length] as string;
      this.validatorTurn += 1;
      this.versions.set(name, 1 - (this.versions.get(name) ?? 0));
      await this.patch(`${GROUP}/namespaces/${this.options.namespace}/stellarnodes/${name}`, { spec: { version: this.version(name) } });
      return { target, what: `validator ${name} version -> ${this.version(name)}`, shows: () => this.validatorShows(name) };
    }
    if (target === 'tenant') {
      this.tenantImage = this.tenantImage === TENANT_IMAGES[0] ? TENANT_IMAGES[1] : TENANT_IMAGES[0];
      await this.patch(`/apis/rustfs.com/v1alpha1/namespaces/${this.options.namespace}/tenants/t`, { spec: { image: this.tenantImage } });
      return { target, what: `tenant image -> ${this.tenantImage}`, shows: () => this.tenantShows() };
    }
    this.routingPort = this.routingPort === 5432 ? 5433 : 5432;
    await this.patch(`${GROUP}/namespaces/${this.options.namespace}/postgresreplicasets/db`, { spec: { routingService: { name: 'db-read', port: this.routingPort } } });
    return { target, what: `replica set routing port -> ${this.routingPort}`, shows: () => this.routingShows() };
  }

  /**
   * Owned objects beyond what the spec calls for, one line each (empty when none): per owner, more
   * StatefulSets, Services or ConfigMaps than it owns by design, and a StatefulSet with more pods than its
   * replicas (pods are counted only when `withPods`, since a scale-down leaves pods terminating a while).
   */
  async duplicates(withPods = false): Promise<string[]> {
    const { kube, namespace: ns } = this.options;
    const expected: Record<string, Record<string, number>> = {
      'ReadOnlyPool/pool': { StatefulSet: 1, Service: 2, ConfigMap: 2 }, // the config and the alert rules (<pool>-alerts)
      'Tenant/t': { StatefulSet: 1, Service: 2, ConfigMap: 0 },
      'PostgresReplicaSet/db': { StatefulSet: 0, Service: 1, ConfigMap: 1 }, // the published health (<set>-health)
      ...Object.fromEntries(this.validatorNames.map((name) => [`StellarNode/${name}`, { StatefulSet: 1, Service: 2, ConfigMap: 1 }])),
    };
    const found: string[] = [];
    const counts = new Map<string, number>();
    const statefulSets = await kube.request<{ items: StatefulSet[] }>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`);
    for (const [kind, items] of [
      ['StatefulSet', statefulSets.items],
      ['Service', (await kube.request<{ items: Owned[] }>('GET', `/api/v1/namespaces/${ns}/services`)).items],
      ['ConfigMap', (await kube.request<{ items: Owned[] }>('GET', `/api/v1/namespaces/${ns}/configmaps`)).items],
    ] as const) {
      for (const item of items) {
        const owner = item.metadata.ownerReferences?.find((ref) => ref.controller);
        if (owner) counts.set(`${owner.kind}/${owner.name}\t${kind}`, (counts.get(`${owner.kind}/${owner.name}\t${kind}`) ?? 0) + 1);
      }
    }
    for (const [key, count] of counts) {
      const [owner = '', kind = ''] = key.split('\t');
      const allowed = expected[owner]?.[kind] ?? 0;
      if (count > allowed) found.push(`${owner} owns ${count} ${kind}s (expected ${allowed})`);
    }
    if (withPods) found.push(...(await this.extraPods(statefulSets.items)));
    return found;
  }

  private async extraPods(statefulSets: StatefulSet[]): Promise<string[]> {
    const pods = await this.options.kube.request<{ items: Owned[] }>('GET', `/api/v1/namespaces/${this.options.namespace}/pods`);
    return statefulSets.flatMap((sts) => {
      const owned = pods.items.filter((pod) => pod.metadata.ownerReferences?.some((ref) => ref.kind === 'StatefulSet' && ref.name === sts.metadata.name));
      return owned.length > (sts.spec.replicas ?? 0) ? [`StatefulSet ${sts.metadata.name} has ${owned.length} pods for ${sts.spec.replicas} replicas`] : [];
    });
  }

  private async tenantShows(): Promise<boolean> {
    return (await this.statefulSet(TENANT_STATEFULSET))?.spec.template.spec.containers[0]?.image === this.tenantImage;
  }

  private version(name: string): string {
    return VERSIONS[this.versions.get(name) ?? 0] ?? VERSIONS[0];
  }

  private async validatorShows(name: string): Promise<boolean> {
    return (await this.statefulSet(name))?.spec.template.spec.containers[0]?.image === `stellar/stellar-core:${this.version(name)}`;
  }

  private async routingShows(): Promise<boolean> {
    const port = this.routingPort;
    const service = await this.options.kube.getOptional<Service>(`/api/v1/namespaces/${this.options.namespace}/services/db-read`);
    return service?.spec.ports?.[0]?.port === port;
  }

  private statefulSet(name: string): Promise<StatefulSet | undefined> {
    return this.options.kube.getOptional<StatefulSet>(`/apis/apps/v1/namespaces/${this.options.namespace}/statefulsets/${name}`);
  }

  private async resource(plural: string, name: string, kind: string, spec: unknown): Promise<void> {
    const ns = this.options.namespace;
    await this.options.kube.apply(`${GROUP}/namespaces/${ns}/${plural}/${name}`, { apiVersion: 'stellar.org/v1alpha1', kind, metadata: { name, namespace: ns }, spec });
  }

  private async patch(path: string, body: unknown): Promise<void> {
    await this.options.kube.request('PATCH', path, { body, contentType: 'application/merge-patch+json' });
  }
}

/**
 * The runs of these workflows that did not end well, one line each: every run that Failed, TimedOut,
 * was Terminated or Canceled, and every workflow whose latest run is not Running.
 */
export async function failedWorkflows(client: Client, ids: readonly string[]): Promise<string[]> {
  const bad: string[] = [];
  for (const id of ids) {
    for await (const run of client.workflow.list({ query: `WorkflowId = '${id}'` })) {
      if (['FAILED', 'TIMED_OUT', 'TERMINATED', 'CANCELLED'].includes(run.status.name)) bad.push(`${id} run ${run.runId}: ${run.status.name}`);
    }
    const latest = await client.workflow.getHandle(id).describe().catch((error: unknown) => ({ status: { name: `not found (${(error as Error).message})` } }));
    if (latest.status.name !== 'RUNNING') bad.push(`${id}: latest run is ${latest.status.name}, not RUNNING`);
  }
  return bad;
}
