import type { ConfigRefusal } from './pod-config.js';

// A stellar-core that refuses its config exits 1 at once; the kubelet then restarts it with back-off and
// shows CrashLoopBackOff. KWOK fakes the kubelet only through stages keyed on the pod's own fields, and its
// stages cannot count restarts or wait out a back-off, so the simulator, which alone reads the mounted
// config, writes the container status the kubelet would write (pod `status` subresource): the waiting
// reason, the last termination with stellar-core's log line, a restart count that grows with the
// kubelet's back-off (10 s doubling to 5 min), and Ready/ContainersReady False. Once the config is
// accepted, the next restart succeeds: the container runs and the pod is Ready again. KWOK's stages match
// only pods without a pod IP (or being deleted), so they never undo this. Pure: the caller writes it.

/** The kubelet's first restart back-off, in milliseconds (it doubles up to {@link MAX_BACKOFF_MS}). */
export const INITIAL_BACKOFF_MS = 10_000;
/** The kubelet's longest restart back-off (5 min). */
export const MAX_BACKOFF_MS = 300_000;

/** A container's state as the pod status holds it. */
export interface ContainerStateLike {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { exitCode: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string };
}

/** One entry of `status.containerStatuses`. */
export interface ContainerStatusLike {
  name: string;
  image: string;
  imageID: string;
  ready: boolean;
  restartCount: number;
  started?: boolean;
  state?: ContainerStateLike;
  lastState?: ContainerStateLike;
  [field: string]: unknown;
}

/** One entry of `status.conditions`. */
export interface PodConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  [field: string]: unknown;
}

/** The part of a pod's status the kubelet writes for its containers. */
export interface PodStatusLike {
  conditions?: PodConditionLike[];
  containerStatuses?: ContainerStatusLike[];
}

/** The reasons this module sets; a container waiting for any other reason is left alone. */
const OWN_REASONS = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'ContainerCreating']);

/** The back-off before restart number `restarts + 1`, as the kubelet computes it. */
export function backoffMs(restarts: number): number {
  return Math.min(MAX_BACKOFF_MS, INITIAL_BACKOFF_MS * 2 ** Math.max(0, restarts - 1));
}

/**
 * The status fields to write for the pod's first container (stellar-core) so that it shows `refusal` as
 * the kubelet would, or, without a refusal, runs again after one; undefined when the status already says
 * so (a steady pod makes no write). `pod` names the pod in the back-off message (`name_namespace(uid)`).
 */
export function kubeletStatus(status: PodStatusLike, refusal: ConfigRefusal | undefined, nowMs: number, pod: string): PodStatusLike | undefined {
  const [first, ...others] = status.containerStatuses ?? [];
  if (!first) return undefined;
  const now = new Date(nowMs).toISOString();
  const next = refusal ? refusedContainer(first, refusal, nowMs, pod) : recoveredContainer(first, now);
  if (!next) return undefined;
  const ready = next.ready && others.every((c) => c.ready);
  return { conditions: readiness(status.conditions ?? [], ready, next.name, now), containerStatuses: [next, ...others] };
}

function refusedContainer(current: ContainerStatusLike, refusal: ConfigRefusal, nowMs: number, pod: string): ContainerStatusLike | undefined {
  const now = new Date(nowMs).toISOString();
  const waiting = current.state?.waiting;
  if (refusal.waiting !== 'CrashLoopBackOff') {
    // Nothing ran: the kubelet keeps the container waiting with its own reason and no restart.
    if (waiting?.reason === refusal.waiting && waiting.message === refusal.message) return undefined;
    return { ...current, ready: false, started: false, state: { waiting: { reason: refusal.waiting, message: refusal.message } } };
  }
  const last = current.lastState?.terminated;
  const sameCrash = waiting?.reason === 'CrashLoopBackOff' && last?.message === refusal.message;
  const finishedMs = last?.finishedAt ? Date.parse(last.finishedAt) : Number.NaN;
  if (sameCrash && !(nowMs - finishedMs >= backoffMs(current.restartCount))) return undefined;
  const restartCount = current.restartCount + 1;
  const message = `back-off ${backoffMs(restartCount) / 1000}s restarting failed container=${current.name} pod=${pod}`;
  return {
    ...current,
    ready: false,
    started: false,
    restartCount,
    state: { waiting: { reason: 'CrashLoopBackOff', message } },
    lastState: { terminated: { exitCode: 1, reason: 'Error', message: refusal.message, startedAt: now, finishedAt: now } },
  };
}

function recoveredContainer(current: ContainerStatusLike, now: string): ContainerStatusLike | undefined {
  const reason = current.state?.waiting?.reason;
  if (!reason || !OWN_REASONS.has(reason)) return undefined;
  return { ...current, ready: true, started: true, state: { running: { startedAt: now } } };
}

function readiness(conditions: readonly PodConditionLike[], ready: boolean, container: string, now: string): PodConditionLike[] {
  const status = ready ? 'True' : 'False';
  const decided = (type: string): PodConditionLike => {
    const before = conditions.find((c) => c.type === type);
    const base = { type, status, lastTransitionTime: before?.status === status ? before.lastTransitionTime ?? now : now };
    return ready ? base : { ...base, reason: 'ContainersNotReady', message: `containers with unready status: [${container}]` };
  };
  const kept = conditions.filter((c) => c.type !== 'Ready' && c.type !== 'ContainersReady');
  return [...kept, decided('Ready'), decided('ContainersReady')];
}
