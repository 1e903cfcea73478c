import { liveClaimTemplates, type LiveClaimTemplate } from '../domain/claim-templates.js';
import type { Condition } from '../domain/conditions.js';
import { tenantPoolStatefulSetName, type ResourceRef } from '../domain/names.js';
import type { KubeObject } from '../domain/pool-objects.js';
import type { ObservedTenantPool, TenantEvent, TenantStatus } from '../domain/tenant-decision.js';
import type { TenantSpec } from '../domain/tenant-objects.js';
import type { PoolPodView, StatefulSetView } from '../domain/tenant-pool-state.js';
import { applyObjects, unlessGone, type ApplyResult } from '../kube/apply-objects.js';
import { recordEvents } from '../kube/events.js';
import { apiReader, type KubeReader } from '../kube/object-cache.js';
import type { KubeRest } from '../kube/rest.js';
import type { OwnedRef } from '../domain/owned-fingerprint.js';
import { ownedFingerprint } from './owned-fingerprint.js';

interface OwnerReference {
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

interface StatefulSetResource {
  metadata: { name: string; uid: string; generation: number; labels?: Record<string, string>; ownerReferences?: OwnerReference[] };
  spec: { replicas?: number; updateStrategy?: { rollingUpdate?: { partition?: number } }; volumeClaimTemplates?: LiveClaimTemplate[] };
  status?: { observedGeneration?: number; replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number; currentRevision?: string; updateRevision?: string };
}

interface PodResource {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: OwnerReference[] };
  status?: {
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: { state?: { waiting?: { reason?: string } } }[];
  };
}

/** What a Tenant iteration observes. */
export interface ObservedTenant {
  uid: string;
  generation: number;
  spec: TenantSpec;
  conditions?: Condition[];
  /** The status as currently written, to skip unchanged writes. */
  status?: TenantStatus;
  pools: Record<string, ObservedTenantPool>;
  /** Pools that have a StatefulSet in the cluster (by the `rustfs.pool` label) controlled by this tenant. */
  existingPools: string[];
  /** The fingerprint of the owned objects the workflow named (see `ownedFingerprint`), when it named any. */
  ownedDigest?: string;
}

/** Tenant activities: observe the tenant with its StatefulSets and pods, apply, write status, remove a pool. */
export function createTenantActivities(kube: KubeRest, cache?: KubeReader) {
  const api = apiReader(kube);
  const tenantPath = (ref: ResourceRef): string => `/apis/rustfs.com/v1alpha1/namespaces/${ref.namespace}/tenants/${ref.name}`;
  return {
    /**
     * Reads the tenant, its pools' StatefulSets (only those it controls, by owner reference) and their pods;
     * undefined when the tenant is gone. For a pool with no StatefulSet, it also reads the names the pool could
     * take (the one its status remembers, and `<tenant>-<pool>-<hash>`) and reports those another object holds.
     * With `owned` (the objects of the last apply), also their fingerprint, through the same reader.
     */
    async observeTenant(ref: ResourceRef & { fresh?: boolean; owned?: OwnedRef[] }): Promise<ObservedTenant | undefined> {
      // A pass that the requeue time started reads the worker's cache; one that a change or its own write
      // woke reads the API (workflows of older versions send no `fresh`: the API, as before).
      const reader = cache && ref.fresh === false ? cache : api;
      const tenant = await reader.get<{ metadata: { uid: string; generation: number }; spec: TenantSpec; status?: TenantStatus }>(tenantPath(ref));
      if (!tenant) return undefined;
      const uid = tenant.metadata.uid;
      const selector = tenantSelector(ref);
      const [sets, pods] = await Promise.all([
        reader.list<StatefulSetResource>(statefulSetsPath(ref.namespace), { labelSelector: selector }),
        reader.list<PodResource>(`/api/v1/namespaces/${ref.namespace}/pods`, { labelSelector: selector }),
      ]);
      const owned = sets.filter((set) => controller(set.metadata.ownerReferences)?.uid === uid);
      const ownedUids = new Set(owned.map((set) => set.metadata.uid));
      const pools: Record<string, ObservedTenantPool> = {};
      for (const set of owned) {
        const pool = set.metadata.labels?.['rustfs.pool'];
        if (pool) pools[pool] = { statefulSet: statefulSetView(set), statefulSetName: set.metadata.name, pods: [], claimTemplates: liveClaimTemplates(set.spec.volumeClaimTemplates) };
      }
      for (const pod of pods) {
        const pool = pod.metadata.labels?.['rustfs.pool'];
        const owner = controller(pod.metadata.ownerReferences);
        if (pool && !(owner?.kind === 'StatefulSet' && !ownedUids.has(owner.uid))) (pools[pool] ??= { pods: [] }).pods.push(podView(pod));
      }
      await Promise.all((tenant.spec?.pools ?? []).filter((pool) => !pools[pool.name]?.statefulSet).map(async (pool) => {
        const remembered = tenant.status?.pools?.find((p) => p.name === pool.name)?.ssName;
        const taken = await namesHeldByOthers(kube, ref.namespace, uid, [...new Set([remembered, tenantPoolStatefulSetName(ref.name, pool.name)])]);
        if (Object.keys(taken).length > 0) (pools[pool.name] ??= { pods: [] }).namesTaken = taken;
      }));
      const existingPools = owned.flatMap((s) => (s.metadata.labels?.['rustfs.pool'] ? [s.metadata.labels['rustfs.pool']] : []));
      const ownedDigest = ref.owned ? await ownedFingerprint(reader, { namespace: ref.namespace, labelSelector: selector }, ref.owned) : undefined;
      return { uid, generation: tenant.metadata.generation, spec: tenant.spec, conditions: tenant.status?.conditions, status: tenant.status, pools, existingPools, ...(ownedDigest ? { ownedDigest } : {}) };
    },

    /**
     * Applies the tenant's objects (its Services, a StatefulSet per pool) where they differ. With
     * `fingerprint`, also the fingerprint of those objects right after the writes, which the next steady
     * observation must see again: from the writes' answers and the reads that found objects holding.
     */
    async applyTenant(objects: KubeObject[], options: { fresh?: boolean; fingerprint?: { ref: ResourceRef; owned: OwnedRef[] } } = {}): Promise<ApplyResult & { ownedDigest?: string }> {
      const fingerprints = new Map<string, string>();
      const result = await applyObjects(kube, objects, { reader: cache && options.fresh === false ? cache : undefined, fingerprints });
      const print = options.fingerprint;
      if (!print) return result;
      const ownedDigest = await ownedFingerprint(api, { namespace: print.ref.namespace, labelSelector: tenantSelector(print.ref) }, print.owned, fingerprints);
      return { ...result, ...(ownedDigest ? { ownedDigest } : {}) };
    },

    /** Writes the tenant status (skipped when the tenant was deleted meanwhile). */
    async writeTenantStatus(input: ResourceRef & { status: TenantStatus }): Promise<void> {
      await unlessGone(() => kube.apply(`${tenantPath(input)}/status`, { apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: input.name, namespace: input.namespace }, status: input.status }));
    },

    /** Records Kubernetes Events on the tenant (skipped when its namespace is gone). */
    async recordTenantEvents(input: ResourceRef & { uid: string; events: TenantEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { kind: 'Tenant', apiVersion: 'rustfs.com/v1alpha1', ...input }));
    },

    /**
     * Deletes a removed pool's StatefulSet after `confirm-remove`: the one labelled with the pool and controlled by
     * the tenant, whatever its name (its claims stay, as Kubernetes keeps them).
     */
    async removeTenantPool(input: ResourceRef & { pool: string }): Promise<void> {
      const tenant = await kube.getOptional<{ metadata: { uid: string } }>(tenantPath(input));
      if (!tenant) return;
      const selector = `rustfs.tenant=${input.name},rustfs.pool=${input.pool}`;
      const sets = await kube.request<{ items: StatefulSetResource[] }>('GET', statefulSetsPath(input.namespace), { query: { labelSelector: selector } });
      for (const set of sets.items.filter((s) => controller(s.metadata.ownerReferences)?.uid === tenant.metadata.uid)) {
        await unlessGone(() => kube.delete(`${statefulSetsPath(input.namespace)}/${set.metadata.name}`));
      }
    },
  };
}

/** The label selector of a tenant's StatefulSets, Services and pods. */
function tenantSelector(ref: ResourceRef): string {
  return `rustfs.tenant=${ref.name}`;
}

function statefulSetsPath(namespace: string): string {
  return `/apis/apps/v1/namespaces/${namespace}/statefulsets`;
}

function controller(references: OwnerReference[] | undefined): OwnerReference | undefined {
  return references?.find((r) => r.controller);
}

/** Of the given StatefulSet names, those an object not controlled by the tenant `uid` holds, each with its holder. */
async function namesHeldByOthers(kube: KubeRest, namespace: string, uid: string, names: (string | undefined)[]): Promise<Record<string, string>> {
  const taken: Record<string, string> = {};
  for (const name of names) {
    if (!name) continue;
    const held = await kube.getOptional<StatefulSetResource>(`${statefulSetsPath(namespace)}/${name}`);
    const owner = controller(held?.metadata.ownerReferences);
    if (held && owner?.uid !== uid) taken[name] = owner ? `a StatefulSet controlled by ${owner.kind} ${namespace}/${owner.name}` : 'a StatefulSet with no controller';
  }
  return taken;
}

function statefulSetView(set: StatefulSetResource): StatefulSetView {
  const s = set.status ?? {};
  return {
    generation: set.metadata.generation, replicas: set.spec.replicas ?? 1, partition: set.spec.updateStrategy?.rollingUpdate?.partition ?? 0,
    status: {
      observedGeneration: s.observedGeneration, replicas: s.replicas ?? 0, readyReplicas: s.readyReplicas ?? 0, currentReplicas: s.currentReplicas ?? 0,
      updatedReplicas: s.updatedReplicas ?? 0, currentRevision: s.currentRevision, updateRevision: s.updateRevision,
    },
  };
}

function podView(pod: PodResource): PoolPodView {
  const conditions = pod.status?.conditions ?? [];
  return {
    name: pod.metadata.name,
    revision: pod.metadata.labels?.['controller-revision-hash'],
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    waitingReason: pod.status?.containerStatuses?.find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason,
    unschedulable: conditions.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
  };
}
