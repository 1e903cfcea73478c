import { decideScale, DEFAULT_AUTOSCALER_TIMING, type AutoscalerTiming } from './autoscaler.js';
import { keepLiveClaimTemplates } from './claim-templates.js';
import { mergeConditions, type ConditionInput } from './conditions.js';
import { poolAlertsConfigMap } from './pool-alerts.js';
import { assessReplica, networkTip, replicaTipSources, servingReplicas, type ReplicaAssessment } from './freshness.js';
import { networkPassphrase } from './network.js';
import { autoscalerStatus, recoverPoolMemory, shardPlanStatus, type PoolMemory } from './pool-memory.js';
import { poolNames, SERVING_LABEL, SHARD_ANNOTATIONS } from './pool-names.js';
import { chooseConfig, configRefusedCondition, type ConfigChoice } from './config-choice.js';
import { poolClaimTemplates, poolConfigMap, poolCoreConfig, poolHeadlessService, poolHttpRoute, poolNetworkPolicy, poolReadService, poolStatefulSet, replicaService, type KubeObject, type PoolOwner } from './pool-objects.js';
import type { PoolObservation } from './pool-observation.js';
import { decideShards, manualClaims } from './pool-shards.js';
import { validatePoolSpec, withDefaults } from './pool-spec.js';
import { materialStatus, sameJson, type PoolStatus, type ReplicaWeight, type ShardAssignment } from './pool-status.js';
import type { Shard, ShardOwners } from './shards.js';

export type { PoolMemory } from './pool-memory.js';

/** The controller labels and annotations one pod should carry. */
export interface PodPatch {
  pod: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** A Kubernetes Event to record on the pool. */
export interface PoolEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** Settings of the decision that are not in the spec. */
export interface PoolDecisionOptions {
  now: number;
  rebalanceRequested: boolean;
  autoscalerTiming?: AutoscalerTiming;
  /** How often ledger numbers alone justify a status write (default 300 s). */
  ledgerRefreshMs?: number;
}

/** Everything one iteration decided. */
export interface PoolDecision {
  /** Invalid spec: the messages, and nothing else is decided. */
  invalid?: string[];
  objects: KubeObject[];
  /** Per-replica Services of replicas that are gone (a scale-down) or of a mode no longer used. */
  obsoleteServices: string[];
  /** The HTTPRoute to delete: the pool left GatewayAPI mode (owner references only clean up on deletion). */
  obsoleteRoute?: string;
  podPatches: PodPatch[];
  status: PoolStatus;
  /** False when the status equals the current one (materially, and ledger numbers are fresh enough). */
  writeStatus: boolean;
  events: PoolEvent[];
  memory: PoolMemory;
  assessments: ReplicaAssessment[];
  serving: string[];
}

/**
 * Decides one iteration of a ReadOnlyPool: desired objects, the pods' serving labels and shard
 * annotations, the replica count, the status and the Events. Pure: everything comes in as arguments.
 * What `memory` lacks (a workflow started afresh) is recovered from the observation (`recoverPoolMemory`):
 * the same cluster gives the same decision with or without memory. The StatefulSet keeps its live claim
 * templates; a requested change to them is reported (`Stalled=True`, reason `NeedsRecreation`, and a
 * Warning Event) while scaling goes on.
 */
export function decidePool(observed: PoolObservation, given: PoolMemory, options: PoolDecisionOptions): PoolDecision {
  const spec = withDefaults(observed.pool.spec);
  const previousStatus = observed.pool.status;
  const invalid = validatePoolSpec(spec);
  if (invalid.length > 0) return invalidDecision(observed, given, invalid, options.now);
  const memory = recoverPoolMemory(observed, spec, given, options.now);
  const passphrase = networkPassphrase(spec.network);
  const tip = networkTip(passphrase, [...observed.tipSources, ...replicaTipSources(observed.probes)]);
  const assessments = observed.probes.map((probe) => assessReplica(probe, tip.ledger, spec, passphrase));
  const serving = spec.loadBalancing.enabled ? servingReplicas(assessments) : assessments.filter((a) => a.ready).map((a) => a.replica);
  // Only replicas that answer and are behind call for more replicas: an unreachable or booting pod (a
  // pod just started, say) or one on the wrong network is not helped by scaling.
  const behind = assessments.filter((a) => a.reason === 'Lagging' || a.reason === 'NotSynced').length;

  const specTarget = spec.targetReplicas;
  const current = memory.specTarget === specTarget && memory.replicas !== undefined ? memory.replicas : specTarget;
  const scale = decideScale(
    { current, lagging: behind, settled: settledOn(observed, current), min: spec.minReplicas, max: spec.maxReplicas, target: specTarget, now: options.now },
    memory.specTarget === specTarget ? memory.autoscaler : {},
    options.autoscalerTiming ?? DEFAULT_AUTOSCALER_TIMING,
  );

  const archiveTip = networkTip(passphrase, observed.tipSources.filter((s) => s.source.startsWith('archive '))).ledger;
  // The first plan waits until the desired replicas exist, so it is not frozen over a half-started pool.
  const planReady = memory.shards !== undefined || observed.pods.length >= current;
  const shardDecision = spec.shardBalancing.enabled && planReady
    ? decideShards(spec.shardBalancing, spec.historyArchiveUrls, observed.pods, archiveTip, memory.shards, manualClaims(spec.shardBalancing, observed.pods), options.rebalanceRequested)
    : { shards: [], owners: new Map() as ShardOwners, memory: undefined, rebalanced: false };

  const owner: PoolOwner = { namespace: observed.pool.namespace, name: observed.pool.name, uid: observed.pool.uid };
  const claims = keepLiveClaimTemplates(poolClaimTemplates(spec), observed.statefulSetClaimTemplates);
  const config = chooseConfig(poolCoreConfig(owner, spec), observed.liveConfig, { network: passphrase });
  const objects = [
    poolConfigMap(owner, spec, config.config),
    poolAlertsConfigMap(owner, spec),
    poolHeadlessService(owner),
    poolReadService(owner),
    poolNetworkPolicy(owner),
    poolStatefulSet(owner, spec, scale.replicas, claims.templates, config.config),
  ];
  if (spec.loadBalancing.mode === 'GatewayAPI') {
    const weights = assessments.map((a) => ({ replica: a.replica, weight: spec.loadBalancing.enabled ? a.weight : 1 }));
    objects.push(...weights.map((w) => replicaService(owner, w.replica)), poolHttpRoute(owner, weights, spec.loadBalancing.parentRefs));
  }
  const obsoleteServices = obsoleteReplicaServices(observed, spec.loadBalancing.mode === 'GatewayAPI' ? scale.replicas : 0);
  const obsoleteRoute = observed.httpRoute && spec.loadBalancing.mode !== 'GatewayAPI' ? poolNames(owner).httpRoute : undefined;
  const podPatches = observed.pods.map((pod) => podPatch(pod.name, serving.includes(pod.name), shardDecision.shards, shardDecision.owners));

  const status: PoolStatus = {
    ...poolStatus(observed, assessments, tip, shardDecision, scale.replicas, needsRecreation(owner, claims.changes), config, options.now),
    autoscaler: autoscalerStatus(specTarget, scale.memory),
    shardPlan: shardPlanStatus(shardDecision.memory, spec.shardBalancing.strategy),
  };
  const events = poolEvents(previousStatus, status, scale.reason, current, scale.replicas, shardDecision.rebalanced);
  const refreshDue = options.now - (memory.lastStatusWriteAt ?? 0) >= (options.ledgerRefreshMs ?? 300_000);
  const writeStatus = !previousStatus || !sameJson(materialStatus(previousStatus), materialStatus(status)) || (refreshDue && !sameJson(previousStatus, status));
  return {
    objects,
    obsoleteServices,
    obsoleteRoute,
    podPatches,
    status,
    writeStatus,
    events,
    assessments,
    serving,
    memory: {
      replicas: scale.replicas,
      specTarget,
      autoscaler: scale.memory,
      shards: shardDecision.memory,
      lastStatusWriteAt: writeStatus ? options.now : memory.lastStatusWriteAt,
    },
  };
}

/**
 * True when the pool has converged on `desired` replicas: the StatefulSet (when seen) asks for them, that
 * many pods exist, each is Ready and answered its probe. An unsettled pool is neither healthy nor lagging
 * for the autoscaler.
 */
function settledOn(observed: PoolObservation, desired: number): boolean {
  const statefulSetAgrees = observed.statefulSetReplicas === undefined || observed.statefulSetReplicas === desired;
  return statefulSetAgrees && observed.pods.length === desired && observed.probes.length === desired && observed.probes.every((p) => p.ready && p.info !== undefined);
}

/** The `Stalled` condition's reason and message when claim template changes wait for a re-creation. */
function needsRecreation(owner: PoolOwner, changes: string[]): string | undefined {
  if (changes.length === 0) return undefined;
  const name = poolNames(owner).statefulSet;
  return `StatefulSet ${owner.namespace}/${name} keeps its volume claim templates, which Kubernetes does not let change in place (${changes.join('; ')}); `
    + `scaling and other changes go on. To apply the new template, delete the StatefulSet but not its pods: kubectl delete statefulset ${name} -n ${owner.namespace} --cascade=orphan; `
    + 'the pool re-creates it with the new template. Existing claims keep their size until resized.';
}

/**
 * Per-replica Services to delete: those of ordinals at or above the replica count (a scale-down), all of
 * them outside GatewayAPI mode. A pod that is only being recreated keeps its Service.
 */
function obsoleteReplicaServices(observed: PoolObservation, replicas: number): string[] {
  const prefix = `${observed.pool.name}-`;
  return (observed.replicaServices ?? []).filter((name) => {
    const ordinal = name.startsWith(prefix) ? Number(name.slice(prefix.length)) : Number.NaN;
    return !(Number.isInteger(ordinal) && ordinal >= 0 && ordinal < replicas);
  });
}

function podPatch(pod: string, serving: boolean, shards: readonly Shard[], owners: ShardOwners): PodPatch {
  const owned = shards.filter((shard) => owners.get(shard.shardId) === pod);
  const annotations: Record<string, string> = {};
  if (owned.length > 0) {
    annotations[SHARD_ANNOTATIONS.shardId] = owned.map((s) => s.shardId).join(',');
    annotations[SHARD_ANNOTATIONS.archiveUrl] = [...new Set(owned.map((s) => s.archiveUrl))].join(',');
    annotations[SHARD_ANNOTATIONS.ledgerRange] = owned.map((s) => `${s.ledgerRange.start}-${s.ledgerRange.end}`).join(',');
  }
  return { pod, labels: serving ? { [SERVING_LABEL]: 'true' } : {}, annotations };
}

function poolStatus(
  observed: PoolObservation,
  assessments: ReplicaAssessment[],
  tip: ReturnType<typeof networkTip>,
  shards: { shards: Shard[]; owners: ShardOwners },
  desiredReplicas: number,
  recreation: string | undefined,
  config: ConfigChoice,
  now: number,
): PoolStatus {
  const previous = observed.pool.status;
  const stamp = new Date(now).toISOString();
  const replicaWeights = assessments.map((a): ReplicaWeight => {
    const before = previous?.replicaWeights?.find((w) => w.replicaName === a.replica);
    const unchanged = before && before.weight === a.weight && before.isFresh === a.fresh && before.reason === a.reason;
    return { replicaName: a.replica, weight: a.weight, ledgerSequence: a.ledger, lag: a.lag, isFresh: a.fresh, lastUpdated: unchanged ? before.lastUpdated : stamp, reason: a.reason };
  });
  const shardAssignments: ShardAssignment[] = shards.shards.flatMap((shard) => {
    const replicaName = shards.owners.get(shard.shardId);
    return replicaName ? [{ replicaName, shardId: shard.shardId, archiveUrl: shard.archiveUrl, ledgerRange: shard.ledgerRange }] : [];
  });
  const withLedger = assessments.filter((a) => a.ledger !== undefined && a.reason !== 'WrongNetwork');
  const average = (values: number[]): number | undefined => (values.length ? Math.round(values.reduce((s, v) => s + v, 0) / values.length) : undefined);
  const fresh = assessments.filter((a) => a.fresh);
  const ready = assessments.filter((a) => a.ready).length;
  const generation = observed.pool.generation;
  const conditions = mergeConditions(previous?.conditions, [
    ...poolConditions(observed, assessments, fresh.length, ready, desiredReplicas, tip.ignored, generation, config),
    recreation
      ? { type: 'Stalled', status: 'True', reason: 'NeedsRecreation', message: recreation, observedGeneration: generation }
      : { type: 'Stalled', status: 'False', reason: 'Progressing', message: 'nothing waits for you', observedGeneration: generation },
  ], stamp);
  return {
    observedGeneration: generation,
    currentReplicas: observed.pods.length,
    readyReplicas: ready,
    freshReplicas: fresh.length,
    laggingReplicas: assessments.length - fresh.length,
    replicaWeights,
    shardAssignments,
    averageLedgerSequence: average(withLedger.map((a) => a.ledger as number)),
    networkLatestLedger: tip.ledger,
    averageLag: average(withLedger.flatMap((a) => (a.lag === undefined ? [] : [a.lag]))),
    conditions,
  };
}

function poolConditions(
  observed: PoolObservation,
  assessments: ReplicaAssessment[],
  fresh: number,
  ready: number,
  desired: number,
  ignored: { source: string; network: string }[],
  generation: number,
  config: ConfigChoice,
): ConditionInput[] {
  const current = observed.pods.length;
  const settled = current === desired && ready === desired;
  const lagging = assessments.filter((a) => !a.fresh);
  const problems = [
    ...lagging.map((a) => `${a.replica}: ${a.reason} (${a.message})`),
    ...ignored.map((s) => `${s.source} ignored: it serves network '${s.network}'`),
    ...observed.sourceErrors,
  ];
  return [
    fresh > 0
      ? { type: 'Ready', status: 'True', reason: 'FreshReplicas', message: `${fresh} of ${current} replicas fresh and serving`, observedGeneration: generation }
      : { type: 'Ready', status: 'False', reason: 'NoFreshReplica', message: current === 0 ? 'no replica yet' : 'no replica is fresh', observedGeneration: generation },
    settled
      ? { type: 'Progressing', status: 'False', reason: 'Settled', message: `${desired} replicas ready`, observedGeneration: generation }
      : { type: 'Progressing', status: 'True', reason: 'Scaling', message: `${ready} of ${desired} replicas ready (${current} exist)`, observedGeneration: generation },
    refusedConfig(observed, config, problems) ?? (problems.length > 0
      ? { type: 'Degraded', status: 'True', reason: degradedReason(lagging.length, observed.sourceErrors.length), message: problems.join('; '), observedGeneration: generation }
      : { type: 'Degraded', status: 'False', reason: 'AllFresh', message: 'every replica is fresh', observedGeneration: generation }),
  ];
}

/** `Degraded`, reason `ConfigRefused`, when stellar-core would refuse the config the spec asks for; the other problems follow. */
function refusedConfig(observed: PoolObservation, config: ConfigChoice, problems: string[]): ConditionInput | undefined {
  const { namespace, name, generation } = observed.pool;
  const condition = configRefusedCondition(config, `ReadOnlyPool ${namespace}/${name}`, `${namespace}/${poolNames(observed.pool).configMap}`, generation);
  return condition && { ...condition, message: [condition.message, ...problems].join('; ') };
}

/** The Degraded reason: lagging replicas first, then sources that could not be read, then ignored ones. */
function degradedReason(lagging: number, unreadableSources: number): string {
  if (lagging > 0) return 'LaggingReplicas';
  return unreadableSources > 0 ? 'UnreadableSources' : 'IgnoredSources';
}

function poolEvents(previous: PoolStatus | undefined, status: PoolStatus, scaleReason: string, from: number, to: number, rebalanced: boolean): PoolEvent[] {
  const events: PoolEvent[] = [];
  if (to !== from) events.push({ type: 'Normal', reason: scaleReason, message: `replicas ${from} -> ${to}` });
  if (rebalanced) events.push({ type: 'Normal', reason: 'Rebalanced', message: `${status.shardAssignments.length} shards reassigned over ${new Set(status.shardAssignments.map((s) => s.replicaName)).size} replicas` });
  const stalled = status.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
  const stalledBefore = previous?.conditions.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled && stalled.message !== stalledBefore?.message) events.push({ type: 'Warning', reason: stalled.reason, message: stalled.message });
  for (const weight of status.replicaWeights) {
    const before = previous?.replicaWeights?.find((w) => w.replicaName === weight.replicaName);
    if (before?.isFresh && !weight.isFresh) events.push({ type: 'Warning', reason: 'ReplicaLagging', message: `${weight.replicaName} is no longer fresh: ${weight.reason}` });
  }
  return events;
}

function invalidDecision(observed: PoolObservation, memory: PoolMemory, invalid: string[], now: number): PoolDecision {
  const previous = observed.pool.status;
  const generation = observed.pool.generation;
  const conditions = mergeConditions(previous?.conditions, [
    { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: invalid.join('; '), observedGeneration: generation },
    { type: 'Progressing', status: 'False', reason: 'InvalidSpec', message: 'fix the spec; nothing is applied until then', observedGeneration: generation },
    { type: 'Degraded', status: 'True', reason: 'InvalidSpec', message: invalid.join('; '), observedGeneration: generation },
  ], new Date(now).toISOString());
  const status: PoolStatus = {
    ...(previous ?? { currentReplicas: 0, readyReplicas: 0, freshReplicas: 0, laggingReplicas: 0, replicaWeights: [], shardAssignments: [] }),
    observedGeneration: generation,
    conditions,
  } as PoolStatus;
  return { invalid, objects: [], obsoleteServices: [], podPatches: [], status, writeStatus: !previous || !sameJson(previous, status), events: [], memory, assessments: [], serving: [] };
}

