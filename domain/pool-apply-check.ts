// Whether a pool pass must run its apply at all. The apply itself writes only what differs, but calling
// it ships every desired object through the workflow's history; a steady pass should not. The check is
// level-based: it trusts no memory of "applied" unless what the cluster shows now (the fingerprint of
// Steward's own fields of each owned object, read by the observation) is what it was right after that apply.
import { digestOf } from './digest.js';
import type { PodPatch } from './pool-decision.js';
import type { KubeObject } from './pool-objects.js';
import type { ObservedPod } from './pool-observation.js';
import { heldReason, type AppliedFingerprint } from './owned-fingerprint.js';

/** Digest of what an apply would be given, pod patches aside (those are checked against the pods). */
export function desiredDigest(decision: { objects: readonly KubeObject[]; obsoleteServices: readonly string[]; obsoleteRoute?: string }): string {
  return digestOf({ objects: decision.objects, obsoleteServices: decision.obsoleteServices, obsoleteRoute: decision.obsoleteRoute });
}

/** The pod labels and annotations a pool writes (serving, shard), compared with what a pod shows. */
const MANAGED_POD_KEYS = ['stellar.org/serving', 'stellar.org/shard-id', 'stellar.org/archive-url', 'stellar.org/ledger-range'];

/** True when `pod` already shows every label and annotation of `patch`. */
export function podHolds(pod: ObservedPod, patch: PodPatch): boolean {
  return MANAGED_POD_KEYS.every((key) => (pod.labels[key] ?? pod.annotations[key]) === (patch.labels[key] ?? patch.annotations[key]));
}

/**
 * Why the pass must apply, or undefined when nothing could change: every pod shows its patch, nothing
 * is to be deleted, the desired objects are those of the last apply, and the owned objects' fingerprint
 * observed now is the one read right after it (nobody changed, removed or re-created them).
 */
export function applyReason(
  decision: { objects: readonly KubeObject[]; obsoleteServices: readonly string[]; obsoleteRoute?: string; podPatches: readonly PodPatch[] },
  pods: readonly ObservedPod[],
  observedOwnedDigest: string | undefined,
  last: AppliedFingerprint | undefined,
): string | undefined {
  if (decision.obsoleteServices.length > 0 || decision.obsoleteRoute) return 'objects to delete';
  const unheld = decision.podPatches.find((patch) => {
    const pod = pods.find((p) => p.name === patch.pod);
    return !pod || !podHolds(pod, patch);
  });
  if (unheld) return `pod ${unheld.pod} to label`;
  return heldReason(desiredDigest(decision), observedOwnedDigest, last);
}
