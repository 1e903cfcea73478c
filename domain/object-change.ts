// What a watch event tells a later reader: the object's path and the resourceVersion it had (or that it
// was deleted). A reader of the worker's cache waits until the cache shows at least that, so a pass that a
// change woke can read the cache instead of the API.

/** One object's change, as a workflow's wake-up signal carries it. */
export interface ObjectChange {
  /** The object's REST path. */
  path: string;
  /** Its `metadata.resourceVersion` in the event (for a deletion: the last one seen). */
  resourceVersion: string;
  deleted?: boolean;
}

/** The most changes one signal or one pass carries; past that a pass reads the API. */
export const MAX_CHANGES = 16;

/** A resourceVersion KEP-5504 lets a client compare: a decimal integer of at most 128 bits, no leading zero. */
const DECIMAL = /^[1-9]\d{0,38}$/;

/**
 * Whether `held` is at least as new as `seen`, two resourceVersions of one object. Kubernetes documented
 * them as opaque until 1.35; KEP-5504 (kubernetes/enhancements#5504, client-go's
 * `resourceversion.CompareResourceVersion`, kubernetes/kubernetes#134330) makes them comparable as growing
 * integers within one resource, which the API server's etcd revisions always were. Two decimals compare as
 * numbers; anything else only when equal, so an unknown form reads as not yet seen and the reader goes to
 * the API.
 */
export function resourceVersionAtLeast(held: string | undefined, seen: string): boolean {
  if (held === undefined) return false;
  if (held === seen) return true;
  if (!DECIMAL.test(held) || !DECIMAL.test(seen)) return false;
  return held.length !== seen.length ? held.length > seen.length : held > seen;
}

/**
 * `changes` with `change` added: one entry per path, the newest kept. Undefined (the reader must go to the
 * API) when `changes` already was, or when more than MAX_CHANGES paths changed.
 */
export function withChange(changes: readonly ObjectChange[] | undefined, change: ObjectChange): ObjectChange[] | undefined {
  if (!changes) return undefined;
  const others = changes.filter((c) => c.path !== change.path);
  const previous = changes.find((c) => c.path === change.path);
  const newest = previous && !change.deleted && !resourceVersionAtLeast(change.resourceVersion, previous.resourceVersion) ? previous : change;
  const merged = [...others, newest];
  return merged.length > MAX_CHANGES ? undefined : merged;
}

/**
 * The changes a `resource-changed` signal's argument names, or undefined when it names none or is not of
 * that shape (a signal anyone can send: anything unexpected makes the pass read the API, never fails it).
 */
export function namedChanges(argument: unknown): ObjectChange[] | undefined {
  const changes = (argument as { changes?: unknown } | null | undefined)?.changes;
  if (!Array.isArray(changes) || changes.length === 0 || changes.length > MAX_CHANGES) return undefined;
  const valid = changes.every((c: unknown) => {
    const change = c as Partial<ObjectChange> | null;
    return typeof change === 'object' && change !== null && typeof change.path === 'string' && typeof change.resourceVersion === 'string'
      && (change.deleted === undefined || typeof change.deleted === 'boolean');
  });
  return valid ? (changes as ObjectChange[]).map(({ path, resourceVersion, deleted }) => ({ path, resourceVersion, ...(deleted ? { deleted } : {}) })) : undefined;
}
