import { mergeConditions, type Condition, type ConditionInput } from './conditions.js';
import { tenantPoolStatefulSet, tenantServices, type TenantSpec } from './tenant-objects.js';
import type { KubeObject } from './pool-objects.js';
import { derivePoolState, type PoolMemory, type PoolPodView, type PoolState, type StatefulSetView } from './tenant-pool-state.js';

/** One pool as observed: its StatefulSet (absent when missing) and pods. */
export interface ObservedTenantPool {
  statefulSet?: StatefulSetView;
  pods: PoolPodView[];
}

/** A pool's entry in the Tenant status, keyed by name: its StatefulSet's counters and revisions, and its state. */
export interface TenantPoolStatus extends Omit<StatefulSetView['status'], 'observedGeneration'> {
  name: string;
  ssName: string;
  state: PoolState;
  lastUpdateTime?: string;
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
}

/**
 * Decides a Tenant: one StatefulSet per pool, each pool's state (by name, never by position) through
 * `derivePoolState`, the tenant's `currentState`, conditions (`Stalled=True` on a failed rollout) and
 * `availableReplicas`. Pools removed from the spec are reported, not deleted (that needs confirmation).
 */
export function decideTenant(
  tenant: { namespace: string; name: string; uid: string; generation: number; spec: TenantSpec; previousConditions?: Condition[] },
  observed: Record<string, ObservedTenantPool>,
  existingPools: string[],
  memory: Record<string, PoolMemory>,
  now: number,
): TenantDecision {
  const deadlineMs = (tenant.spec.rollout?.progressDeadlineSeconds ?? 600) * 1000;
  const nextMemory: Record<string, PoolMemory> = {};
  const transitions: TenantDecision['transitions'] = [];
  const pools = tenant.spec.pools.map((pool): TenantPoolStatus => {
    const seen = observed[pool.name] ?? { pods: [] };
    const before = memory[pool.name] ?? {};
    const result = derivePoolState(seen.statefulSet, seen.pods, before, now, deadlineMs);
    nextMemory[pool.name] = result.memory;
    if (before.state !== result.state) transitions.push({ pool: pool.name, from: before.state, to: result.state, message: result.message });
    const s = seen.statefulSet?.status;
    return {
      name: pool.name, ssName: `${tenant.name}-${pool.name}`, state: result.state,
      replicas: seen.statefulSet?.replicas ?? 0, readyReplicas: s?.readyReplicas ?? 0, currentReplicas: s?.currentReplicas ?? 0, updatedReplicas: s?.updatedReplicas ?? 0,
      currentRevision: s?.currentRevision, updateRevision: s?.updateRevision, lastUpdateTime: result.memory.lastUpdateTime, message: result.message,
    };
  });
  const wanted = new Set(tenant.spec.pools.map((p) => p.name));
  const removalPending = existingPools.filter((p) => !wanted.has(p)).sort();
  const currentState = tenantState(pools.map((p) => p.state), removalPending.length > 0);
  const failed = pools.filter((p) => p.state === 'PoolRolloutFailed');
  const degraded = pools.filter((p) => p.state === 'PoolDegraded');
  const conditions = mergeConditions(tenant.previousConditions, tenantConditions(currentState, pools, failed, degraded, removalPending, tenant.generation), new Date(now).toISOString());
  return {
    objects: [...tenantServices(tenant), ...tenant.spec.pools.map((pool) => tenantPoolStatefulSet(tenant, tenant.spec.image, pool))],
    status: { currentState, availableReplicas: pools.reduce((sum, p) => sum + p.readyReplicas, 0), observedGeneration: tenant.generation, pools, conditions },
    memory: nextMemory,
    removalPending,
    transitions,
  };
}

function tenantState(states: PoolState[], removalPending: boolean): TenantStatus['currentState'] {
  if (states.includes('PoolRolloutFailed') || removalPending) return 'Blocked';
  if (states.includes('PoolDegraded')) return 'Degraded';
  if (states.every((s) => s === 'PoolRolloutComplete')) return 'Ready';
  if (states.some((s) => s === 'PoolUpdating' || s === 'PoolInitialized' || s === 'PoolCreated' || s === 'PoolNotCreated')) return 'Reconciling';
  return 'NotReady';
}

function tenantConditions(state: TenantStatus['currentState'], pools: TenantPoolStatus[], failed: TenantPoolStatus[], degraded: TenantPoolStatus[], removalPending: string[], generation: number): ConditionInput[] {
  const c = (type: string, on: boolean, reason: string, message: string): ConditionInput => ({ type, status: on ? 'True' : 'False', reason, message, observedGeneration: generation });
  const reconciling = pools.filter((p) => p.state !== 'PoolRolloutComplete' && p.state !== 'PoolRolloutFailed' && p.state !== 'PoolDegraded');
  return [
    c('Ready', state === 'Ready', state === 'Ready' ? 'AllPoolsComplete' : 'NotAllPoolsComplete', `${pools.filter((p) => p.state === 'PoolRolloutComplete').length} of ${pools.length} pools complete`),
    c('Reconciling', reconciling.length > 0, reconciling.length > 0 ? 'PoolsRollingOut' : 'Settled', reconciling.map((p) => `${p.name}: ${p.message}`).join('; ') || 'nothing rolling out'),
    c('Degraded', degraded.length > 0, degraded.length > 0 ? 'PoolsDegraded' : 'AllReady', degraded.map((p) => `${p.name}: ${p.message}`).join('; ') || 'every pod ready'),
    c('Stalled', failed.length > 0 || removalPending.length > 0, failed.length > 0 ? 'RolloutFailed' : removalPending.length > 0 ? 'PoolRemovalNeedsConfirmation' : 'Progressing',
      [...failed.map((p) => `${p.name}: ${p.message}`), ...removalPending.map((p) => `pool ${p} is no longer in the spec; its StatefulSet and data stay until you send confirm-remove`)].join('; ') || 'no failure'),
  ];
}
