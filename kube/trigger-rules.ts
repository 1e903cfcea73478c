// Pure rules of the watch triggers: which change of a watched object matters, and whether a workflow's
// subject is stopped. No I/O; the trigger runner (resource-triggers.ts) applies them to watch events.
import { subjectWorkflowId, type WorkflowSubject } from '../domain/names.js';
import { isMarkedStopped } from '../domain/stop-mark.js';

/** What a trigger remembers of a managed resource's metadata, to tell a real change from a status write. */
export interface MetadataSnapshot {
  generation?: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  deletionTimestamp?: string;
}

interface ObjectMeta {
  metadata?: { generation?: number; labels?: Record<string, string>; annotations?: Record<string, string>; deletionTimestamp?: string };
}

/** The parts of an object's metadata that {@link resourceChangeMatters} compares. */
export function snapshotOf(object: unknown): MetadataSnapshot {
  const metadata = (object as ObjectMeta | undefined)?.metadata ?? {};
  return { generation: metadata.generation, labels: metadata.labels ?? {}, annotations: metadata.annotations ?? {}, deletionTimestamp: metadata.deletionTimestamp };
}

/**
 * Whether a change of a managed resource itself should wake its workflow. ADDED (a new object, or every
 * object again after a relist) and DELETED always do. MODIFIED does when `metadata.generation` moved (the
 * spec changed), or labels, annotations (the stop mark among them) or the deletion timestamp changed. A
 * status-only write (the workflow's own, or another controller's) wakes nobody. Without a previous
 * snapshot, or without a generation to compare, it matters.
 */
export function resourceChangeMatters(type: 'ADDED' | 'MODIFIED' | 'DELETED', previous: MetadataSnapshot | undefined, current: MetadataSnapshot): boolean {
  if (type !== 'MODIFIED' || !previous || current.generation === undefined) return true;
  return previous.generation !== current.generation
    || previous.deletionTimestamp !== current.deletionTimestamp
    || !sameRecord(previous.labels, current.labels)
    || !sameRecord(previous.annotations, current.annotations);
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** A managed resource as a trigger last saw it: the workflow subject it belongs to and its metadata. */
export interface IndexedResource {
  subject: WorkflowSubject;
  snapshot: MetadataSnapshot;
}

/**
 * True when any resource of this subject carries the stop mark: the resource itself, or, for a
 * validator set, any StellarNode of its network. A stopped subject's workflow is never started.
 */
export function subjectStopped(resources: Iterable<IndexedResource>, subject: WorkflowSubject): boolean {
  const id = subjectWorkflowId(subject);
  for (const resource of resources) {
    if (isMarkedStopped(resource.snapshot) && subjectWorkflowId(resource.subject) === id) return true;
  }
  return false;
}
