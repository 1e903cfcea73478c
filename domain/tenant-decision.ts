import { keepLiveClaimTemplates, type ClaimTemplate } from './claim-templates.js';
import { mergeConditions, type Condition, type ConditionInput } from './conditions.js';
import { tenantClaimTemplates, tenantPoolStatefulSet, tenantServices, type TenantPoolSpec, type TenantSpec } from './tenant-objects.js';
import { choosePoolStatefulSetName, type PoolNameChoice, type PoolNameObservation } from './tenant-pool-names.js';
import type { KubeObject } from './pool-objects.js';
import { derivePoolState, memoryFromStatus, memoryToStatus, type PoolMemory, type PoolMemoryStatus, type PoolPodView, type PoolState, type StatefulSetView } from './tenant-pool-state.js';

/**
 * One pool as observed: its StatefulSet (absent when missing; only one controlled by the tenant counts) with its
 * name, its pods, and the names it could take that another object holds.
 */
export interface ObservedTenantPool extends PoolNameObservation {
  statefulSet?: StatefulSetView;
  pods: PoolPodView[];
  /** The live StatefulSet's claim templates (see `liveClaimTemplates`), which Kubernetes does not let change. */
  claimTemplates?: ClaimTemplate[];
}

/**
 * A pool's entry in the Tenant status, keyed by name: its StatefulSet's counters and revisions, its state,
 * and the state machine's memory (`everComplete`, `rollout`, `pendingState`, `lastUpdateTime`) so that a
 * workflow started with no memory resumes it.
 */
export interface TenantPoolStatus extends Omit<StatefulSetView['status'], 'observedGeneration'>, PoolMemoryStatus {
  name: string;
  ssName: string;
  state: PoolState;
  lastUpdateTime?: string;
  message: string;
}

/** A Kubernetes Event to record on the Tenant. */
export interface TenantEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

/** The Tenant status. */
export interface TenantStatus {
  currentState: 'Ready' | 'Reconciling' | 'Blocked' | 'Degraded' | 'NotReady';
  availableReplicas: number;
  observedGeneration: number;
  pools: TenantPoolStatus[];
  conditions: Condition[];
}

/** One Tenant decision. */
export interface TenantDecision {
  objects: KubeObject[];
  status: TenantStatus;
  memory: Record<string, PoolMemory>;
  /** Pools in the cluster no longer in the spec: kept until a `confirm-remove` signal. */
  removalPending: string[];
  transitions: { pool: string; from?: PoolState; to: PoolState; message: string }[];
  /** Events to record on the Tenant (a Warning when a pool's claim template change newly needs a re-creation). */
  events: TenantEvent[];
}

/** The Tenant as the decision needs it. */
export interface TenantDecisionInput {
  namespace: string;
  name: string;
  uid: string;
  generation: number;
  spec: TenantSpec;
  previousConditions?: Condition[];
  /** The status as last written: a pool with no memory resumes from its entry (a restarted workflow). */
  previousStatus?: TenantStatus;
}

/**
 * Decides a Tenant: one StatefulSet per pool, each pool's state (by name, never by position) through
 * `derivePoolState`, the tenant's `currentState`, conditions (`Stalled=True` on a failed rollout, a pool
 * removal or a claim template change waiting for you) and `availableReplicas`. A pool with no memory
 * resumes from its entry in `previousStatus`, so a restarted workflow decides what the one before would
 * have. Each StatefulSet keeps its live claim templates: a change Kubernetes forbids is reported
 * (`Stalled`, reason `NeedsRecreation`, and a Warning Event) and the rest goes on. Each pool's StatefulSet name
 * comes from `choosePoolStatefulSetName`; a pool whose name is held by another object or too long is not applied
 * (`Stalled`, reason `StatefulSetNameUnavailable`, and a Warning Event). Every applied pool's pods get the
 * volumes of every applied pool, so they form one RustFS cluster. Pools removed from the spec are reported, not
 * deleted (that needs confirmation).
 */
export function decideTenant(tenant: TenantDecisionInput, observed: Record<string, ObservedTenantPool>, existingPools: string[], memory: Record<string, PoolMemory>, now: number): TenantDecision {
  const deadlineMs = (tenant.spec.rollout?.progressDeadlineSeconds ?? 600) * 1000;
  const nextMemory: Record<string, PoolMemory> = {};
  const transitions: TenantDecision['transitions'] = [];
  const objects: KubeObject[] = [...tenantServices(tenant)];
  const recreations: string[] = [];
  const names = new Map<string, PoolNameChoice>(tenant.spec.pools.map((pool) => [pool.name, choosePoolStatefulSetName(tenant, pool.name, observed[pool.name], rememberedName(tenant, pool.name))]));
  const placed = tenant.spec.pools.flatMap((pool): { name: string; pool: TenantPoolSpec }[] => {
    const choice = names.get(pool.name);
    return choice && !choice.blocked ? [{ name: choice.name, pool }] : [];
  });
  const nameProblems = [...names.values()].flatMap((choice) => (choice.blocked ? [choice.blocked] : []));
  const pools = tenant.spec.pools.map((pool): TenantPoolStatus => {
    const seen = observed[pool.name] ?? { pods: [] };
    const before = memory[pool.name] ?? memoryFromStatus(tenant.previousStatus?.pools.find((p) => p.name === pool.name));
    const result = derivePoolState(seen.statefulSet, seen.pods, before, now, deadlineMs);
    nextMemory[pool.name] = result.memory;
    if (before.state !== result.state) transitions.push({ pool: pool.name, from: before.state, to: result.state, message: result.message });
    const { name: ssName, blocked } = names.get(pool.name) ?? { name: '' };
    const claims = keepLiveClaimTemplates(tenantClaimTemplates(pool), seen.claimTemplates);
    if (!blocked) objects.push(tenantPoolStatefulSet(tenant, tenant.spec, pool, { name: ssName, pools: placed }, claims.templates));
    if (claims.changes.length > 0) recreations.push(needsRecreation(tenant, ssName, claims.changes));
    const s = seen.statefulSet?.status;
    return {
      name: pool.name, ssName, state: result.state,
      replicas: seen.statefulSet?.replicas ?? 0, readyReplicas: s?.readyReplicas ?? 0, currentReplicas: s?.currentReplicas ?? 0, updatedReplicas: s?.updatedReplicas ?? 0,
      currentRevision: s?.currentRevision, updateRevision: s?.updateRevision, message: blocked ?? result.message, ...memoryToStatus(result.memory),
    };
  });
  const wanted = new Set(tenant.spec.pools.map((p) => p.name));
  const removalPending = existingPools.filter((p) => !wanted.has(p)).sort();
  const currentState = tenantState(pools.map((p) => p.state), removalPending.length > 0 || recreations.length > 0 || nameProblems.length > 0);
  const failed = pools.filter((p) => p.state === 'PoolRolloutFailed');
  const degraded = pools.filter((p) => p.state === 'PoolDegraded');
  const decided = tenantConditions(currentState, pools, failed, degraded, removalPending, tenant.generation, { recreations, nameProblems });
  const conditions = mergeConditions(tenant.previousConditions, decided, new Date(now).toISOString());
  const stalledBefore = tenant.previousConditions?.find((c) => c.type === 'Stalled' && c.status === 'True')?.message ?? '';
  return {
    objects,
    status: { currentState, availableReplicas: pools.reduce((sum, p) => sum + p.readyReplicas, 0), observedGeneration: tenant.generation, pools, conditions },
    memory: nextMemory,
    removalPending,
    transitions,
    events: [
      ...recreations.filter((message) => !stalledBefore.includes(message)).map((message): TenantEvent => ({ type: 'Warning', reason: 'NeedsRecreation', message })),
      ...nameProblems.filter((message) => !stalledBefore.includes(message)).map((message): TenantEvent => ({ type: 'Warning', reason: 'StatefulSetNameUnavailable', message })),
    ],
  };
}

/** The StatefulSet name the last written status gave a pool. */
function rememberedName(tenant: TenantDecisionInput, pool: string): string | undefined {
  return tenant.previousStatus?.pools.find((p) => p.name === pool)?.ssName;
}

function needsRecreation(tenant: { namespace: string; name: string }, name: string, changes: string[]): string {
  return `StatefulSet ${tenant.namespace}/${name} keeps its volume claim templates, which Kubernetes does not let change in place (${changes.join('; ')}); `
    + `to apply the new template, delete the StatefulSet but not its pods: kubectl delete statefulset ${name} -n ${tenant.namespace} --cascade=orphan; it is re-created with the new template`;
}

function tenantState(states: PoolState[], needsYou: boolean): TenantStatus['currentState'] {
  if (states.includes('PoolRolloutFailed') || needsYou) return 'Blocked';
  if (states.includes('PoolDegraded')) return 'Degraded';
  if (states.every((s) => s === 'PoolRolloutComplete')) return 'Ready';
  if (states.some((s) => s === 'PoolUpdating' || s === 'PoolInitialized' || s === 'PoolCreated' || s === 'PoolNotCreated')) return 'Reconciling';
  return 'NotReady';
}

function tenantConditions(
  state: TenantStatus['currentState'],
  pools: TenantPoolStatus[],
  failed: TenantPoolStatus[],
  degraded: TenantPoolStatus[],
  removalPending: string[],
  generation: number,
  needYou: { recreations: string[]; nameProblems: string[] },
): ConditionInput[] {
  const { recreations, nameProblems } = needYou;
  const c = (type: string, on: boolean, reason: string, message: string): ConditionInput => ({ type, status: on ? 'True' : 'False', reason, message, observedGeneration: generation });
  const reconciling = pools.filter((p) => p.state !== 'PoolRolloutComplete' && p.state !== 'PoolRolloutFailed' && p.state !== 'PoolDegraded');
  return [
    c('Ready', state === 'Ready', state === 'Ready' ? 'AllPoolsComplete' : 'NotAllPoolsComplete', `${pools.filter((p) => p.state === 'PoolRolloutComplete').length} of ${pools.length} pools complete`),
    c('Reconciling', reconciling.length > 0, reconciling.length > 0 ? 'PoolsRollingOut' : 'Settled', reconciling.map((p) => `${p.name}: ${p.message}`).join('; ') || 'nothing rolling out'),
    c('Degraded', degraded.length > 0, degraded.length > 0 ? 'PoolsDegraded' : 'AllReady', degraded.map((p) => `${p.name}: ${p.message}`).join('; ') || 'every pod ready'),
    c('Stalled', failed.length > 0 || removalPending.length > 0 || recreations.length > 0 || nameProblems.length > 0, stalledReason(failed, needYou, removalPending), [
      ...failed.map((p) => `${p.name}: ${p.message}`),
      ...recreations,
      ...nameProblems,
      ...removalPending.map((p) => `pool ${p} is no longer in the spec; its StatefulSet and data stay until you send confirm-remove`),
    ].join('; ') || 'no failure'),
  ];
}

function stalledReason(failed: TenantPoolStatus[], needYou: { recreations: string[]; nameProblems: string[] }, removalPending: string[]): string {
  if (failed.length > 0) return 'RolloutFailed';
  if (needYou.recreations.length > 0) return 'NeedsRecreation';
  if (needYou.nameProblems.length > 0) return 'StatefulSetNameUnavailable';
  return removalPending.length > 0 ? 'PoolRemovalNeedsConfirmation' : 'Progressing';
}
