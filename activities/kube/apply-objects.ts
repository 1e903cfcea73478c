import { holdsSubset } from '../../domain/subset.js';
import type { KubeObject } from '../../domain/pool-objects.js';
import { objectPath } from './paths.js';
import type { KubeRest } from './rest.js';

/** What an apply did: the objects written, and how many already held their desired fields. */
export interface ApplyResult {
  applied: string[];
  unchanged: number;
}

/**
 * Server-side applies each object that does not already hold every desired field (compared with the
 * live object), so that applying an unchanged desired state writes nothing and a hand edit is undone.
 */
export async function applyObjects(kube: KubeRest, objects: readonly KubeObject[]): Promise<ApplyResult> {
  const result: ApplyResult = { applied: [], unchanged: 0 };
  for (const object of objects) {
    const path = objectPath(object);
    const current = await kube.getOptional<unknown>(path);
    if (current && holdsSubset(object, current)) {
      result.unchanged += 1;
      continue;
    }
    await kube.apply(path, object);
    result.applied.push(`${object.kind}/${object.metadata.name}`);
  }
  return result;
}
