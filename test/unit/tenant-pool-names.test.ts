import { describe, expect, it } from '@jest/globals';
import { tenantPoolStatefulSetName } from '../../domain/names.js';
import { choosePoolStatefulSetName, type PoolNameObservation } from '../../domain/tenant-pool-names.js';

const tenant = { namespace: 'ns', name: 'store' };
const fresh = tenantPoolStatefulSetName('store', 'a');
const live = { generation: 1 };

describe('choosePoolStatefulSetName', () => {
  it.each<[string, PoolNameObservation | undefined, string | undefined, string]>([
    ['a new pool gets <tenant>-<pool>-<hash>', undefined, undefined, fresh],
    ['a live StatefulSet keeps its name, legacy or not', { statefulSet: live, statefulSetName: 'store-a' }, undefined, 'store-a'],
    ['a live StatefulSet keeps its name over the remembered one', { statefulSet: live, statefulSetName: fresh }, 'store-a', fresh],
    ['an observation from before names were recorded is the legacy name', { statefulSet: live }, undefined, 'store-a'],
    ['a StatefulSet deleted with --cascade=orphan comes back under the remembered name', { pods: [] } as PoolNameObservation, 'store-a', 'store-a'],
    ['a remembered name held by another tenant is given up for a new one', { namesTaken: { 'store-a': 'a StatefulSet controlled by Tenant ns/store-a' } }, 'store-a', fresh],
    ['a remembered name too long to run is given up', undefined, 'x'.repeat(53), fresh],
  ])('%s', (_case, seen, remembered, name) => {
    expect(choosePoolStatefulSetName(tenant, 'a', seen, remembered)).toEqual({ name });
  });

  it('blocks a new name another object holds, naming it and what to do', () => {
    const choice = choosePoolStatefulSetName(tenant, 'a', { namesTaken: { [fresh]: 'a StatefulSet with no controller' } });
    expect(choice.name).toBe(fresh);
    expect(choice.blocked).toBe(`pool a: the StatefulSet name ns/${fresh} is held by a StatefulSet with no controller; rename the pool, or delete that StatefulSet if it is left over`);
  });

  it.each([[20, 22, false], [20, 23, true], [1, 42, true]])('tenant of %i and pool of %i characters: blocked for length %p', (t, p, blocked) => {
    const choice = choosePoolStatefulSetName({ namespace: 'ns', name: 't'.repeat(t) }, 'p'.repeat(p), undefined);
    expect(choice.blocked !== undefined).toBe(blocked);
    if (blocked) expect(choice.blocked).toMatch(/would have 5\d characters, and Kubernetes creates no pods for a StatefulSet name over 52 .*shorten the pool name/);
  });
});
