import { describe, expect, it } from '@jest/globals';
import type { ClaimTemplate } from '../../domain/claim-templates.js';
import { sameJson } from '../../domain/pool-status.js';
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
