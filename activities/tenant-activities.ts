import { liveClaimTemplates, type LiveClaimTemplate } from '../domain/claim-templates.js';
import type { Condition } from '../domain/conditions.js';
import type { ResourceRef } from '../domain/names.js';
import type { KubeObject } from '../domain/pool-objects.js';
import type { ObservedTenantPool, TenantEvent, TenantStatus } from '../domain/tenant-decision.js';
import type { TenantSpec } from '../domain/tenant-objects.js';
import type { PoolPodView, StatefulSetView } from '../domain/tenant-pool-state.js';
import { applyObjects, unlessGone, type ApplyResult } from './kube/apply-objects.js';
import { recordEvents } from './kube/events.js';
import type { KubeRest } from './kube/rest.js';

interface StatefulSetResource {
  metadata: { name: string; generation: number; labels?: Record<string, string> };
  spec: { replicas?: number; updateStrategy?: { rollingUpdate?: { partition?: number } }; volumeClaimTemplates?: LiveClaimTemplate[] };
  status?: { observedGeneration?: number; replicas?: number; readyReplicas?: number; currentReplicas?: number; updatedReplicas?: number; currentRevision?: string; updateRevision?: string };
}

interface PodResource {
  metadata: { name: string; labels?: Record<string, string> };
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
  /** Pools that have a StatefulSet in the cluster (by the `rustfs.pool` label). */
  existingPools: string[];
}

/** Tenant activities: observe the tenant with its StatefulSets and pods, apply, write status, remove a pool. */
export function createTenantActivities(kube: KubeRest) {
  const tenantPath = (ref: ResourceRef): string => `/apis/rustfs.com/v1alpha1/namespaces/${ref.namespace}/tenants/${ref.name}`;
  return {
    /** Reads the tenant, its pools' StatefulSets and pods; undefined when the tenant is gone. */
    async observeTenant(ref: ResourceRef): Promise<ObservedTenant | undefined> {
      const tenant = await kube.getOptional<{ metadata: { uid: string; generation: number }; spec: TenantSpec; status?: TenantStatus }>(tenantPath(ref));
      if (!tenant) return undefined;
      const selector = `rustfs.tenant=${ref.name}`;
      const [sets, pods] = await Promise.all([
        kube.request<{ items: StatefulSetResource[] }>('GET', `/apis/apps/v1/namespaces/${ref.namespace}/statefulsets`, { query: { labelSelector: selector } }),
        kube.request<{ items: PodResource[] }>('GET', `/api/v1/namespaces/${ref.namespace}/pods`, { query: { labelSelector: selector } }),
      ]);
      const pools: Record<string, ObservedTenantPool> = {};
      for (const set of sets.items) {
        const pool = set.metadata.labels?.['rustfs.pool'];
        if (pool) pools[pool] = { statefulSet: statefulSetView(set), pods: [], claimTemplates: liveClaimTemplates(set.spec.volumeClaimTemplates) };
      }
      for (const pod of pods.items) {
        const pool = pod.metadata.labels?.['rustfs.pool'];
        if (pool) (pools[pool] ??= { pods: [] }).pods.push(podView(pod));
      }
      const existingPools = sets.items.flatMap((s) => (s.metadata.labels?.['rustfs.pool'] ? [s.metadata.labels['rustfs.pool']] : []));
      return { uid: tenant.metadata.uid, generation: tenant.metadata.generation, spec: tenant.spec, conditions: tenant.status?.conditions, status: tenant.status, pools, existingPools };
    },

    /** Applies the pools' StatefulSets where they differ. */
    async applyTenant(objects: KubeObject[]): Promise<ApplyResult> {
      return applyObjects(kube, objects);
    },

    /** Writes the tenant status (skipped when the tenant was deleted meanwhile). */
    async writeTenantStatus(input: ResourceRef & { status: TenantStatus }): Promise<void> {
      await unlessGone(() => kube.apply(`${tenantPath(input)}/status`, { apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: input.name, namespace: input.namespace }, status: input.status }));
    },

    /** Records Kubernetes Events on the tenant (skipped when its namespace is gone). */
    async recordTenantEvents(input: ResourceRef & { uid: string; events: TenantEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { kind: 'Tenant', apiVersion: 'rustfs.com/v1alpha1', ...input }));
    },

    /** Deletes a removed pool's StatefulSet after `confirm-remove` (its claims stay, as Kubernetes keeps them). */
    async removeTenantPool(input: ResourceRef & { pool: string }): Promise<void> {
      await kube.delete(`/apis/apps/v1/namespaces/${input.namespace}/statefulsets/${input.name}-${input.pool}`);
    },
  };
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
