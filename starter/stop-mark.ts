import { KubeApiError, type KubeRest } from '../kube/rest.js';
import { networkSlug, type NetworkInput } from '../domain/network.js';
import { isMarkedStopped, STOPPED_ANNOTATION, stopMarkPatch } from '../domain/stop-mark.js';
import { kubeGet } from './connections.js';
import { namespaceScopeFromEnv, scopedPaths } from '../kube/namespace-scope.js';
import type { Target } from './targets.js';

interface Marked {
  metadata: { namespace: string; name: string; annotations?: Record<string, string> };
  spec?: { network?: NetworkInput };
}

/**
 * The StellarNodes of a validator set's network, in the namespaces of STEWARD_WATCH_NAMESPACES (all when
 * unset), as the worker of that scope sees the set. Throws naming the CRD when it is missing or not readable.
 */
export async function networkNodes(kube: KubeRest, target: Target & { network: string }): Promise<Marked[]> {
  const { kind, apiVersion, plural } = target.spec.resource;
  const paths = scopedPaths(namespaceScopeFromEnv().namespaces, (prefix) => `/apis/${apiVersion}${prefix}/${plural}`);
  const lists = await Promise.all(paths.map((path) => kubeGet<{ items: Marked[] }>(kube, path, `the ${kind} custom resource definition`, 'install the CRDs first')));
  const slug = networkSlug(target.network);
  return lists.flatMap((list) => list.items).filter((item) => item.spec?.network && networkSlug(item.spec.network) === slug);
}

/**
 * The objects that carry a target's stop mark: its resource, or every StellarNode of a validator set's
 * network (a validator set has no resource of its own). Resolves with [] when there is none.
 */
export async function markableObjects(kube: KubeRest, target: Target): Promise<Marked[]> {
  const { apiVersion, plural } = target.spec.resource;
  if (target.network) return networkNodes(kube, { ...target, network: target.network });
  const path = `/apis/${apiVersion}/namespaces/${target.namespace ?? ''}/${plural}/${target.name ?? ''}`;
  const found = await kube.getOptional<Marked>(path);
  return found ? [found] : [];
}

/**
 * Sets (`stopped`) or removes the stop mark on the given objects of a target's kind, with a JSON merge
 * patch that names only the annotation (see {@link stopMarkPatch}); objects already as wanted are not
 * written. Resolves with the `<namespace>/<name>` of the objects it changed. Throws an Error naming the
 * object and what to do when the API refuses (403: credentials).
 */
export async function setStopMark(kube: KubeRest, target: Target, objects: readonly Marked[], stopped: boolean): Promise<string[]> {
  const { kind, apiVersion, plural } = target.spec.resource;
  const changed: string[] = [];
  for (const object of objects) {
    if (isMarkedStopped(object.metadata) === stopped) continue;
    const { namespace, name } = object.metadata;
    try {
      await kube.mergePatch(`/apis/${apiVersion}/namespaces/${namespace}/${plural}/${name}`, stopMarkPatch(stopped));
    } catch (error) {
      if (error instanceof KubeApiError && error.status === 404) continue;
      const what = `${stopped ? 'set' : 'remove'} the annotation ${STOPPED_ANNOTATION} on ${kind} ${namespace}/${name}`;
      if (error instanceof KubeApiError && error.status === 403) throw new Error(`not allowed to ${what} (${error.apiMessage}): use credentials that may patch ${plural}`, { cause: error });
      throw new Error(`cannot ${what}: ${(error as Error).message}`, { cause: error });
    }
    changed.push(`${namespace}/${name}`);
  }
  return changed;
}
