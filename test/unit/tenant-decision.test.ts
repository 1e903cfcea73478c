import { describe, expect, it } from '@jest/globals';
import { decideTenant } from '../../domain/tenant-decision.js';
import type { StatefulSetView } from '../../domain/tenant-pool-state.js';

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
});
