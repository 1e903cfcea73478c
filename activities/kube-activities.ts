import { mergeConditions } from '../domain/conditions.js';
import type { ResourceRef } from '../domain/names.js';
import type { KubeRest } from './kube/rest.js';

const POOLS = '/apis/stellar.org/v1alpha1';

interface PoolObject {
  metadata: { generation: number };
  spec?: { loadBalancing?: { updateIntervalSeconds?: number } };
  status?: { conditions?: Parameters<typeof mergeConditions>[0] };
}

/** What the workflow needs to know of a pool right now. */
export interface ObservedPool {
  generation: number;
  updateIntervalSeconds?: number;
}

/**
 * Kubernetes activities: reads of custom resources and their status writes (server-side apply on the
 * status subresource, skipped when nothing changed).
 */
export function createKubeActivities(kube: KubeRest) {
  const poolPath = (ref: ResourceRef): string => `${POOLS}/namespaces/${ref.namespace}/readonlypools/${ref.name}`;
  return {
    /** Reads a ReadOnlyPool; undefined when it does not exist (deleted). */
    async observePool(ref: ResourceRef): Promise<ObservedPool | undefined> {
      const pool = await kube.getOptional<PoolObject>(poolPath(ref));
      if (!pool) return undefined;
      return { generation: pool.metadata.generation, updateIntervalSeconds: pool.spec?.loadBalancing?.updateIntervalSeconds };
    },

    /** Writes the pool's status: `observedGeneration` and a `Progressing` condition. */
    async writePoolStatus(input: ResourceRef & { generation: number }): Promise<boolean> {
      const pool = await kube.getOptional<PoolObject>(poolPath(input));
      if (!pool) return false;
      const conditions = mergeConditions(pool.status?.conditions, [
        { type: 'Progressing', status: 'True', reason: 'Observed', message: 'pool observed by its workflow', observedGeneration: input.generation },
      ], new Date().toISOString());
      await kube.apply(`${poolPath(input)}/status`, {
        apiVersion: 'stellar.org/v1alpha1',
        kind: 'ReadOnlyPool',
        metadata: { name: input.name, namespace: input.namespace },
        status: { observedGeneration: input.generation, conditions },
      });
      return true;
    },
  };
}
