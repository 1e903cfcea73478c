import { digestOf } from '../domain/digest.js';
import type { OwnedRef } from '../domain/owned-fingerprint.js';
import type { KubeReader } from '../kube/object-cache.js';
import { objectPath } from '../kube/paths.js';

/**
 * Digest of the fingerprints (Steward's fields, uid) of a resource's owned objects in `scope.namespace`,
 * each from `known` (by path) or read through `reader`, whose cache finds them among the objects labelled
 * `scope.labelSelector`; undefined when none are named.
 */
export async function ownedFingerprint(reader: KubeReader, scope: { namespace: string; labelSelector: string }, owned: readonly OwnedRef[], known: ReadonlyMap<string, string> = new Map()): Promise<string | undefined> {
  if (owned.length === 0) return undefined;
  const prints = await Promise.all(owned.map((o) => {
    const path = objectPath({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: scope.namespace } });
    return known.get(path) ?? reader.fieldsDigest(path, { labelSelector: scope.labelSelector });
  }));
  return digestOf(prints);
}
