import { describe, expect, it } from '@jest/globals';
import { derivePoolState, memoryFromStatus, memoryToStatus, type PoolMemory, type PoolMemoryStatus, type PoolPodView, type StatefulSetView } from '../../domain/tenant-pool-state.js';

const NOW = 1_000_000_000;
const DEADLINE = 600_000;

function sts(overrides: Partial<StatefulSetView['status']> = {}, spec: Partial<Omit<StatefulSetView, 'status'>> = {}): StatefulSetView {
  return {
    generation: 1, replicas: 4, partition: 0, ...spec,
    status: { observedGeneration: 1, replicas: 4, readyReplicas: 4, currentReplicas: 4, updatedReplicas: 4, currentRevision: 'r1', updateRevision: 'r1', ...overrides },
  };
}
const pod = (name: string, extra: Partial<PoolPodView> = {}): PoolPodView => ({ name, revision: 'r2', ready: true, ...extra });
const complete: PoolMemory = { state: 'PoolRolloutComplete', everComplete: true, lastUpdateTime: 'T0' };

describe('derivePoolState', () => {
  it.each<[string, StatefulSetView | undefined, PoolPodView[], PoolMemory, string, RegExp]>([
    ['missing StatefulSet', undefined, [], {}, 'PoolNotCreated', /does not exist/],
    ['not yet observed by its controller', sts({ observedGeneration: undefined }), [], {}, 'PoolCreated', /not observed/],
    ['scaled to zero is its own case, not NotCreated', sts({ replicas: 0, readyReplicas: 0 }, { replicas: 0 }), [], complete, 'PoolRolloutComplete', /scaled to zero/],
    ['first rollout before every pod was ever ready', sts({ readyReplicas: 2 }), [], {}, 'PoolInitialized', /first rollout: 2\/4/],
    ['every pod updated and ready', sts(), [], {}, 'PoolRolloutComplete', /4\/4 pods ready at revision r1/],
    ['a new revision rolling out', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [], complete, 'PoolUpdating', /rolling out revision r2: 1\/4 updated/],
    ['generation not yet observed counts as rolling out', sts({ observedGeneration: 1 }, { generation: 2 }), [], complete, 'PoolUpdating', /rolling out/],
    ['pods of the update revision crash-looping', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [pod('t-p-3', { ready: false, waitingReason: 'CrashLoopBackOff' })], complete, 'PoolRolloutFailed', /pod t-p-3 of revision r2 cannot start: CrashLoopBackOff/],
    ['image pull errors', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [pod('t-p-3', { ready: false, waitingReason: 'ImagePullBackOff' })], complete, 'PoolRolloutFailed', /ImagePullBackOff/],
    ['unschedulable pods of the update revision', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [pod('t-p-3', { ready: false, unschedulable: true })], complete, 'PoolRolloutFailed', /Unschedulable/],
    ['a failing pod of the OLD revision does not fail the rollout', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [pod('t-p-0', { revision: 'r1', ready: false, waitingReason: 'CrashLoopBackOff' })], complete, 'PoolUpdating', /rolling out/],
    ['a failure during the first rollout (never complete) is reported, not Initialized forever', sts({ readyReplicas: 3 }), [pod('t-p-3', { revision: 'r1', ready: false, waitingReason: 'ErrImagePull' })], { everComplete: false }, 'PoolRolloutFailed', /pod t-p-3 of revision r1 cannot start: ErrImagePull/],
    // Outside any rollout (completed before, every pod at the one revision) a crash loop is not a failed
    // rollout: nothing is rolling out. It degrades the pool, naming the pod and the reason.
    ['a crash loop outside any rollout degrades the pool, naming pod and reason', sts({ readyReplicas: 3 }), [pod('t-p-2', { revision: 'r1', ready: false, waitingReason: 'CrashLoopBackOff' })], { ...complete, state: 'PoolDegraded' }, 'PoolDegraded', /pod t-p-2 cannot run: CrashLoopBackOff; 3\/4 pods ready/],
    ['an unschedulable pod outside any rollout degrades the pool', sts({ readyReplicas: 3 }), [pod('t-p-2', { revision: 'r1', ready: false, unschedulable: true })], { ...complete, state: 'PoolDegraded' }, 'PoolDegraded', /pod t-p-2 cannot run: Unschedulable/],
    ['a partitioned rollout is complete when the partition is updated', sts({ updateRevision: 'r2', updatedReplicas: 2 }, { partition: 2 }), [], complete, 'PoolRolloutComplete', /4\/4 pods ready/],
  ])('%s', (_name, statefulSet, pods, memory, state, message) => {
    const result = derivePoolState(statefulSet, pods, memory, NOW, DEADLINE);
    expect(result.state).toBe(state);
    expect(result.message).toMatch(message);
  });

  it('a rollout with no progress within the deadline fails, naming the counts', () => {
    const rolling = sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 });
    const first = derivePoolState(rolling, [], complete, NOW, DEADLINE);
    expect(first.state).toBe('PoolUpdating');
    const stuck = derivePoolState(rolling, [], first.memory, NOW + DEADLINE + 1, DEADLINE);
    expect(stuck.state).toBe('PoolRolloutFailed');
    expect(stuck.message).toMatch(/no progress for 600 s.*1\/4 updated, 3 ready/);
  });

  it('progress resets the deadline', () => {
    const first = derivePoolState(sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [], complete, NOW, DEADLINE);
    const moved = derivePoolState(sts({ updateRevision: 'r2', updatedReplicas: 2, readyReplicas: 3 }), [], first.memory, NOW + DEADLINE - 1, DEADLINE);
    expect(derivePoolState(sts({ updateRevision: 'r2', updatedReplicas: 2, readyReplicas: 3 }), [], moved.memory, NOW + DEADLINE + 10, DEADLINE).state).toBe('PoolUpdating');
  });

  it('a pod turning unready after completion is Degraded on the second observation, not the first', () => {
    const unready = sts({ readyReplicas: 3 });
    const once = derivePoolState(unready, [pod('t-p-1', { revision: 'r1', ready: false })], complete, NOW, DEADLINE);
    expect(once.state).toBe('PoolRolloutComplete');
    const twice = derivePoolState(unready, [pod('t-p-1', { revision: 'r1', ready: false })], once.memory, NOW + 1000, DEADLINE);
    expect(twice.state).toBe('PoolDegraded');
    expect(twice.message).toMatch(/3\/4 pods ready; not ready: t-p-1/);
  });

  it('one missed observation does not flap the state', () => {
    const once = derivePoolState(sts({ readyReplicas: 3 }), [], complete, NOW, DEADLINE);
    expect(derivePoolState(sts(), [], once.memory, NOW + 1000, DEADLINE).state).toBe('PoolRolloutComplete');
  });

  it('lastUpdateTime moves only when the state changes', () => {
    const same = derivePoolState(sts(), [], complete, NOW, DEADLINE);
    expect(same.memory.lastUpdateTime).toBe('T0');
    const changed = derivePoolState(sts({ updateRevision: 'r2', updatedReplicas: 0 }), [], complete, NOW, DEADLINE);
    expect(changed.memory.lastUpdateTime).toBe(new Date(NOW).toISOString());
  });

  it('reverting the image after a failed rollout recovers to RolloutComplete', () => {
    const failed = derivePoolState(sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [pod('t-p-3', { ready: false, waitingReason: 'CrashLoopBackOff' })], complete, NOW, DEADLINE);
    expect(failed.state).toBe('PoolRolloutFailed');
    const back = derivePoolState(sts({ updateRevision: 'r1', currentRevision: 'r1' }), [], failed.memory, NOW + 5000, DEADLINE);
    const confirmed = derivePoolState(sts({ updateRevision: 'r1', currentRevision: 'r1' }), [], back.memory, NOW + 6000, DEADLINE);
    expect(confirmed.state).toBe('PoolRolloutComplete');
  });

  it('a crash loop outside any rollout moves a complete pool to PoolDegraded (on the second observation), never PoolRolloutFailed', () => {
    const crashing = [pod('t-p-2', { revision: 'r1', ready: false, waitingReason: 'CrashLoopBackOff' })];
    const once = derivePoolState(sts({ readyReplicas: 3 }), crashing, complete, NOW, DEADLINE);
    expect(once.state).toBe('PoolRolloutComplete');
    const twice = derivePoolState(sts({ readyReplicas: 3 }), crashing, once.memory, NOW + 1000, DEADLINE);
    expect(twice.state).toBe('PoolDegraded');
    expect(twice.message).toMatch(/pod t-p-2 cannot run: CrashLoopBackOff/);
    const later = derivePoolState(sts({ readyReplicas: 3 }), crashing, twice.memory, NOW + DEADLINE * 3, DEADLINE);
    expect(later.state).toBe('PoolDegraded');
  });
});

describe('pool memory kept in the Tenant status', () => {
  const statusOf = (memory: PoolMemory, view: StatefulSetView): PoolMemoryStatus => ({
    state: memory.state ?? 'PoolNotCreated', updatedReplicas: view.status.updatedReplicas, readyReplicas: view.status.readyReplicas, ...memoryToStatus(memory),
  });

  it.each<[string, StatefulSetView, PoolPodView[], PoolMemory]>([
    ['a complete pool', sts(), [], complete],
    ['a rollout in progress', sts({ updateRevision: 'r2', updatedReplicas: 1, readyReplicas: 3 }), [], complete],
    ['a first rollout', sts({ readyReplicas: 2 }), [], {}],
    ['a state seen once, not yet adopted', sts({ readyReplicas: 3 }), [pod('t-p-1', { revision: 'r1', ready: false })], complete],
    ['a degraded pool', sts({ readyReplicas: 3 }), [pod('t-p-1', { revision: 'r1', ready: false })], { ...complete, state: 'PoolDegraded' }],
  ])('%s: the next derivation from the status equals the one from memory', (_name, view, pods, start) => {
    const first = derivePoolState(view, pods, start, NOW, DEADLINE);
    const recovered = memoryFromStatus(statusOf(first.memory, view));
    for (const at of [NOW + 1000, NOW + DEADLINE + 1]) {
      expect(derivePoolState(view, pods, recovered, at, DEADLINE)).toEqual(derivePoolState(view, pods, first.memory, at, DEADLINE));
    }
  });

  it('a status written before the memory fields existed: a state only reached after completion implies everComplete', () => {
    expect(memoryFromStatus({ state: 'PoolDegraded', updatedReplicas: 4, readyReplicas: 3 }).everComplete).toBe(true);
    expect(memoryFromStatus({ state: 'PoolInitialized', updatedReplicas: 4, readyReplicas: 3 }).everComplete).toBe(false);
  });
});
