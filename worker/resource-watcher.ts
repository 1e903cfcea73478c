import * as k8s from '@kubernetes/client-node';
import type { KubeRest } from '../activities/kube/rest.js';

/** A change seen on a watched collection. */
export interface WatchedChange {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  namespace: string;
  name: string;
  labels: Record<string, string>;
  object: unknown;
}

/** What to watch. */
export interface WatchTarget {
  /** Collection path, e.g. `/apis/stellar.org/v1alpha1/readonlypools` (all namespaces). */
  path: string;
  labelSelector?: string;
}

interface Listed {
  metadata: { resourceVersion: string };
  items: { metadata: { name: string; namespace: string; labels?: Record<string, string> } }[];
}

/**
 * Lists then watches a collection, calling `onChange` for every object listed (as ADDED) and every
 * change after; re-lists after the watch ends or fails (e.g. 410 Gone). Runs until `stop()`.
 */
export function watchCollection(kube: KubeRest, target: WatchTarget, onChange: (change: WatchedChange) => void, log: (message: string) => void): { stop: () => void } {
  let stopped = false;
  let abort: AbortController | undefined;
  const watch = new k8s.Watch(kube.config);
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        const listed = await kube.request<Listed>('GET', target.path, { query: { labelSelector: target.labelSelector } });
        for (const item of listed.items) emit(onChange, 'ADDED', item);
        await new Promise<void>((resolve) => {
          void watch.watch(target.path, { labelSelector: target.labelSelector, resourceVersion: listed.metadata.resourceVersion, allowWatchBookmarks: true },
            (type, object: Listed['items'][number]) => {
              if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') emit(onChange, type, object);
            },
            () => resolve(),
          ).then((controller) => {
            abort = controller;
            if (stopped) controller.abort();
          }, () => resolve());
        });
      } catch (error) {
        if (!stopped) log(`watch ${target.path} failed (${(error as Error).message}); retrying in 1 s`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
      abort?.abort();
    },
  };
}

function emit(onChange: (change: WatchedChange) => void, type: WatchedChange['type'], object: Listed['items'][number]): void {
  onChange({ type, namespace: object.metadata.namespace, name: object.metadata.name, labels: object.metadata.labels ?? {}, object });
}
