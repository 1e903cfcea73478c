/** The rollout state of one Tenant pool. */
export type PoolState =
  | 'PoolNotCreated' | 'PoolCreated' | 'PoolInitialized' | 'PoolUpdating'
  | 'PoolRolloutComplete' | 'PoolRolloutFailed' | 'PoolDegraded';

/** A pool's StatefulSet as observed (absent when it does not exist). */
export interface StatefulSetView {
  generation: number;
  /** spec.replicas */
  replicas: number;
  partition: number;
  status: {
    observedGeneration?: number;
    replicas: number;
    readyReplicas: number;
    currentReplicas: number;
    updatedReplicas: number;
    currentRevision?: string;
    updateRevision?: string;
  };
}

/** A pod of the pool. */
export interface PoolPodView {
  name: string;
  /** Label `controller-revision-hash`. */
  revision?: string;
  ready: boolean;
  /** Why a container cannot run (CrashLoopBackOff, ImagePullBackOff, ...), if one cannot. */
  waitingReason?: string;
  /** PodScheduled=False with reason Unschedulable. */
  unschedulable?: boolean;
}

/** What the state machine remembers of a pool between observations. */
export interface PoolMemory {
  state?: PoolState;
  /** When `state` last changed (ISO); moves only on a change of state. */
  lastUpdateTime?: string;
  /** True once the pool has completed a rollout with every pod ready. */
  everComplete?: boolean;
  /** The update revision being rolled out and when it was first seen (epoch ms). */
  rollout?: { revision: string; since: number; lastProgressAt: number; lastUpdated: number; lastReady: number };
  /** A different state seen once, not yet adopted (no flapping on one missed observation). */
  candidate?: PoolState;
}

/** A pool's memory as kept in its Tenant status entry (ISO times), so a restarted workflow resumes it. */
export interface PoolMemoryStatus {
  state: PoolState;
  lastUpdateTime?: string;
  /** True once the pool has completed a rollout. */
  everComplete?: boolean;
  /** The rollout being tracked: its update revision, when it was first seen and when it last progressed. */
  rollout?: { revision: string; startTime: string; progressTime: string };
  /** A different state seen once, adopted when seen again. */
  pendingState?: PoolState;
  /** The StatefulSet's counters when the status was written (the rollout's last progress counts). */
  updatedReplicas: number;
  readyReplicas: number;
}

/** States only a pool that completed a rollout reaches (for statuses written before `everComplete` was). */
const AFTER_COMPLETION: PoolState[] = ['PoolRolloutComplete', 'PoolUpdating', 'PoolDegraded'];

/** The memory a status entry carries (empty without one). */
export function memoryFromStatus(saved: PoolMemoryStatus | undefined): PoolMemory {
  if (!saved) return {};
  const since = Date.parse(saved.rollout?.startTime ?? '');
  const lastProgressAt = Date.parse(saved.rollout?.progressTime ?? '');
  // A rollout entry with unreadable times (edited by hand) is dropped: the rollout is tracked afresh.
  const rollout = saved.rollout && !Number.isNaN(since) && !Number.isNaN(lastProgressAt)
    ? { revision: saved.rollout.revision, since, lastProgressAt, lastUpdated: saved.updatedReplicas, lastReady: saved.readyReplicas }
    : undefined;
  return {
    state: saved.state,
    lastUpdateTime: saved.lastUpdateTime,
    everComplete: saved.everComplete ?? AFTER_COMPLETION.includes(saved.state),
    rollout,
    candidate: saved.pendingState,
  };
}

/** The memory fields of a pool's status entry. */
export function memoryToStatus(memory: PoolMemory): Omit<PoolMemoryStatus, 'state' | 'updatedReplicas' | 'readyReplicas'> {
  const { rollout } = memory;
  return {
    lastUpdateTime: memory.lastUpdateTime,
    everComplete: memory.everComplete,
    rollout: rollout && { revision: rollout.revision, startTime: new Date(rollout.since).toISOString(), progressTime: new Date(rollout.lastProgressAt).toISOString() },
    pendingState: memory.candidate,
  };
}

/** One derivation. */
export interface PoolStateResult {
  state: PoolState;
  message: string;
  memory: PoolMemory;
}

const FAILING_REASONS = ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'InvalidImageName', 'CreateContainerError'];

/** States adopted at once; the others need two observations in a row. */
const IMMEDIATE: PoolState[] = ['PoolNotCreated', 'PoolCreated', 'PoolRolloutFailed', 'PoolUpdating', 'PoolInitialized'];

/**
 * Derives a pool's state from its StatefulSet and pods, following Kubernetes' rollout semantics
 * (observedGeneration, updatedReplicas, partition, currentRevision == updateRevision, readiness):
 * NotCreated (missing), Created (not observed yet by its controller), RolloutFailed (during a rollout,
 * the first one included: pods of the update revision cannot start, or no progress within `deadlineMs`),
 * Initialized (first rollout), Updating (a new revision rolls out), Degraded (outside a rollout: fewer
 * ready than desired, or a pod that cannot run, named with its reason), RolloutComplete (every pod
 * updated and ready). A move to Degraded or RolloutComplete from another settled state needs two
 * observations in a row, so one missed observation does not flap the state.
 */
export function derivePoolState(sts: StatefulSetView | undefined, pods: readonly PoolPodView[], memory: PoolMemory, now: number, deadlineMs: number): PoolStateResult {
  const raw = rawState(sts, pods, memory, now, deadlineMs);
  let state = raw.state;
  let candidate: PoolState | undefined;
  if (memory.state && state !== memory.state && !IMMEDIATE.includes(state) && !IMMEDIATE.includes(memory.state) && memory.candidate !== state) {
    candidate = state;
    state = memory.state;
  }
  const changed = state !== memory.state;
  const everComplete = Boolean(memory.everComplete) || raw.state === 'PoolRolloutComplete';
  return {
    state,
    message: state === raw.state ? raw.message : `${raw.message} (seen once; confirming)`,
    memory: {
      state,
      lastUpdateTime: changed ? new Date(now).toISOString() : memory.lastUpdateTime,
      everComplete,
      rollout: raw.rollout,
      candidate,
    },
  };
}

function rawState(sts: StatefulSetView | undefined, pods: readonly PoolPodView[], memory: PoolMemory, now: number, deadlineMs: number): { state: PoolState; message: string; rollout?: PoolMemory['rollout'] } {
  if (!sts) return { state: 'PoolNotCreated', message: 'StatefulSet does not exist yet' };
  const s = sts.status;
  if (s.observedGeneration === undefined || s.observedGeneration === 0) {
    return { state: 'PoolCreated', message: 'StatefulSet created; its controller has not observed it yet' };
  }
  if (sts.replicas === 0) return { state: 'PoolRolloutComplete', message: 'scaled to zero: no pods desired' };
  const observed = s.observedGeneration >= sts.generation;
  const target = sts.replicas - sts.partition;
  const revisionsDiffer = Boolean(s.updateRevision && s.currentRevision && s.updateRevision !== s.currentRevision);
  const updatedEnough = sts.partition > 0 ? s.updatedReplicas >= target : !revisionsDiffer && s.updatedReplicas >= sts.replicas;
  const complete = observed && updatedEnough && s.readyReplicas >= sts.replicas && s.replicas === sts.replicas;
  if (complete) return { state: 'PoolRolloutComplete', message: `${s.readyReplicas}/${sts.replicas} pods ready at revision ${s.updateRevision ?? '?'}` };

  const rollout = trackRollout(s, memory.rollout, now);
  const inRollout = !observed || revisionsDiffer || s.updatedReplicas < sts.replicas || s.replicas !== sts.replicas || !memory.everComplete;
  // During a rollout (the first one included), pods of the update revision that cannot start fail it;
  // outside any rollout a pod that cannot run degrades the pool: nothing is being rolled out to fail.
  const failing = pods.find((p) => cannotRun(p) && (!inRollout || p.revision === s.updateRevision));
  if (failing && inRollout) {
    return { state: 'PoolRolloutFailed', message: `pod ${failing.name} of revision ${s.updateRevision} cannot start: ${whyNotRunning(failing)}`, rollout };
  }
  if (failing) {
    return { state: 'PoolDegraded', message: `pod ${failing.name} cannot run: ${whyNotRunning(failing)}; ${s.readyReplicas}/${sts.replicas} pods ready`, rollout };
  }
  if (inRollout && now - rollout.lastProgressAt > deadlineMs) {
    return { state: 'PoolRolloutFailed', message: `no progress for ${Math.round((now - rollout.lastProgressAt) / 1000)} s (deadline ${deadlineMs / 1000} s): ${s.updatedReplicas}/${sts.replicas} updated, ${s.readyReplicas} ready`, rollout };
  }
  if (!memory.everComplete) {
    return { state: 'PoolInitialized', message: `first rollout: ${s.readyReplicas}/${sts.replicas} pods ready`, rollout };
  }
  if (inRollout) {
    return { state: 'PoolUpdating', message: `rolling out revision ${s.updateRevision ?? '?'}: ${s.updatedReplicas}/${sts.replicas} updated, ${s.readyReplicas} ready`, rollout };
  }
  const unready = pods.filter((p) => !p.ready).map((p) => p.name);
  return { state: 'PoolDegraded', message: `${s.readyReplicas}/${sts.replicas} pods ready${unready.length ? `; not ready: ${unready.join(', ')}` : ''}`, rollout };
}

function cannotRun(pod: PoolPodView): boolean {
  return Boolean(pod.unschedulable || (pod.waitingReason && FAILING_REASONS.includes(pod.waitingReason)));
}

function whyNotRunning(pod: PoolPodView): string {
  return pod.unschedulable ? 'Unschedulable' : (pod.waitingReason ?? 'unknown');
}

function trackRollout(s: StatefulSetView['status'], previous: PoolMemory['rollout'], now: number): NonNullable<PoolMemory['rollout']> {
  const revision = s.updateRevision ?? '';
  if (!previous || previous.revision !== revision) {
    return { revision, since: now, lastProgressAt: now, lastUpdated: s.updatedReplicas, lastReady: s.readyReplicas };
  }
  const progressed = s.updatedReplicas > previous.lastUpdated || s.readyReplicas > previous.lastReady;
  return { ...previous, lastProgressAt: progressed ? now : previous.lastProgressAt, lastUpdated: s.updatedReplicas, lastReady: s.readyReplicas };
}
