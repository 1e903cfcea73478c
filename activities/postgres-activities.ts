import type { ResourceRef } from '../domain/names.js';
import type { ReplicaCheckResult } from '../domain/replica-health.js';
import {
  routeLabel, routeLabelProblem, validateReplicaSetSpec, type PodRoute, type Refusal, type ReplicaSetObservation, type ReplicaSetSpec,
  type ReplicaSetStatus,
} from '../domain/replica-set.js';
import { HEALTH_KEY, healthConfigMapName } from '../domain/replica-set-health.js';
import { applyObjects, unlessGone } from '../kube/apply-objects.js';
import { recordEvents, type KubeEvent } from '../kube/events.js';
import type { KubeRest } from '../kube/rest.js';
import { checkReplicaServers } from './postgres-checks.js';
import { ensureFinalizer, observeRoutePods, refusalOf, releaseFinalizer, replicaSetPath, setRouteLabel } from './postgres-routing.js';

export { routeLabel } from '../domain/replica-set.js';
export type { ObservedReplicaSet } from '../domain/replica-set.js';

interface ReplicaSetResource {
  metadata: { uid: string; generation: number; resourceVersion: string; deletionTimestamp?: string; finalizers?: string[] };
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** What a route apply did: the pods whose label changed, and what the API server refused. */
export interface RouteResult {
  changed: string[];
  refused: Refusal[];
}

/** The routing Service of a set, owned by it. */
function routingService(ref: ResourceRef & { uid: string }, service: NonNullable<ReplicaSetSpec['routingService']>) {
  const port = service.port ?? 5432;
  return {
    apiVersion: 'v1', kind: 'Service',
    metadata: {
      name: service.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' },
      ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', name: ref.name, uid: ref.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: { selector: { [routeLabel(ref.name)]: 'true' }, ports: [{ name: 'postgres', port, targetPort: port }] },
  };
}

/** The `<name>-health` ConfigMap holding the published health document, owned by the set. */
function healthConfigMap(ref: ResourceRef & { uid: string }, text: string) {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: healthConfigMapName(ref.name), namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' },
      ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', name: ref.name, uid: ref.uid, controller: true, blockOwnerDeletion: true }],
    },
    data: { [HEALTH_KEY]: text },
  };
}

interface ConfigMapObject {
  metadata: { ownerReferences?: { uid: string; controller?: boolean }[] };
  data?: Record<string, string>;
}

/** The set's health ConfigMap as the decision needs it: its document and whether the set controls it. */
async function observeHealthConfigMap(kube: KubeRest, ref: ResourceRef, uid: string): Promise<ReplicaSetObservation['healthConfigMap']> {
  const map = await kube.getOptional<ConfigMapObject>(`/api/v1/namespaces/${ref.namespace}/configmaps/${healthConfigMapName(ref.name)}`);
  if (!map) return undefined;
  const owned = (map.metadata.ownerReferences ?? []).some((owner) => owner.controller === true && owner.uid === uid);
  return { owned, text: map.data?.[HEALTH_KEY] };
}

/** Applies the health ConfigMap when the decision publishes a new document; a 403 or 422 is returned as a refusal. */
async function publishHealth(kube: KubeRest, ref: ResourceRef & { uid: string }, text: string | undefined): Promise<Refusal[]> {
  if (text === undefined) return [];
  try {
    await kube.apply(`/api/v1/namespaces/${ref.namespace}/configmaps/${healthConfigMapName(ref.name)}`, healthConfigMap(ref, text));
    return [];
  } catch (error) {
    const refusal = refusalOf(error, `ConfigMap ${ref.namespace}/${healthConfigMapName(ref.name)}`);
    if (refusal) return [refusal];
    throw error;
  }
}

/** Applies the routing Service; a 403 or 422 is returned as a refusal. */
async function applyRoutingService(kube: KubeRest, ref: ResourceRef & { uid: string }, service: ReplicaSetSpec['routingService']): Promise<Refusal[]> {
  if (!service) return [];
  const object = `Service ${ref.namespace}/${service.name}`;
  try {
    const result = await applyObjects(kube, [routingService(ref, service)]);
    return (result.refused ?? []).map((r) => ({ reason: 'Refused', object, detail: r.message }));
  } catch (error) {
    const refusal = refusalOf(error, object);
    if (refusal) return [refusal];
    throw error;
  }
}

/**
 * PostgresReplicaSet activities. Credentials are read from the referenced Secret inside the checks and
 * never returned, so no password enters workflow history. A workflow pass calls `observeReplicaSet`, then
 * either `releaseReplicaSet` (deleting) or `routeReplicaSet`, `writeReplicaSetStatus` and
 * `recordReplicaSetEvents` as decided. `checkReplicas` and `applyReplicaRouting` stay for histories
 * recorded before `observeReplicaSet` did the checks.
 */
export function createPostgresActivities(kube: KubeRest) {
  return {
    /**
     * Reads everything one pass decides from: the resource, the pods the spec names or that carry the route
     * label, one health check per replica, and the health ConfigMap (`<name>-health`). Adds the route-labels finalizer on first sight (a 403 is
     * returned in `refusals`). While the resource is being deleted it reads nothing more (`deleting`).
     * Undefined when the resource is gone. Throws only transient API failures, to be retried.
     */
    async observeReplicaSet(ref: ResourceRef): Promise<ReplicaSetObservation | undefined> {
      const set = await kube.getOptional<ReplicaSetResource>(replicaSetPath(ref));
      if (!set) return undefined;
      const base = { ...ref, uid: set.metadata.uid, generation: set.metadata.generation, spec: set.spec, status: set.status };
      if (set.metadata.deletionTimestamp) return { ...base, deleting: true, pods: [], checks: {}, refusals: [] };
      const refusal = await ensureFinalizer(kube, ref, set);
      // An invalid spec may make an invalid label selector; the decision reads no pods then.
      const valid = validateReplicaSetSpec(ref.name, set.spec).length === 0;
      const [pods, checks, healthConfigMap] = await Promise.all([
        valid ? observeRoutePods(kube, ref.namespace, routeLabel(ref.name), set.spec) : [],
        checkReplicaServers(kube, ref.namespace, set.spec, ref.name),
        observeHealthConfigMap(kube, ref, set.metadata.uid),
      ]);
      return { ...base, deleting: false, pods, checks, healthConfigMap, refusals: refusal ? [refusal] : [] };
    },

    /**
     * Health-checks every replica of `spec` (see `observeReplicaSet`, which does this too). A failing
     * replica, and a missing, forbidden or not opted-in Secret, are results, not errors. Recorded histories
     * pass no `name`: no Secret opts in to a set it cannot name, so their checks are refused.
     */
    async checkReplicas(input: { namespace: string; name?: string; spec: ReplicaSetSpec }): Promise<Record<string, ReplicaCheckResult>> {
      return checkReplicaServers(kube, input.namespace, input.spec, input.name);
    },

    /**
     * Sets or removes the route label on each pod as decided, then applies the routing Service selecting
     * the label (when the spec names one), then the health ConfigMap `<name>-health` (owned by the set) when
     * the decision publishes a new document (`health`). Writes nothing that already holds. A pod gone
     * meanwhile is skipped; a 403 or 422 is returned in `refused`.
     */
    async routeReplicaSet(input: ResourceRef & { uid: string; podRoutes: PodRoute[]; service?: ReplicaSetSpec['routingService']; health?: string }): Promise<RouteResult> {
      const label = routeLabel(input.name);
      const result: RouteResult = { changed: [], refused: [] };
      for (const route of input.podRoutes) {
        const outcome = await setRouteLabel(kube, input.namespace, route.pod, label, route.routed);
        if (outcome === 'changed') result.changed.push(route.pod);
        else if (typeof outcome === 'object') result.refused.push(outcome);
      }
      result.refused.push(...(await applyRoutingService(kube, input, input.service)));
      result.refused.push(...(await publishHealth(kube, input, input.health)));
      return result;
    },

    /**
     * Labels the routed pods among those the spec names, unlabels the others, and applies the routing
     * Service. Kept for recorded histories; new passes use `routeReplicaSet`. Throws on a refusal.
     */
    async applyReplicaRouting(input: ResourceRef & { uid: string; spec: ReplicaSetSpec; routedPods: string[] }): Promise<string[]> {
      const label = routeLabel(input.name);
      const pods = [input.spec.primary, ...input.spec.replicas].flatMap((s) => (s.podName ? [s.podName] : []));
      const changed: string[] = [];
      for (const pod of pods) {
        const outcome = await setRouteLabel(kube, input.namespace, pod, label, input.routedPods.includes(pod));
        if (typeof outcome === 'object') throw new Error(`cannot label pod ${input.namespace}/${pod}: ${outcome.detail ?? outcome.reason}`);
        if (outcome === 'changed') changed.push(pod);
      }
      const refused = await applyRoutingService(kube, input, input.spec.routingService);
      if (refused[0]) throw new Error(`cannot apply ${refused[0].object}: ${refused[0].detail ?? refused[0].reason}`);
      return changed;
    },

    /**
     * Cleanup of a deleted PostgresReplicaSet: removes its route label from every pod carrying it, then
     * removes the route-labels finalizer so that the deletion completes. Idempotent; returns the pods
     * unlabelled. Throws (to be retried) when a label cannot be removed: the finalizer stays until it is.
     */
    async releaseReplicaSet(ref: ResourceRef): Promise<{ unlabelled: string[] }> {
      const label = routeLabel(ref.name);
      const unlabelled: string[] = [];
      // A name too long for a label key never had a label set (and would make an invalid selector).
      if (!routeLabelProblem(ref.name)) {
        const list = await kube.request<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces/${ref.namespace}/pods`, { query: { labelSelector: `${label}=true` } });
        for (const pod of list.items) {
          const outcome = await setRouteLabel(kube, ref.namespace, pod.metadata.name, label, false);
          if (typeof outcome === 'object') throw new Error(`cannot remove ${label} from pod ${ref.namespace}/${pod.metadata.name}: ${outcome.detail ?? outcome.reason}`);
          if (outcome === 'changed') unlabelled.push(pod.metadata.name);
        }
      }
      await releaseFinalizer(kube, ref);
      return { unlabelled };
    },

    /** Writes the status (skipped when the resource was deleted meanwhile). */
    async writeReplicaSetStatus(input: ResourceRef & { status: ReplicaSetStatus }): Promise<void> {
      const body = { apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: input.name, namespace: input.namespace }, status: input.status };
      await unlessGone(() => kube.apply(`${replicaSetPath(input)}/status`, body));
    },

    /** Records Events on the resource. */
    async recordReplicaSetEvents(input: ResourceRef & { uid: string; events: KubeEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { kind: 'PostgresReplicaSet', apiVersion: 'stellar.org/v1alpha1', ...input }));
    },
  };
}
