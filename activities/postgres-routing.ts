import type { ResourceRef } from '../domain/names.js';
import { ROUTE_LABEL_PREFIX, ROUTE_LABELS_FINALIZER, type ObservedRoutePod, type Refusal, type ReplicaSetSpec } from '../domain/replica-set.js';
import { unlessGone } from '../kube/apply-objects.js';
import { KubeApiError, type KubeRest } from '../kube/rest.js';

interface PodMeta {
  metadata: { name: string; labels?: Record<string, string> };
}

/** The REST path of a PostgresReplicaSet. */
export const replicaSetPath = (ref: ResourceRef): string => `/apis/stellar.org/v1alpha1/namespaces/${ref.namespace}/postgresreplicasets/${ref.name}`;

const podPath = (namespace: string, pod: string): string => `/api/v1/namespaces/${namespace}/pods/${pod}`;

/** A 403 or 422 from the API server as a refusal of `object`; undefined for any other error. */
export function refusalOf(error: unknown, object: string): Refusal | undefined {
  if (!(error instanceof KubeApiError)) return undefined;
  if (error.status === 403) return { reason: 'Forbidden', object, detail: `${error.call}: 403 ${error.reason}: ${error.apiMessage}` };
  if (error.status === 422) return { reason: 'Refused', object, detail: `422 ${error.reason}: ${error.apiMessage}` };
  return undefined;
}

/**
 * The pods the spec names plus those carrying `label=true`, each with whether it carries the label and its
 * labels (the decision checks them against the set's pod selector). Pods that do not exist are left out.
 */
export async function observeRoutePods(kube: KubeRest, namespace: string, label: string, spec: ReplicaSetSpec): Promise<ObservedRoutePod[]> {
  const list = await kube.request<{ items: PodMeta[] }>('GET', `/api/v1/namespaces/${namespace}/pods`, { query: { labelSelector: `${label}=true` } });
  const pods = new Map(list.items.map((pod) => [pod.metadata.name, pod]));
  const named = [...new Set([spec.primary, ...spec.replicas].flatMap((s) => (s.podName ? [s.podName] : [])))].filter((name) => !pods.has(name));
  const found = await Promise.all(named.map((name) => kube.getOptional<PodMeta>(podPath(namespace, name))));
  for (const pod of found) if (pod) pods.set(pod.metadata.name, pod);
  const observed = [...pods.values()].map((pod) => {
    const labels = pod.metadata.labels ?? {};
    return { name: pod.metadata.name, routed: labels[label] === 'true', labels };
  });
  return observed.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** What one route label write did. */
export type RouteLabelOutcome = 'changed' | 'unchanged' | 'gone' | Refusal;

/**
 * Sets (`routed`) or removes `label` on one pod by server-side apply. All Steward writes share one field
 * manager, whose applied labels on a pod replace the previous ones, so the other PostgresReplicaSets' route
 * labels the pod carries are re-applied with it (a pod can serve several sets, e.g. a shared primary).
 * A pod that is gone is not an error; a 403 or 422 is returned as a refusal.
 */
export async function setRouteLabel(kube: KubeRest, namespace: string, pod: string, label: string, routed: boolean): Promise<RouteLabelOutcome> {
  const path = podPath(namespace, pod);
  const current = await kube.getOptional<PodMeta>(path);
  if (!current) return 'gone';
  const labels = current.metadata.labels ?? {};
  if ((labels[label] === 'true') === routed) return 'unchanged';
  const others = Object.entries(labels).filter(([key, value]) => key !== label && key.startsWith(ROUTE_LABEL_PREFIX) && value === 'true');
  const applied = Object.fromEntries(routed ? [...others, [label, 'true']] : others);
  try {
    let outcome: RouteLabelOutcome = 'gone';
    await unlessGone(async () => {
      await kube.apply(path, { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, labels: applied } });
      outcome = 'changed';
    });
    return outcome;
  } catch (error) {
    const refusal = refusalOf(error, `Pod ${namespace}/${pod}`);
    if (refusal) return refusal;
    throw error;
  }
}

interface FinalizedObject {
  metadata: { resourceVersion: string; finalizers?: string[] };
}

/**
 * Sets the finalizers of a PostgresReplicaSet by merge patch with its resourceVersion as precondition
 * (a concurrent change answers 409 Conflict, thrown to be retried). Not server-side apply: people and
 * tests apply these resources with the same field manager, and an apply of only `metadata.finalizers`
 * would drop the spec they applied.
 */
async function patchFinalizers(kube: KubeRest, ref: ResourceRef, resourceVersion: string, finalizers: string[]): Promise<void> {
  await kube.mergePatch(replicaSetPath(ref), { metadata: { finalizers, resourceVersion } });
}

/** Adds the route-labels finalizer unless present; a 403 is returned as a refusal. */
export async function ensureFinalizer(kube: KubeRest, ref: ResourceRef, set: FinalizedObject): Promise<Refusal | undefined> {
  const finalizers = set.metadata.finalizers ?? [];
  if (finalizers.includes(ROUTE_LABELS_FINALIZER)) return undefined;
  try {
    await patchFinalizers(kube, ref, set.metadata.resourceVersion, [...finalizers, ROUTE_LABELS_FINALIZER]);
    return undefined;
  } catch (error) {
    const refusal = refusalOf(error, `PostgresReplicaSet ${ref.namespace}/${ref.name}`);
    if (refusal) return refusal;
    throw error;
  }
}

/** Removes the route-labels finalizer (nothing when absent or the resource is gone). */
export async function releaseFinalizer(kube: KubeRest, ref: ResourceRef): Promise<void> {
  const set = await kube.getOptional<FinalizedObject>(replicaSetPath(ref));
  const finalizers = set?.metadata.finalizers ?? [];
  if (!set || !finalizers.includes(ROUTE_LABELS_FINALIZER)) return;
  await unlessGone(() => patchFinalizers(kube, ref, set.metadata.resourceVersion, finalizers.filter((f) => f !== ROUTE_LABELS_FINALIZER)));
}
