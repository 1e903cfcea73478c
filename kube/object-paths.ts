// Pure parsing of Kubernetes REST paths and equality label selectors, for the cache's bookkeeping.

/**
 * A namespaced collection: `/api/v1/namespaces/<ns>/<plural>` or `/apis/<group>/<version>/namespaces/<ns>/<plural>`,
 * or the collection in every namespace (`/api/v1/<plural>`, namespace '').
 */
export interface CollectionRef {
  /** `/api/v1` or `/apis/<group>/<version>`. */
  prefix: string;
  /** The namespace; '' for every namespace. */
  namespace: string;
  plural: string;
}

const COLLECTION = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/;
const EVERY_NAMESPACE = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/([^/]+)$/;
const OBJECT = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;

/** The collection of a collection path, in one namespace or every one (''); undefined for any other path. */
export function parseCollectionPath(path: string): CollectionRef | undefined {
  const match = COLLECTION.exec(path);
  if (match) return { prefix: match[1] ?? '', namespace: match[2] ?? '', plural: match[3] ?? '' };
  const every = EVERY_NAMESPACE.exec(path);
  return every && every[2] !== 'namespaces' ? { prefix: every[1] ?? '', namespace: '', plural: every[2] ?? '' } : undefined;
}

/** The collection and name of a namespaced object path; undefined for any other path (e.g. `/status`). */
export function parseObjectPath(path: string): { collection: CollectionRef; name: string } | undefined {
  const match = OBJECT.exec(path);
  return match ? { collection: { prefix: match[1] ?? '', namespace: match[2] ?? '', plural: match[3] ?? '' }, name: match[4] ?? '' } : undefined;
}

/** The requirements of an equality selector `k=v,k2=v2` (also `k==v`, and `k` alone: the key exists). */
function requirements(selector: string | undefined): { key: string; value?: string }[] {
  if (!selector) return [];
  return selector.split(',').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [key = '', value] = part.split(/==?/, 2);
    return value === undefined ? { key: key.trim() } : { key: key.trim(), value: value.trim() };
  });
}

/** The selector's `key=value` requirements, each of which an index by that label can answer. */
export function equalityRequirements(selector: string | undefined): { key: string; value: string }[] {
  return requirements(selector).flatMap((r) => (r.value === undefined ? [] : [{ key: r.key, value: r.value }]));
}

/** The keys a selector names, sorted: the cache watches objects that carry all of them. */
export function selectorKeys(selector: string | undefined): string[] {
  return [...new Set(requirements(selector).map((r) => r.key))].sort();
}

/**
 * Whether `labels` satisfy an equality selector. Set-based forms (`in`, `notin`, `!`) are not supported:
 * a selector that uses them throws, so a caller cannot silently read the wrong objects.
 */
export function selectorMatches(selector: string | undefined, labels: Record<string, string>): boolean {
  return labelMatcher(selector)(labels);
}

/** `selectorMatches` with the selector parsed once, for testing many objects against it. */
export function labelMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (selector && /[!()]|\s(in|notin)\s/.test(selector)) throw new Error(`label selector ${selector}: only k=v and k are supported by the cache`);
  const required = requirements(selector);
  return (labels) => required.every((r) => (r.value === undefined ? r.key in labels : labels[r.key] === r.value));
}
