// One pass of a PostgresReplicaSet, decided purely from one observation: replica health, the route labels
// to change, the status (and whether it is worth a write) and the Events.
import { mergeConditions, type Condition } from './conditions.js';
import { effectivePodSelector, selectorText, selectsPod } from './replica-set-access.js';
import { healthConfigMapName, publishedHealthText } from './replica-set-health.js';
import { isRefusal, nextReplicaHealth, type ReplicaCheckResult, type ReplicaHealth, type ReplicaHealthReason } from './replica-health.js';
import { serverKey, validateReplicaSetSpec, type ReplicaSetSpec, type ReplicaSetStatus, type ReplicaStatus } from './replica-set-spec.js';
import { DEFAULT_STATUS_REFRESH_MS, lastWrittenAt, replicaSetConditions, statusWriteDue, type Refusal } from './replica-set-status.js';

export * from './replica-set-spec.js';
export type { Refusal, StallReason } from './replica-set-status.js';

/** The resource as read: identity, spec and current status (no credentials: only the Secret's name). */
export interface ObservedReplicaSet {
  uid: string;
  generation: number;
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** A pod the spec names or that carries the set's route label, and whether it carries the label. */
export interface ObservedRoutePod {
  name: string;
  routed: boolean;
  /** The pod's labels; absent in observations recorded before the pod selector (read as selected). */
  labels?: Record<string, string>;
}

/** Everything one pass decides from, read by one activity (`observeReplicaSet`). */
export interface ReplicaSetObservation extends ObservedReplicaSet {
  namespace: string;
  name: string;
  /** `metadata.deletionTimestamp` is set: remove the route labels, then release the finalizer. */
  deleting: boolean;
  /** Existing pods only: a pod the spec names that is absent here does not exist. */
  pods: ObservedRoutePod[];
  /** One check per replica, by `serverKey` (empty while deleting). */
  checks: Record<string, ReplicaCheckResult>;
  /** What observing was refused (adding the finalizer, listing pods). */
  refusals: Refusal[];
  /**
   * The `<name>-health` ConfigMap: its published document and whether this set controls it. Absent when
   * there is none (and in observations recorded before health was published).
   */
  healthConfigMap?: { text?: string; owned: boolean };
}

/** What the workflow carries from one pass to the next, and across continue-as-new. */
export interface ReplicaSetMemory {
  /** Health by `serverKey`. Undefined on a fresh start: it is then resumed from the status. */
  health?: Record<string, ReplicaHealth>;
  /** Epoch ms of the last status write (readings alone are refreshed at most once per refresh period). */
  lastStatusWriteAt?: number;
  /** What the last apply was refused; reported as Stalled until an apply goes through. */
  applyRefusals?: Refusal[];
}

/** Settings of the decision that are not in the spec. */
export interface ReplicaSetDecisionOptions {
  now: number;
  /** How often readings alone justify a status write (default `DEFAULT_STATUS_REFRESH_MS`, 5 minutes). */
  statusRefreshMs?: number;
}

/** A route label to set (`routed`) or remove on one pod. */
export interface PodRoute {
  pod: string;
  routed: boolean;
}

/** An Event to record on the resource. */
export interface ReplicaSetEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** One pass's decision. */
export interface ReplicaSetDecision {
  memory: ReplicaSetMemory & { health: Record<string, ReplicaHealth> };
  status: ReplicaSetStatus;
  /** False when the status is materially unchanged and readings are fresh enough (no write). */
  writeStatus: boolean;
  /** Pods the routing Service must select (healthy replicas' pods, or the primary's when none is). */
  routedPods: string[];
  /** Route label changes, including removals from pods the spec no longer names. Empty when steady. */
  podRoutes: PodRoute[];
  events: ReplicaSetEvent[];
  /** Why the resource is stalled (empty when it is not). */
  refusals: Refusal[];
  /** The health document to publish in the `<name>-health` ConfigMap; undefined when it already holds it. */
  publishHealth?: string;
}

/**
 * Decides one pass of a PostgresReplicaSet. Each replica's check goes through the health state machine
 * (unhealthy after `failureThreshold` consecutive failures or lag over the bounds, healthy again after one
 * good check; a refused check changes nothing). Reads are routed to the healthy replicas, else to the
 * primary; every other pod carrying the route label loses it, and so does a pod outside the set's pod
 * selector (see `effectivePodSelector`). The verdicts are published in the `<name>-health` ConfigMap
 * (`publishHealth`) when they differ from what it holds. Refusals (invalid spec, a missing, unreadable or not opted-in
 * Secret, a named pod outside the selector, a refused write) set Stalled=True and Ready=False with a message naming the object and
 * what to do, and a Warning Event when they start or change. The status is written only when it changed
 * materially, or when readings are older than the refresh period. Pure.
 */
export function decideReplicaSet(observed: ReplicaSetObservation, memory: ReplicaSetMemory, options: ReplicaSetDecisionOptions): ReplicaSetDecision {
  const { spec, status: previous } = observed;
  const problems = validateReplicaSetSpec(observed.name, spec);
  if (problems.length > 0) return invalidDecision(observed, memory, problems, options);
  const health = nextHealth(spec, memory.health ?? healthFromStatus(previous), observed.checks);
  const replicas = spec.replicas.map((replica) => replicaStatus(replica, health.after[serverKey(replica)]));
  const healthy = spec.replicas.filter((r) => health.after[serverKey(r)]?.healthy);
  const routed = healthy.length > 0 ? healthy : [spec.primary];
  const unselected = unselectedPods(observed);
  const routedPods = routed.flatMap((s) => (s.podName && !unselected.has(s.podName) ? [s.podName] : []));
  const foreign = observed.healthConfigMap?.owned === false;
  const refusals = [...observed.refusals, ...checkRefusals(observed), ...podRefusals(observed, unselected), ...healthMapRefusals(observed, foreign), ...(memory.applyRefusals ?? [])];
  const conditions = replicaSetConditions({ generation: observed.generation, replicas, refusals });
  const status: ReplicaSetStatus = {
    observedGeneration: observed.generation,
    replicaCount: spec.replicas.length,
    healthyReplicas: healthy.length,
    routingTo: routed.map(serverKey),
    replicas,
    conditions: mergeConditions(previous?.conditions, conditions, new Date(options.now).toISOString()),
  };
  const podRoutes = observed.pods.flatMap((pod) => (pod.routed === routedPods.includes(pod.name) ? [] : [{ pod: pod.name, routed: !pod.routed }]));
  const text = publishedHealthText(observed.namespace, observed.name, status);
  const publishHealth = foreign || observed.healthConfigMap?.text === text ? undefined : text;
  const events = [...health.events, ...unrouteEvents(spec, podRoutes)];
  return finish(observed, memory, options, { status, routedPods, podRoutes, refusals, health: health.after, events, publishHealth });
}

type Decided = Omit<ReplicaSetDecision, 'memory' | 'writeStatus'> & { health: Record<string, ReplicaHealth> };

function finish(observed: ReplicaSetObservation, memory: ReplicaSetMemory, options: ReplicaSetDecisionOptions, decided: Decided): ReplicaSetDecision {
  const lastWriteAt = memory.lastStatusWriteAt ?? lastWrittenAt(observed.status);
  const refreshMs = options.statusRefreshMs ?? DEFAULT_STATUS_REFRESH_MS;
  const writeStatus = statusWriteDue({ previous: observed.status, next: decided.status, lastWriteAt, now: options.now, refreshMs });
  const { health, ...rest } = decided;
  return {
    ...rest,
    events: [...decided.events, ...stallEvents(observed.status?.conditions, decided.status.conditions)],
    writeStatus,
    memory: { health, lastStatusWriteAt: writeStatus ? options.now : lastWriteAt, applyRefusals: memory.applyRefusals },
  };
}

/** An invalid spec changes no route label and no health: it only says what to fix. */
function invalidDecision(observed: ReplicaSetObservation, memory: ReplicaSetMemory, problems: string[], options: ReplicaSetDecisionOptions): ReplicaSetDecision {
  const previous = observed.status;
  const object = `PostgresReplicaSet ${observed.namespace}/${observed.name}`;
  const refusals: Refusal[] = [{ reason: 'InvalidSpec', object, detail: problems.join('; ') }];
  const replicas = previous?.replicas ?? [];
  const conditions = replicaSetConditions({ generation: observed.generation, replicas, refusals });
  const status: ReplicaSetStatus = {
    observedGeneration: observed.generation,
    replicaCount: observed.spec.replicas.length,
    healthyReplicas: replicas.filter((r) => r.healthy).length,
    routingTo: previous?.routingTo ?? [],
    replicas,
    conditions: mergeConditions(previous?.conditions, conditions, new Date(options.now).toISOString()),
  };
  const health = memory.health ?? healthFromStatus(previous);
  return finish(observed, memory, options, { status, routedPods: [], podRoutes: [], refusals, health, events: [] });
}

/**
 * The observed pods outside the set's pod selector (`effectivePodSelector`): they never get the route label,
 * and lose it if they carry it.
 */
function unselectedPods(observed: ReplicaSetObservation): Set<string> {
  const selector = effectivePodSelector(observed.spec.podSelector, observed.name);
  return new Set(observed.pods.filter((pod) => pod.labels !== undefined && !selectsPod(selector, pod.labels)).map((pod) => pod.name));
}

/** A refusal for each pod the spec names (`podName`) that lies outside the pod selector. */
function podRefusals(observed: ReplicaSetObservation, unselected: ReadonlySet<string>): Refusal[] {
  const selector = selectorText(effectivePodSelector(observed.spec.podSelector, observed.name));
  const named = [...new Set([observed.spec.primary, ...observed.spec.replicas].flatMap((s) => (s.podName ? [s.podName] : [])))];
  return named.filter((pod) => unselected.has(pod)).map((pod) => ({
    reason: 'PodNotSelected', object: `Pod ${observed.namespace}/${pod}`, detail: `it lacks the labels ${selector}`,
  }));
}

/** A refusal when the `<name>-health` ConfigMap exists and belongs to something else: it is left alone. */
function healthMapRefusals(observed: ReplicaSetObservation, foreign: boolean): Refusal[] {
  if (!foreign) return [];
  return [{ reason: 'NotOwned', object: `ConfigMap ${observed.namespace}/${healthConfigMapName(observed.name)}` }];
}

/** Refused checks, one per reason (a missing Secret refuses every replica's check alike). */
function checkRefusals(observed: ReplicaSetObservation): Refusal[] {
  const secret = `Secret ${observed.namespace}/${observed.spec.credentialsSecretRef.name}`;
  const byReason = new Map<string, Refusal>();
  for (const check of Object.values(observed.checks)) {
    if (isRefusal(check) && !byReason.has(check.reason)) byReason.set(check.reason, { reason: check.reason, object: secret, detail: check.error });
  }
  return [...byReason.values()];
}

function nextHealth(spec: ReplicaSetSpec, previous: Record<string, ReplicaHealth>, checks: Record<string, ReplicaCheckResult>) {
  const options = { failureThreshold: spec.failureThreshold ?? 3, maxLagBytes: spec.maxLagBytes, maxLagSeconds: spec.maxLagSeconds };
  const after: Record<string, ReplicaHealth> = {};
  const events: ReplicaSetEvent[] = [];
  for (const replica of spec.replicas) {
    const key = serverKey(replica);
    const before = previous[key] ?? { healthy: true, reason: 'Unchecked', message: 'not checked yet', failureCount: 0 };
    const check = checks[key];
    const next = check ? nextReplicaHealth(before, check, options) : before;
    after[key] = next;
    if (before.healthy === next.healthy) continue;
    events.push(next.healthy
      ? { type: 'Normal', reason: 'ReplicaHealthy', message: `replica ${key} is healthy again` }
      : { type: 'Warning', reason: 'ReplicaUnhealthy', message: `replica ${key} left the routing set: ${next.reason} (${next.message})` });
  }
  return { after, events };
}

/** The health a fresh workflow resumes from: each replica's verdict and failure count as status shows it. */
export function healthFromStatus(status: ReplicaSetStatus | undefined): Record<string, ReplicaHealth> {
  const entries = (status?.replicas ?? []).map((r): [string, ReplicaHealth] => [
    serverKey(r),
    { healthy: r.healthy, reason: r.reason as ReplicaHealthReason, message: r.message, failureCount: r.failureCount },
  ]);
  return Object.fromEntries(entries);
}

function replicaStatus(replica: ReplicaSetSpec['replicas'][number], health: ReplicaHealth | undefined): ReplicaStatus {
  const h = health ?? { healthy: true, reason: 'Unchecked', message: 'not checked yet', failureCount: 0 };
  return {
    host: replica.host, port: replica.port, healthy: h.healthy, reason: h.reason, message: h.message,
    lastHealthCheck: h.lastHealthCheck === undefined ? undefined : new Date(h.lastHealthCheck).toISOString(),
    failureCount: h.failureCount,
    responseTimeMs: h.responseTimeMs === undefined ? undefined : Math.round(h.responseTimeMs),
    lagBytes: h.lagBytes === undefined ? undefined : Math.round(h.lagBytes),
    lagSeconds: h.lagSeconds,
    streaming: h.streaming,
  };
}

/** A Normal Event for each pod that loses its route label because the spec no longer names it. */
function unrouteEvents(spec: ReplicaSetSpec, podRoutes: readonly PodRoute[]): ReplicaSetEvent[] {
  const named = new Set([spec.primary, ...spec.replicas].flatMap((s) => (s.podName ? [s.podName] : [])));
  return podRoutes.filter((r) => !r.routed && !named.has(r.pod)).map((r) => ({
    type: 'Normal', reason: 'RouteRemoved', message: `pod ${r.pod} no longer receives reads: the spec does not name it any more`,
  }));
}

/** A Warning Event when Stalled turns True or its message changes; a Normal one when it clears. */
function stallEvents(before: readonly Condition[] | undefined, after: readonly Condition[]): ReplicaSetEvent[] {
  const was = before?.find((c) => c.type === 'Stalled');
  const now = after.find((c) => c.type === 'Stalled');
  if (now?.status === 'True' && (was?.status !== 'True' || was.message !== now.message)) {
    return [{ type: 'Warning', reason: now.reason, message: now.message }];
  }
  if (was?.status === 'True' && now?.status !== 'True') {
    return [{ type: 'Normal', reason: 'StallResolved', message: `no longer stalled (was: ${was.message})` }];
  }
  return [];
}
