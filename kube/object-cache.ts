// The worker's shared read cache: one list+watch per collection, held in memory and read by every
// activity, as controller-runtime's cached client reads its informers' stores. A steady reconcile pass
// then reads the cluster without an API request; a read that must be fresh goes to the API (`KubeReader`
// over `KubeRest`). Objects are kept without `managedFields` (the bulk of a small object); what a pass
// needs of them, the fingerprint of Steward's own fields, is computed once when an object arrives.
import { equalityRequirements, labelMatcher, parseCollectionPath, parseObjectPath, selectorKeys, selectorMatches, type CollectionRef } from './object-paths.js';
import { watchCollection, type RunningWatch, type WatchedChange, type WatchOptions } from './resource-watcher.js';
import { KubeApiError, type KubeRest } from './rest.js';
import { resourceVersionAtLeast, type ObjectChange } from '../domain/object-change.js';
import { stewardFieldsDigest } from './steward-fields.js';

/** What a reconcile pass reads the cluster through: the API itself, or the cache. */
export interface KubeReader {
  /** The object at `path`, or undefined when it does not exist. `labelSelector` hints which watch holds it. */
  get<T>(path: string, options?: { labelSelector?: string }): Promise<T | undefined>;
  /** The objects of a collection path (`.../namespaces/<ns>/<plural>`, or `.../<plural>` for every namespace) that match `labelSelector`. */
  list<T>(path: string, options?: { labelSelector?: string }): Promise<T[]>;
  /** The fingerprint of Steward's own fields of the object at `path` (see `stewardFieldsDigest`), or 'absent'. */
  fieldsDigest(path: string, options?: { labelSelector?: string }): Promise<string>;
  /**
   * Whether reads show `change` now (the object at its resourceVersion or newer, or gone when deleted),
   * waiting up to `waitMs` for a watch to bring it. The API always does; the cache may lag a moment.
   */
  reflects(change: ObjectChange, options: { labelSelector?: string; waitMs: number }): Promise<boolean>;
}

/** Reads that go to the API server every time: right after a write, or where no cache runs. */
export function apiReader(kube: KubeRest): KubeReader {
  return {
    get: (path) => kube.getOptional(path),
    async list<T>(path: string, options: { labelSelector?: string } = {}): Promise<T[]> {
      try {
        return (await kube.request<{ items: T[] }>('GET', path, { query: { labelSelector: options.labelSelector } })).items;
      } catch (error) {
        // A kind the cluster does not serve (e.g. no Gateway API) has no objects.
        if (error instanceof KubeApiError && error.status === 404) return [];
        throw error;
      }
    },
    async fieldsDigest(path) {
      const object = await kube.getOptional<unknown>(path);
      return object === undefined ? 'absent' : stewardFieldsDigest(object);
    },
    reflects: async () => true,
  };
}

/** Options of the cache. */
export interface ObjectCacheOptions {
  /** At most this many objects in all (default 50,000): a collection that would pass it is not cached. */
  maxObjects?: number;
  /** Cache only these namespaces (the worker's watched namespaces); reads elsewhere go to the API. */
  namespaces?: readonly string[];
  /** Where the watches report being lost and resumed (once per state change). */
  log?: (message: string) => void;
  /** The watches' retry options (tests shorten or lengthen the backoff). */
  watch?: WatchOptions;
}

/** Counters of the cache, for metrics and tests. */
export interface CacheStats {
  collections: number;
  objects: number;
  /** Reads answered from memory. */
  hits: number;
  /** Reads sent to the API because the collection was not (or no longer) complete. */
  misses: number;
  /** Completed lists, the first of each collection included: more than `collections` means relists. */
  lists: number;
}

export interface Entry {
  object: unknown;
  fieldsDigest: string;
}

interface Collection {
  ref: CollectionRef;
  /** True between a complete list and the next failure of the watch. */
  synced: boolean;
  /** Too many objects: reads of this collection go to the API. */
  overflow: boolean;
  /** The cluster does not serve this kind (its list answered 404, e.g. no Gateway API): no objects. */
  unserved: boolean;
  /** The objects by namespace, then name: a pass lists one namespace without going through the others. */
  objects: NamespacedEntries;
  watch: RunningWatch;
}

/** Labels of a cached object. */
const labelsOf = (entry: Entry): Record<string, string> => (entry.object as { metadata?: { labels?: Record<string, string> } }).metadata?.labels ?? {};

/**
 * Entries keyed by namespace and name, with their count. A list that selects by a label is answered from
 * an index of that label (built by the first such list, then kept up to date): at 1,000 pools in one
 * namespace, scanning every pod and Service for each pass's two lists was a quarter of the worker's main
 * thread (a CPU profile of the scale bench).
 */
export class NamespacedEntries {
  private readonly byNamespace = new Map<string, Map<string, Entry>>();
  /** Label key, then `namespace` NUL `value`, then name. */
  private readonly byLabel = new Map<string, Map<string, Map<string, Entry>>>();
  size = 0;

  /** The entries of `namespace` whose label `key` is `value` (a superset of a selector's matches that requires it). */
  withLabel(namespace: string, key: string, value: string): Iterable<Entry> {
    return this.labelBucket(namespace, key, value)?.values() ?? [];
  }

  /**
   * The entries of `namespace` ('' for every namespace) that `selector` selects: the candidates come from
   * the index of its narrowest `key=value` requirement when it has one, and the whole selector decides. A
   * pool's selector is `app.kubernetes.io/name=stellar-core,stellar.org/pool=<name>`: indexed by its first
   * label, every pool's pods and Services were candidates, and at 1,000 pools the scan was a third of the
   * worker's main thread again (a CPU profile of the scale bench, session 17).
   */
  *selected(namespace: string, selector: string | undefined): Iterable<Entry> {
    const matches = labelMatcher(selector);
    const candidates = namespace === '' ? this.inNamespace(namespace) : this.narrowest(namespace, equalityRequirements(selector));
    for (const entry of candidates) if (matches(labelsOf(entry))) yield entry;
  }

  /** The smallest of the requirements' label buckets (none when one is empty); every entry of `namespace` when there are no requirements. */
  private narrowest(namespace: string, required: readonly { key: string; value: string }[]): Iterable<Entry> {
    if (required.length === 0) return this.inNamespace(namespace);
    let smallest: Map<string, Entry> | undefined;
    for (const { key, value } of required) {
      const bucket = this.labelBucket(namespace, key, value);
      if (!bucket) return [];
      if (!smallest || bucket.size < smallest.size) smallest = bucket;
    }
    return smallest?.values() ?? [];
  }

  /** The index bucket of `key=value` in `namespace` (the index of `key` is built on first use); undefined when empty. */
  private labelBucket(namespace: string, key: string, value: string): Map<string, Entry> | undefined {
    let index = this.byLabel.get(key);
    if (!index) {
      index = new Map();
      this.byLabel.set(key, index);
      for (const [ns, names] of this.byNamespace) for (const [name, entry] of names) indexEntry(index, key, ns, name, entry);
    }
    return index.get(labelBucket(namespace, value));
  }

  get(namespace: string, name: string): Entry | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  has(namespace: string, name: string): boolean {
    return this.byNamespace.get(namespace)?.has(name) ?? false;
  }

  /** The entries of `namespace`, or of every namespace for ''. */
  *inNamespace(namespace: string): Iterable<Entry> {
    if (namespace !== '') {
      yield* this.byNamespace.get(namespace)?.values() ?? [];
      return;
    }
    for (const names of this.byNamespace.values()) yield* names.values();
  }

  set(namespace: string, name: string, entry: Entry): void {
    let names = this.byNamespace.get(namespace);
    if (!names) this.byNamespace.set(namespace, (names = new Map()));
    const previous = names.get(name);
    if (!previous) this.size += 1;
    names.set(name, entry);
    for (const [key, index] of this.byLabel) {
      if (previous) unindexEntry(index, key, namespace, name, previous);
      indexEntry(index, key, namespace, name, entry);
    }
  }

  delete(namespace: string, name: string): void {
    const names = this.byNamespace.get(namespace);
    const previous = names?.get(name);
    if (!names || !previous) return;
    names.delete(name);
    for (const [key, index] of this.byLabel) unindexEntry(index, key, namespace, name, previous);
    this.size -= 1;
    if (names.size === 0) this.byNamespace.delete(namespace);
  }

  clear(): void {
    this.byNamespace.clear();
    this.byLabel.clear();
    this.size = 0;
  }
}

/**
 * A shared, bounded cache of Kubernetes objects keyed by collection, namespace and name. A collection is
 * watched from its first read on; until its first list completes, and whenever its watch is lost, reads
 * of it go to the API (a belief is not an observation), and from the next complete list on they are served
 * from memory. Returned objects are shared: callers must not change them.
 */
export class ObjectCache implements KubeReader {
  private readonly collections = new Map<string, Collection>();
  private readonly api: KubeReader;
  private readonly maxObjects: number;
  private readonly counters = { hits: 0, misses: 0, lists: 0 };
  private stopped = false;

  constructor(private readonly kube: KubeRest, private readonly options: ObjectCacheOptions = {}) {
    this.api = apiReader(kube);
    this.maxObjects = options.maxObjects ?? 50_000;
  }

  async get<T>(path: string, options: { labelSelector?: string } = {}): Promise<T | undefined> {
    const entry = this.entry(path, options.labelSelector);
    if (entry === 'miss') return this.api.get<T>(path);
    return entry?.object as T | undefined;
  }

  async list<T>(path: string, options: { labelSelector?: string } = {}): Promise<T[]> {
    const parsed = parseCollectionPath(path);
    const collection = parsed && this.collection(parsed, options.labelSelector);
    if (!parsed || !collection?.synced || collection.overflow) {
      this.counters.misses += 1;
      return this.api.list<T>(path, options);
    }
    this.counters.hits += 1;
    return [...collection.objects.selected(parsed.namespace, options.labelSelector)].map((entry) => entry.object as T);
  }

  async fieldsDigest(path: string, options: { labelSelector?: string } = {}): Promise<string> {
    const entry = this.entry(path, options.labelSelector);
    if (entry === 'miss') return this.api.fieldsDigest(path);
    return entry?.fieldsDigest ?? 'absent';
  }

  async reflects(change: ObjectChange, options: { labelSelector?: string; waitMs: number }): Promise<boolean> {
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const shown = this.shows(change, options.labelSelector);
      if (shown !== 'not yet') return shown;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, REFLECT_POLL_MS));
    }
  }

  /**
   * Whether the cache shows `change`: true; not yet (also while the collection's first list or relist is
   * under way); false when it cannot hold that collection at all.
   */
  private shows(change: ObjectChange, labelSelector: string | undefined): boolean | 'not yet' {
    const parsed = parseObjectPath(change.path);
    const collection = parsed && this.collection(parsed.collection, labelSelector);
    if (!parsed || !collection || collection.overflow) return false;
    if (!collection.synced) return 'not yet';
    const entry = collection.objects.get(parsed.collection.namespace, parsed.name);
    const held = (entry?.object as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
    if (change.deleted) return entry === undefined || (held !== change.resourceVersion && resourceVersionAtLeast(held, change.resourceVersion)) || 'not yet';
    return resourceVersionAtLeast(held, change.resourceVersion) || 'not yet';
  }

  /** What the cache holds and how often it answered. */
  stats(): CacheStats {
    return { collections: this.collections.size, objects: this.objectCount(), ...this.counters };
  }

  private objectCount(): number {
    let objects = 0;
    for (const collection of this.collections.values()) objects += collection.objects.size;
    return objects;
  }

  /** Cuts every watch connection, as a network failure would (tests: the relist that follows). */
  interruptWatches(): void {
    for (const collection of this.collections.values()) collection.watch.interrupt();
  }

  /** Ends every watch; later reads go to the API. */
  stop(): void {
    this.stopped = true;
    for (const collection of this.collections.values()) collection.watch.stop();
    this.collections.clear();
  }

  /** The cached entry at `path` (undefined: absent), or 'miss' when the cache cannot answer. */
  private entry(path: string, labelSelector: string | undefined): Entry | undefined | 'miss' {
    const parsed = parseObjectPath(path);
    const collection = parsed && this.collection(parsed.collection, labelSelector);
    if (!parsed || !collection?.synced || collection.overflow) {
      this.counters.misses += 1;
      return 'miss';
    }
    this.counters.hits += 1;
    const entry = collection.objects.get(parsed.collection.namespace, parsed.name);
    // A selector-filtered watch holds only labelled objects: one that lost its labels reads as absent, and
    // the pass that then re-applies it puts them back.
    if (entry && !selectorMatches(labelSelector, ((entry.object as { metadata: { labels?: Record<string, string> } }).metadata.labels ?? {}))) return undefined;
    return entry;
  }

  /**
   * The collection that holds objects like `ref` under `labelSelector`: its watch lists every namespace
   * (or the one namespace, when the cache is scoped) filtered by the existence of the selector's keys, so
   * that all pools' pods share one watch while other pods stay out. Started on first use.
   */
  private collection(ref: CollectionRef, labelSelector: string | undefined): Collection | undefined {
    if (this.stopped) return undefined;
    const scoped = this.options.namespaces;
    if (scoped && !scoped.includes(ref.namespace)) return undefined;
    const keys = selectorKeys(labelSelector);
    const watchPath = scoped ? `${ref.prefix}/namespaces/${ref.namespace}/${ref.plural}` : `${ref.prefix}/${ref.plural}`;
    const key = `${watchPath}?${keys.join(',')}`;
    const known = this.collections.get(key);
    if (known) return known;
    const objects = new NamespacedEntries();
    const collection: Collection = {
      ref, synced: false, overflow: false, unserved: false, objects,
      watch: undefined as unknown as RunningWatch,
    };
    this.collections.set(key, collection);
    const onChange = (change: WatchedChange): void => {
      if (change.type === 'DELETED') {
        objects.delete(change.namespace, change.name);
        return;
      }
      if (!objects.has(change.namespace, change.name) && this.objectCount() >= this.maxObjects) {
        if (!collection.overflow) this.options.log?.(`cache: more than ${this.maxObjects} objects; ${watchPath} is read from the API from now on (raise STEWARD_CACHE_MAX_OBJECTS)`);
        collection.overflow = true;
        objects.clear();
        return;
      }
      if (!collection.overflow) objects.set(change.namespace, change.name, { object: withoutManagedFields(change.object), fieldsDigest: stewardFieldsDigest(change.object) });
    };
    collection.watch = watchCollection(this.kube, { path: watchPath, labelSelector: keys.length ? keys.join(',') : undefined }, onChange, this.options.log ?? (() => undefined), {
      ...this.options.watch,
      onListed: () => {
        collection.synced = true;
        collection.unserved = false;
        this.counters.lists += 1;
        this.options.watch?.onListed?.();
      },
      onListFailed: (error) => {
        collection.unserved = error instanceof KubeApiError && error.status === 404;
      },
      onLost: () => {
        // A kind the cluster does not serve reads as empty while the watch keeps checking for it.
        collection.synced = collection.unserved;
        this.options.watch?.onLost?.();
      },
    });
    return collection;
  }
}

/** How often `reflects` looks again while a watch has not brought a change yet. */
const REFLECT_POLL_MS = 5;

/** The object without `metadata.managedFields`, which can be larger than the rest of it. */
function withoutManagedFields(object: unknown): unknown {
  const { metadata } = object as { metadata?: Record<string, unknown> };
  if (!metadata || !('managedFields' in metadata)) return object;
  const { managedFields: _dropped, ...rest } = metadata;
  return { ...(object as object), metadata: rest };
}

function labelBucket(namespace: string, value: string): string {
  return `${namespace}\0${value}`;
}

function indexEntry(index: Map<string, Map<string, Entry>>, key: string, namespace: string, name: string, entry: Entry): void {
  const value = labelsOf(entry)[key];
  if (value === undefined) return;
  const bucket = labelBucket(namespace, value);
  let names = index.get(bucket);
  if (!names) index.set(bucket, (names = new Map()));
  names.set(name, entry);
}

function unindexEntry(index: Map<string, Map<string, Entry>>, key: string, namespace: string, name: string, entry: Entry): void {
  const value = labelsOf(entry)[key];
  if (value === undefined) return;
  const bucket = labelBucket(namespace, value);
  const names = index.get(bucket);
  if (!names) return;
  names.delete(name);
  if (names.size === 0) index.delete(bucket);
}
