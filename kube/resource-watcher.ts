import * as k8s from '@kubernetes/client-node';
import { noteKubeRequest, type KubeRest } from './rest.js';
import { WATCH_BACKOFF, watchFailed, watchListed, type BackoffPolicy, type WatchHealth } from './watch-health.js';

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

/** A running watch. */
export interface RunningWatch {
  /** Ends the watch for good. */
  stop: () => void;
  /** Cuts the current watch connection as a network failure would: the loop backs off, then relists. */
  interrupt: () => void;
}

/** Options of a watch's retry loop (tests shorten the backoff). */
export interface WatchOptions {
  backoff?: BackoffPolicy;
  /** Called after each successful list, once its changes were emitted (the collection is complete again). */
  onListed?: () => void;
  /** Called when the watch or a list fails: what was emitted may be stale until the next `onListed`. */
  onLost?: () => void;
  /** Called with the error of a failed list (before `onLost`), e.g. a 404 for a kind the cluster does not serve. */
  onListFailed?: (error: unknown) => void;
}

interface Item {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
}

interface Listed {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion: string };
  items: Item[];
}

/**
 * A list's items lack `apiVersion` and `kind` (the list names them once, as `<Kind>List`), while watch
 * events carry them: give listed items the same shape, so that a listed object compares equal to the object
 * it is.
 */
function typedItems(listed: Listed): Item[] {
  const kind = listed.kind?.endsWith('List') ? listed.kind.slice(0, -'List'.length) : undefined;
  if (!kind || !listed.apiVersion) return listed.items;
  return listed.items.map((item) => ({ apiVersion: listed.apiVersion, kind, ...item }));
}

/**
 * Lists then watches a collection, calling `onChange` for every object listed (as ADDED), every change
 * after, and (as DELETED) every object that vanished between two lists. Re-lists when the watch ends
 * (e.g. 410 Gone, a server timeout). While the API server cannot be reached it retries with exponential
 * backoff and jitter (1 s doubling to 30 s), and `log`s once when the watch is lost and once when it
 * resumes, never per retry. A successful list resets the backoff; its ADDED events wake every workflow
 * after an outage. Runs until `stop()`.
 */
export function watchCollection(kube: KubeRest, target: WatchTarget, onChange: (change: WatchedChange) => void, log: (message: string) => void, options: WatchOptions = {}): RunningWatch {
  const policy = options.backoff ?? WATCH_BACKOFF;
  const what = target.labelSelector ? `${target.path}?labelSelector=${target.labelSelector}` : target.path;
  const watch = new k8s.Watch(kube.config);
  const known = new Map<string, Item>();
  let health: WatchHealth = { state: 'up' };
  let stopped = false;
  let interrupted = false;
  let abort: AbortController | undefined;
  let wakeSleeper: (() => void) | undefined;

  const sleep = (ms: number): Promise<void> => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    wakeSleeper = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  const failed = async (reason: string): Promise<void> => {
    if (stopped) return;
    options.onLost?.();
    const step = watchFailed(health, what, reason, Date.now(), Math.random(), policy);
    health = step.health;
    if (step.message) log(step.message);
    await sleep(step.delayMs);
  };
  const seen = (type: WatchedChange['type'], item: Item): void => {
    const key = `${item.metadata.namespace}/${item.metadata.name}`;
    if (type === 'DELETED') known.delete(key);
    else known.set(key, item);
    emit(onChange, type, item);
  };
  const relisted = (items: Item[]): void => {
    const present = new Set(items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`));
    for (const [key, item] of [...known]) if (!present.has(key)) seen('DELETED', item);
    for (const item of items) seen('ADDED', item);
  };
  const watchOnce = (resourceVersion: string): Promise<Error | undefined> => new Promise((resolve) => {
    noteKubeRequest('WATCH', target.path);
    void watch.watch(target.path, { labelSelector: target.labelSelector, resourceVersion, allowWatchBookmarks: true },
      (type, object: Item) => {
        if (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED') seen(type, object);
      },
      (error: unknown) => resolve(error ? (error as Error) : undefined),
    ).then((controller) => {
      abort = controller;
      if (stopped) controller.abort();
    }, (error: unknown) => resolve(error as Error));
  });

  const loop = async (): Promise<void> => {
    while (!stopped) {
      let listed: Listed;
      try {
        listed = await kube.request<Listed>('GET', target.path, { query: { labelSelector: target.labelSelector } });
      } catch (error) {
        options.onListFailed?.(error);
        await failed((error as Error).message);
        continue;
      }
      if (stopped) return;
      const step = watchListed(health, what, Date.now());
      health = step.health;
      if (step.message) log(step.message);
      relisted(typedItems(listed));
      options.onListed?.();
      const ended = await watchOnce(listed.metadata.resourceVersion);
      if (interrupted && !stopped) {
        interrupted = false;
        await failed('the watch connection was cut');
      } else if (ended && !stopped) await failed(ended.message);
    }
  };
  void loop();
  return {
    stop: () => {
      stopped = true;
      abort?.abort();
      wakeSleeper?.();
    },
    interrupt: () => {
      interrupted = true;
      abort?.abort();
    },
  };
}

function emit(onChange: (change: WatchedChange) => void, type: WatchedChange['type'], object: Item): void {
  onChange({ type, namespace: object.metadata.namespace, name: object.metadata.name, labels: object.metadata.labels ?? {}, object });
}
