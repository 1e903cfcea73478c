import { holdsSubset } from '../domain/subset.js';
import { stewardFieldsDigest } from './steward-fields.js';
import type { ObjectChange } from '../domain/object-change.js';
import type { KubeObject } from '../domain/pool-objects.js';
import { activityLog } from '../activities/activity-log.js';
import { objectPath } from './paths.js';
import type { KubeReader } from './object-cache.js';
import { KubeApiError, type KubeRest } from './rest.js';

/** What an apply did: the objects written, how many already held their desired fields, and skips. */
export interface ApplyResult {
  applied: string[];
  unchanged: number;
  /** Objects whose namespace is gone or terminating: nothing to converge, the next pass re-observes. */
  skipped: string[];
  /** Changes the API server refuses: invalid (a field that cannot change in place) or forbidden (RBAC, admission). */
  refused?: { object: string; message: string }[];
}

/** How `applyObjects` reads and what it reports besides its result. */
export interface ApplyOptions {
  /** Objects handled at once (default 8): they are independent. */
  concurrency?: number;
  /**
   * Where the live objects are read (default: the API). A steady pass gives the worker's cache, watched by
   * the desired labels' keys: an object the cache shows stale is written again, which changes nothing, or
   * found changed by a later pass.
   */
  reader?: KubeReader;
  /** The label selector `reader` is read under (default: the desired object's own labels). */
  labelSelector?: string;
  /**
   * Filled with each object's fingerprint (Steward's fields and uid, `stewardFieldsDigest`) as the apply
   * left it, by object path: from the write's answer, or from the read that found it holding. Objects
   * skipped because their namespace is gone have none.
   */
  fingerprints?: Map<string, string>;
  /** Filled with the path and resourceVersion of each object written, as its write's answer gives them. */
  written?: ObjectChange[];
}

/**
 * Server-side applies each object that does not already hold every desired field (compared with the
 * live object), so that applying an unchanged desired state writes nothing and a hand edit is undone.
 */
export async function applyObjects(kube: KubeRest, objects: readonly KubeObject[], options: ApplyOptions = {}): Promise<ApplyResult> {
  const { concurrency = 8 } = options;
  const result: ApplyResult = { applied: [], unchanged: 0, skipped: [] };
  const queue = [...objects];
  const lane = async (): Promise<void> => {
    for (let object = queue.shift(); object; object = queue.shift()) await applyOne(kube, object, result, options);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, objects.length) }, lane));
  return result;
}

async function applyOne(kube: KubeRest, object: KubeObject, result: ApplyResult, options: ApplyOptions): Promise<void> {
  {
    const { reader, fingerprints } = options;
    const path = objectPath(object);
    const labels = options.labelSelector ?? Object.entries(object.metadata.labels ?? {}).map(([key, value]) => `${key}=${value}`).join(',');
    const current = reader ? await reader.get<unknown>(path, { labelSelector: labels || undefined }) : await kube.getOptional<unknown>(path);
    // The cache keeps fingerprints apart from its objects (it drops managedFields); the API's object has them.
    const readFingerprint = async (): Promise<string> => {
      if (current === undefined) return 'absent';
      return reader ? reader.fieldsDigest(path, { labelSelector: labels || undefined }) : stewardFieldsDigest(current);
    };
    if (current && holdsSubset(object, current)) {
      result.unchanged += 1;
      fingerprints?.set(path, await readFingerprint());
      return;
    }
    try {
      const written = await kube.apply<{ metadata: { resourceVersion: string } }>(path, object);
      // The write's answer is the object as stored: the fingerprint a read right after it would give.
      fingerprints?.set(path, stewardFieldsDigest(written));
      options.written?.push({ path, resourceVersion: written.metadata.resourceVersion });
      result.applied.push(`${object.kind}/${object.metadata.name}`);
      activityLog().info(`applied ${object.kind} ${object.metadata.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata.name}`, { object: path });
    } catch (error) {
      if (refusal(error)) {
        (result.refused ??= []).push({ object: `${object.kind}/${object.metadata.name}`, message: error.apiMessage });
        fingerprints?.set(path, await readFingerprint());
        activityLog().warn(`the API server refused ${object.kind} ${object.metadata.name}: ${error.apiMessage}`, { object: path });
        return;
      }
      if (!namespaceGone(error)) throw error;
      result.skipped.push(`${object.kind}/${object.metadata.name}`);
    }
  }
}

/**
 * A write the API server refuses for this object alone: invalid (422) or forbidden (403, e.g. by RBAC or an
 * admission policy). The other objects still converge; the refusal goes on the resource's status.
 */
function refusal(error: unknown): error is KubeApiError {
  return error instanceof KubeApiError && (error.status === 422 || (error.status === 403 && !namespaceGone(error)));
}

/** A write refused because the object's namespace no longer exists or is being deleted. */
export function namespaceGone(error: unknown): boolean {
  if (!(error instanceof KubeApiError)) return false;
  return (error.status === 404 && /namespaces? .*not found/i.test(error.apiMessage)) || (error.status === 403 && /being terminated/i.test(error.apiMessage));
}

/**
 * Runs a write; an object or namespace deleted meanwhile is not an error (the next iteration observes it
 * gone). Any other failure is thrown, to be retried.
 */
export async function unlessGone(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof KubeApiError && error.status === 404) && !namespaceGone(error)) throw error;
  }
}
