import { describe, expect, it } from '@jest/globals';
import type { ClaimTemplate } from '../../domain/claim-templates.js';
import { sameJson } from '../../domain/pool-status.js';
import { tenantPoolStatefulSetName } from '../../domain/names.js';
import { decideTenant, type ObservedTenantPool, type TenantStatus } from '../../domain/tenant-decision.js';
import type { PoolMemory, StatefulSetView } from '../../domain/tenant-pool-state.js';

const tenant = (pools: string[]) => ({
  namespace: 'ns', name: 't', uid: 'u', generation: 3,
  spec: { image: 'rustfs:1', pools: pools.map((name) => ({ name, servers: 2, persistence: { volumesPerServer: 1 } })) },
});
const sts = (ready: number, update = 'r1'): StatefulSetView => ({
  generation: 1, replicas: 2, partition: 0,
  status: { observedGeneration: 1, replicas: 2, readyReplicas: ready, currentReplicas: 2, updatedReplicas: update === 'r1' ? 2 : 0, currentRevision: 'r1', updateRevision: update },
});

describe('decideTenant', () => {
  it('is Ready with every pool complete, summing available replicas', () => {
    const d = decideTenant(tenant(['a', 'b']), { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, ['a', 'b'], {}, 0);
    expect(d.status).toEqual(expect.objectContaining({ currentState: 'Ready', availableReplicas: 4, observedGeneration: 3 }));
    expect(d.objects.map((o) => o.metadata.name)).toEqual(['t-hl', 't-io', 't-a', 't-b']);
  });

  it('is Blocked with Stalled=True when a pool rollout fails, naming pod and reason', () => {
    const failing = { statefulSet: sts(1, 'r2'), pods: [{ name: 't-a-1', revision: 'r2', ready: false, waitingReason: 'ImagePullBackOff' }] };
    const d = decideTenant(tenant(['a']), { a: failing }, ['a'], { a: { state: 'PoolRolloutComplete', everComplete: true } }, 0);
    expect(d.status.currentState).toBe('Blocked');
    expect(d.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'True', reason: 'RolloutFailed', message: expect.stringContaining('t-a-1') }));
  });

  it('is Reconciling while a pool is created, and reports a pool missing from the cluster as NotCreated', () => {
    const d = decideTenant(tenant(['a', 'b']), { a: { statefulSet: sts(2), pods: [] } }, ['a'], {}, 0);
    expect(d.status.currentState).toBe('Reconciling');
    expect(d.status.pools.map((p) => [p.name, p.state])).toEqual([['a', 'PoolRolloutComplete'], ['b', 'PoolNotCreated']]);
  });

  it('keeps a pool removed from the spec and blocks until removal is confirmed', () => {
    const d = decideTenant(tenant(['a']), { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, ['a', 'b'], {}, 0);
    expect(d.removalPending).toEqual(['b']);
    expect(d.objects.map((o) => o.metadata.name)).toEqual(['t-hl', 't-io', 't-a']);
    expect(d.status.currentState).toBe('Blocked');
  });

  it('a crash loop outside any rollout is PoolDegraded naming pod and reason, and the tenant Degraded, not Blocked', () => {
    const crashing = { statefulSet: sts(1), pods: [{ name: 't-a-1', revision: 'r1', ready: false, waitingReason: 'CrashLoopBackOff' }] };
    const memory = { a: { state: 'PoolDegraded' as const, everComplete: true } };
    const d = decideTenant(tenant(['a']), { a: crashing }, ['a'], memory, 0);
    expect(d.status.pools[0]).toEqual(expect.objectContaining({ state: 'PoolDegraded', message: expect.stringContaining('pod t-a-1 cannot run: CrashLoopBackOff') }));
    expect(d.status.currentState).toBe('Degraded');
    expect(d.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'False' }));
    expect(d.status.conditions.find((c) => c.type === 'Degraded')).toEqual(expect.objectContaining({ status: 'True', message: expect.stringContaining('t-a-1 cannot run: CrashLoopBackOff') }));
  });
});

describe('decideTenant with no memory resumes from the Tenant status', () => {
  const T0 = Date.UTC(2026, 0, 1);
  const rolling = (updated: number, ready: number): StatefulSetView => ({
    generation: 2, replicas: 2, partition: 0,
    status: { observedGeneration: 2, replicas: 2, readyReplicas: ready, currentReplicas: 2 - updated, updatedReplicas: updated, currentRevision: 'r1', updateRevision: 'r2' },
  });
  type Step = { pools: Record<string, ObservedTenantPool>; at: number };
  /** Runs the decisions a workflow would, writing status when it changes; returns the last memory and status. */
  const run = (steps: Step[]) => {
    let memory: Record<string, PoolMemory> = {};
    let status: TenantStatus | undefined;
    for (const step of steps) {
      const d = decideTenant({ ...tenant(['a', 'b']), previousConditions: status?.conditions, previousStatus: status }, step.pools, ['a', 'b'], memory, step.at);
      memory = d.memory;
      if (!sameJson(status, d.status)) status = d.status;
    }
    return { memory, status: status as TenantStatus };
  };
  const unready = [{ name: 't-b-1', revision: 'r1', ready: false }];

  it.each<[string, Step[], Record<string, ObservedTenantPool>, boolean]>([
    ['a degraded pool (not Initialized, as without everComplete) beside a complete one',
      [{ pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, at: T0 },
        { pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(1), pods: unready } }, at: T0 + 10_000 },
        { pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(1), pods: unready } }, at: T0 + 20_000 }],
      { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(1), pods: unready } }, true],
    ['a rollout in progress for longer than it would take to fail without its start time',
      [{ pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, at: T0 },
        { pools: { a: { statefulSet: rolling(1, 1), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, at: T0 + 10_000 }],
      { a: { statefulSet: rolling(1, 1), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, true],
    // Confirmed on the next pass, with memory or without: the status then changes, the same way.
    ['a state seen once, waiting for confirmation',
      [{ pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(2), pods: [] } }, at: T0 },
        { pools: { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(1), pods: unready } }, at: T0 + 10_000 }],
      { a: { statefulSet: sts(2), pods: [] }, b: { statefulSet: sts(1), pods: unready } }, false],
  ])('%s: the same pool states, lastUpdateTime and status as with memory', (_name, steps, next, steady) => {
    const before = run(steps);
    for (const at of [T0 + 60_000, T0 + 700_000]) {
      const input = { ...tenant(['a', 'b']), previousConditions: before.status.conditions, previousStatus: before.status };
      const withMemory = decideTenant(input, next, ['a', 'b'], before.memory, at);
      const restarted = decideTenant(input, next, ['a', 'b'], {}, at);
      expect(restarted.status.pools.map((p) => [p.name, p.state, p.lastUpdateTime])).toEqual(withMemory.status.pools.map((p) => [p.name, p.state, p.lastUpdateTime]));
      expect(restarted.status).toEqual(withMemory.status);
      expect(restarted.transitions).toEqual(withMemory.transitions);
    }
    const restartedNow = decideTenant({ ...tenant(['a', 'b']), previousConditions: before.status.conditions, previousStatus: before.status }, next, ['a', 'b'], {}, T0 + 60_000);
    expect(sameJson(restartedNow.status, before.status)).toBe(steady);
    expect(restartedNow.transitions.length === 0).toBe(steady);
  });
});

describe('decideTenant: a claim template change Kubernetes forbids', () => {
  const live: ClaimTemplate[] = [{ metadata: { name: 'vol-0' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' } }];
  const bigger = {
    ...tenant(['a']),
    spec: { image: 'rustfs:2', pools: [{ name: 'a', servers: 2, persistence: { volumesPerServer: 1, volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } } } }] },
  };

  it('keeps the live templates, applies the rest (the new image), reports Stalled=True NeedsRecreation and warns once', () => {
    const d = decideTenant(bigger, { a: { statefulSet: sts(2), pods: [], claimTemplates: live } }, ['a'], {}, 0);
    const set = d.objects.find((o) => o.kind === 'StatefulSet') as unknown as { spec: { volumeClaimTemplates: ClaimTemplate[]; template: { spec: { containers: { image: string }[] } } } };
    expect(set.spec.volumeClaimTemplates).toEqual(live);
    expect(set.spec.template.spec.containers[0]?.image).toBe('rustfs:2');
    const stalled = d.status.conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toEqual(expect.objectContaining({ status: 'True', reason: 'NeedsRecreation' }));
    expect(stalled?.message).toContain('StatefulSet ns/t-a');
    expect(stalled?.message).toContain('vol-0: storage 1Gi -> 5Gi');
    expect(stalled?.message).toContain('--cascade=orphan');
    expect(d.events).toEqual([{ type: 'Warning', reason: 'NeedsRecreation', message: expect.stringContaining('storage 1Gi -> 5Gi') }]);
    const again = decideTenant({ ...bigger, previousConditions: d.status.conditions }, { a: { statefulSet: sts(2), pods: [], claimTemplates: live } }, ['a'], d.memory, 1000);
    expect(again.events).toEqual([]);
  });

  it('changes nothing when the live templates match', () => {
    const d = decideTenant(tenant(['a']), { a: { statefulSet: sts(2), pods: [], claimTemplates: live } }, ['a'], {}, 0);
    expect(d.status.conditions.find((c) => c.type === 'Stalled')).toEqual(expect.objectContaining({ status: 'False' }));
    expect(d.events).toEqual([]);
    expect(d.status.currentState).toBe('Ready');
  });
});

describe('decideTenant: StatefulSet names and one RustFS cluster', () => {
  type Set = { metadata: { name: string }; spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } };
  const sets = (objects: unknown[]) => (objects as { kind: string }[]).filter((o) => o.kind === 'StatefulSet') as unknown as Set[];
  const volumes = (set: Set | undefined) => set?.spec.template.spec.containers[0]?.env.find((e) => e.name === 'RUSTFS_VOLUMES')?.value;
  const fresh = (pool: string) => tenantPoolStatefulSetName('t', pool);

  it.each<[string, Record<string, ObservedTenantPool>, TenantStatus | undefined, string[]]>([
    ['new pools get <tenant>-<pool>-<hash>', {}, undefined, [fresh('a'), fresh('b')]],
    ['live StatefulSets keep their names; a new pool beside them gets the new form', { a: { statefulSet: sts(2), statefulSetName: 't-a', pods: [] } }, undefined, ['t-a', fresh('b')]],
    ['a pool whose StatefulSet was deleted comes back under the name its status remembers', { b: { pods: [] } }, { pools: [{ name: 'b', ssName: 't-b' }] } as unknown as TenantStatus, [fresh('a'), 't-b']],
  ])('%s', (_case, observed, previousStatus, names) => {
    const d = decideTenant({ ...tenant(['a', 'b']), previousStatus }, observed, Object.keys(observed), {}, 0);
    expect(sets(d.objects).map((o) => o.metadata.name)).toEqual(names);
    expect(d.status.pools.map((p) => p.ssName)).toEqual(names);
  });

  it('gives every pool the volumes of every pool, so they form one cluster', () => {
    const d = decideTenant(tenant(['a', 'b', 'c']), { a: { statefulSet: sts(2), statefulSetName: 't-a', pods: [] } }, ['a'], {}, 0);
    const all = sets(d.objects).map(volumes);
    expect(new Set(all).size).toBe(1);
    expect(all[0]?.split(' ')).toEqual(['t-a', fresh('b'), fresh('c')].map((name) => `http://${name}-{0...1}.t-hl.ns.svc.cluster.local:9000/data/rustfs{0...0}`));
  });

  it('does not apply a pool whose name another object holds: Blocked, Stalled=True StatefulSetNameUnavailable, a Warning once', () => {
    const taken = { b: { pods: [], namesTaken: { [fresh('b')]: 'a StatefulSet controlled by Tenant ns/other' } } };
    const d = decideTenant(tenant(['a', 'b']), taken, [], {}, 0);
    expect(sets(d.objects).map((o) => o.metadata.name)).toEqual([fresh('a')]);
    expect(volumes(sets(d.objects)[0])).not.toContain(fresh('b'));
    expect(d.status.currentState).toBe('Blocked');
    const stalled = d.status.conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toEqual(expect.objectContaining({ status: 'True', reason: 'StatefulSetNameUnavailable' }));
    expect(stalled?.message).toContain(`pool b: the StatefulSet name ns/${fresh('b')} is held by a StatefulSet controlled by Tenant ns/other`);
    expect(d.status.pools.find((p) => p.name === 'b')?.message).toBe(stalled?.message);
    expect(d.events).toEqual([{ type: 'Warning', reason: 'StatefulSetNameUnavailable', message: stalled?.message }]);
    expect(decideTenant({ ...tenant(['a', 'b']), previousConditions: d.status.conditions }, taken, [], d.memory, 1000).events).toEqual([]);
  });
});
