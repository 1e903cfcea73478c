// What an apply left in the cluster, so that a later pass can tell, from what the cluster shows now, that
// applying again would change nothing. Level-based: no memory of "applied" counts unless the owned objects'
// fingerprint (Steward's own fields and uid of each) observed now is the one read right after that apply.
import { digestOf } from './digest.js';
import type { KubeObject } from './pool-objects.js';

/** An object a resource owns, as an observation looks it up (the resource's namespace is implied). */
export interface OwnedRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** What the last apply left: the desired state it applied, and the owned objects' fingerprint right after it. */
export interface AppliedFingerprint {
  /** Digest of the desired objects (and deletions) the apply was given. */
  desired: string;
  /** The objects it applied, whose fingerprint the next observation reads. */
  owned: OwnedRef[];
  /** Digest of those objects' fingerprints (Steward's fields and uid), from the writes' answers and reads. */
  ownedDigest: string;
}

/** The owned objects of a desired state. */
export function ownedRefs(objects: readonly KubeObject[]): OwnedRef[] {
  return objects.map((object) => ({ apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name }));
}

/**
 * Why the desired objects must be applied, or undefined when applying them could change nothing: they are
 * those of the last apply, and the owned objects' fingerprint observed now is the one read right after it
 * (nobody changed, removed or re-created them).
 */
export function heldReason(desired: string, observedOwnedDigest: string | undefined, last: AppliedFingerprint | undefined): string | undefined {
  if (!last) return 'no apply seen yet';
  if (desired !== last.desired) return 'desired objects changed';
  if (observedOwnedDigest !== last.ownedDigest) return 'owned objects changed in the cluster';
  return undefined;
}

/** Digest of desired objects, as `AppliedFingerprint.desired` keeps it. */
export function objectsDigest(objects: readonly KubeObject[]): string {
  return digestOf({ objects });
}

/**
 * What an apply left, for later passes to compare with: undefined when it gave no fingerprint, or when an
 * object was refused or skipped (that one does not hold what was desired, so the next pass applies again).
 */
export function appliedFingerprint(desired: string, owned: OwnedRef[], result: { ownedDigest?: string; refused?: readonly unknown[]; skipped: readonly unknown[] }): AppliedFingerprint | undefined {
  if (result.ownedDigest === undefined || (result.refused?.length ?? 0) > 0 || result.skipped.length > 0) return undefined;
  return { desired, owned, ownedDigest: result.ownedDigest };
}
