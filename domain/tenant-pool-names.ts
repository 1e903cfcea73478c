// Which StatefulSet name a Tenant pool runs under: the one it already has, or a new one no other tenant can share.
import { legacyTenantPoolStatefulSetName, MAX_STATEFULSET_NAME, tenantPoolStatefulSetName } from './names.js';

/** What the name choice needs of a pool's observation. */
export interface PoolNameObservation {
  /** The pool's StatefulSet, if one labelled with the pool and controlled by the tenant exists. */
  statefulSet?: unknown;
  /** Its name. Absent in observations recorded before names were observed: those were all legacy names. */
  statefulSetName?: string;
  /** Names this pool could take that an object not controlled by this tenant holds, each with its holder. */
  namesTaken?: Record<string, string>;
}

/** A pool's StatefulSet name, and why it cannot be applied when it cannot (`blocked`). */
export interface PoolNameChoice {
  name: string;
  blocked?: string;
}

/**
 * The StatefulSet name of a pool, in this order:
 * 1. the name of its live StatefulSet (a running pool is never renamed: its claims `vol-N-<name>-<ordinal>` and
 *    pods are named after it);
 * 2. `<tenant>-<pool>` when the observation shows a StatefulSet but predates recorded names;
 * 3. the name the status remembers (`ssName`), unless another object holds it or it is too long: after
 *    `kubectl delete statefulset --cascade=orphan` the pool comes back under its old name and keeps its pods
 *    and claims;
 * 4. `<tenant>-<pool>-<hash>` (see `tenantPoolStatefulSetName`), blocked when it exceeds 52 characters or
 *    another object holds it (it is then not applied: applying would take that object over).
 */
export function choosePoolStatefulSetName(tenant: { namespace: string; name: string }, pool: string, seen: PoolNameObservation | undefined, remembered?: string): PoolNameChoice {
  if (seen?.statefulSetName) return { name: seen.statefulSetName };
  if (seen?.statefulSet) return { name: legacyTenantPoolStatefulSetName(tenant.name, pool) };
  if (remembered && remembered.length <= MAX_STATEFULSET_NAME && !seen?.namesTaken?.[remembered]) return { name: remembered };
  const name = tenantPoolStatefulSetName(tenant.name, pool);
  if (name.length > MAX_STATEFULSET_NAME) {
    return { name, blocked: `pool ${pool}: its StatefulSet ${tenant.namespace}/${name} would have ${name.length} characters, and Kubernetes creates no pods for a StatefulSet name over ${MAX_STATEFULSET_NAME} (the controller-revision-hash label); shorten the pool name` };
  }
  const holder = seen?.namesTaken?.[name];
  if (holder) {
    return { name, blocked: `pool ${pool}: the StatefulSet name ${tenant.namespace}/${name} is held by ${holder}; rename the pool, or delete that StatefulSet if it is left over` };
  }
  return { name };
}
