import { patched, setHandler } from '@temporalio/workflow';
import { memoryForObject } from '../domain/object-memory.js';
import { sameJson } from '../domain/pool-status.js';
import { refusalOutcome } from '../domain/stall.js';
import { tenantApplySummary, tenantStatusSummary } from '../domain/summaries.js';
import { decideTenant, type TenantDecision } from '../domain/tenant-decision.js';
import { loopActivities as tenants, reportFailure, stallTarget, summarized } from './activities.js';
import { confirmRemoveSignal, tenantStatusQuery, type TenantInput, type TenantView } from './contract.js';
import { tenantWorkflowV1 } from './legacy/tenant.js';
import { recordTenant } from './metrics.js';
import { runReconcileLoop, type PassOutcome, type PassWake, type ReconcileKind } from './reconcile-loop.js';
import { MEMORY_PER_OBJECT_PATCH, onReconcileLoop, TENANT_APPLY_CHECK_PATCH } from './versions.js';
import { appliedFingerprint, heldReason, objectsDigest, ownedRefs } from '../domain/owned-fingerprint.js';
import type { ApplyResult } from '../kube/apply-objects.js';

const RECENT_TRANSITIONS = 20;

interface TenantState {
  input: TenantInput;
  view: TenantView;
  /** The last pass wrote to the cluster: the next one reads the API, not the worker's cache. */
  wrote?: boolean;
}

/**
 * The reconcile loop of one Tenant (`tenant/<namespace>/<name>`): one StatefulSet per pool, each pool's
 * rollout state, status when it changed; a removed pool's StatefulSet goes only after `confirm-remove`.
 */
export async function tenantWorkflow(input: TenantInput): Promise<TenantView> {
  if (!onReconcileLoop()) return tenantWorkflowV1(input);
  const view: TenantView = { namespace: input.namespace, name: input.name, iterations: input.passesBefore ?? 0, deleted: false, transitions: input.transitions ?? [], removalPending: [] };
  return runReconcileLoop(tenantKind, { input, view }, input);
}

const tenantKind: ReconcileKind<TenantState, TenantView> = {
  name: 'tenant',
  handlers(state, wake) {
    setHandler(confirmRemoveSignal, (pool: string) => {
      state.input = { ...state.input, confirmedRemovals: [...new Set([...(state.input.confirmedRemovals ?? []), pool])] };
      wake();
    });
    setHandler(tenantStatusQuery, () => state.view);
  },
  pass: tenantPass,
  reportFailure: (state, message) => reportFailure([stallTarget('Tenant', state.input.namespace, state.input.name)], message),
  result: (state) => state.view,
  carry: (state) => ({ ...state.input, transitions: state.view.transitions }),
  wroteLastPass: (state) => state.wrote === true,
  passes: (state) => state.view.iterations,
};

async function tenantPass(state: TenantState, wake: PassWake): Promise<PassOutcome> {
  const { namespace, name } = state.input;
  // Only the activities' inputs change (not the commands): histories of earlier passes replay as they are.
  const fresh = wake.signalled || state.wrote === true;
  state.wrote = false;
  // The pass applies only when something could change (patch `tenant-apply-check`): its observation also
  // reads the fingerprint of the objects the last apply left.
  const checked = patched(TENANT_APPLY_CHECK_PATCH);
  const owned = checked ? { owned: state.input.applied?.owned ?? [] } : {};
  const observed = await tenants.observeTenant.executeWithOptions(summarized(`observe tenant ${namespace}/${name}: its StatefulSets and pods`), [{ namespace, name, fresh, ...owned }]);
  if (!observed) {
    state.view.deleted = true;
    return { done: true, requeueAfterMs: 0 };
  }
  if (patched(MEMORY_PER_OBJECT_PATCH)) {
    const { memory, memoryUid, replaced } = memoryForObject(state.input.memory, state.input.memoryUid, observed.uid);
    state.input = { ...state.input, memory, memoryUid };
    if (replaced) state.view.transitions = [];
  }
  const now = Date.now();
  const decision = decideTenant({ namespace, name, uid: observed.uid, generation: observed.generation, spec: observed.spec, previousConditions: observed.conditions, previousStatus: observed.status }, observed.pools, observed.existingPools, state.input.memory ?? {}, now);
  state.input = { ...state.input, memory: decision.memory };
  const reason = checked ? heldReason(objectsDigest(decision.objects), observed.ownedDigest, state.input.applied) : 'every pass';
  const applied = reason ? await apply(state, decision.objects, fresh, checked, tenantApplySummary(decision)) : undefined;
  const refusal = refusalOutcome(observed.conditions, decision.status.conditions, applied?.refused, observed.generation, new Date(now).toISOString());
  const status = { ...decision.status, conditions: refusal.conditions, currentState: applied?.refused?.length ? ('Blocked' as const) : decision.status.currentState };
  for (const pool of decision.removalPending.filter((p) => state.input.confirmedRemovals?.includes(p))) {
    await tenants.removeTenantPool.executeWithOptions(summarized(`delete pool ${pool} (removal confirmed)`), [{ namespace, name, pool }]);
    state.wrote = true;
    state.input = { ...state.input, confirmedRemovals: state.input.confirmedRemovals?.filter((p) => p !== pool) };
  }
  if (!sameJson(observed.status, status)) {
    await tenants.writeTenantStatus.executeWithOptions(summarized(tenantStatusSummary(decision)), [{ namespace, name, status }]);
    state.wrote = true;
  }
  const events = [...decision.events, ...refusal.events];
  if (events.length > 0) await tenants.recordTenantEvents.executeWithOptions(summarized(`record events: ${events.map((e) => e.reason).join(', ')}`), [{ namespace, name, uid: observed.uid, events }]);
  state.view.iterations += 1;
  state.view.status = status;
  state.view.removalPending = decision.removalPending;
  state.view.transitions = [...state.view.transitions, ...decision.transitions.map((t) => ({ ...t, at: new Date(now).toISOString() }))].slice(-RECENT_TRANSITIONS);
  recordTenant(state.view);
  return { requeueAfterMs: (state.input.intervalSeconds ?? 10) * 1000 };
}

/** Applies the tenant's objects; with `checked`, it keeps what the apply left for the next passes to compare with. */
async function apply(state: TenantState, objects: TenantDecision['objects'], fresh: boolean, checked: boolean, summary: string): Promise<ApplyResult> {
  const { namespace, name } = state.input;
  const fingerprint = checked ? { ref: { namespace, name }, owned: ownedRefs(objects) } : undefined;
  const applied = await tenants.applyTenant.executeWithOptions(summarized(summary), [objects, { fresh, ...(fingerprint ? { fingerprint } : {}) }]);
  if (applied.applied.length > 0) state.wrote = true;
  if (fingerprint) state.input = { ...state.input, applied: appliedFingerprint(objectsDigest(objects), fingerprint.owned, applied) };
  return applied;
}
