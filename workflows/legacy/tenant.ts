import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { createTenantActivities } from '../../activities/tenant-activities.js';
import { decideTenant } from '../../domain/tenant-decision.js';
import { tenantApplySummary, tenantStatusSummary } from '../../domain/summaries.js';
import type { PoolMemory } from '../../domain/tenant-pool-state.js';
import { confirmRemoveSignal, resourceChangedSignal, tenantStatusQuery, type TenantInput, type TenantView } from '../contract.js';
import { recordReconcile, recordTenant } from '../metrics.js';
import { tenantWriteStatusV1 } from './compat.js';

const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
};
const tenants = proxyActivities<ReturnType<typeof createTenantActivities>>(OPTIONS);
/** Activity options with a summary the Web UI shows in the history. */
const summarized = (summary: string): ActivityOptions => ({ ...OPTIONS, summary });

const ITERATIONS_PER_RUN = 300;
const RECENT_TRANSITIONS = 20;

/**
 * The reconcile loop of one Tenant (`tenant/<namespace>/<name>`): applies one StatefulSet per pool, derives
 * each pool's rollout state, writes status when it changed, and deletes a removed pool's StatefulSet only
 * after `confirm-remove` names it. Ends when the tenant is deleted.
 */
export async function tenantWorkflowV1(input: TenantInput): Promise<TenantView> {
  let memory: Record<string, PoolMemory> = input.memory ?? {};
  let woken = false;
  const confirmed = new Set<string>();
  const view: TenantView = { namespace: input.namespace, name: input.name, iterations: 0, deleted: false, transitions: input.transitions ?? [], removalPending: [] };
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(confirmRemoveSignal, (pool: string) => {
    confirmed.add(pool);
    woken = true;
  });
  setHandler(tenantStatusQuery, () => view);
  for (let iteration = 0; iteration < ITERATIONS_PER_RUN; iteration += 1) {
    woken = false;
    const startedAt = Date.now();
    const observed = await tenants.observeTenant.executeWithOptions(summarized(`observe tenant ${input.namespace}/${input.name}: its StatefulSets and pods`), [{ namespace: input.namespace, name: input.name }]);
    if (!observed) {
      view.deleted = true;
      return view;
    }
    const now = Date.now();
    const decision = decideTenant({ namespace: input.namespace, name: input.name, uid: observed.uid, generation: observed.generation, spec: observed.spec, previousConditions: observed.conditions },
      observed.pools, observed.existingPools, memory, now);
    memory = decision.memory;
    const applied = await tenants.applyTenant.executeWithOptions(summarized(tenantApplySummary(decision)), [decision.objects]);
    if (applied.refused?.length) {
      // Kubernetes cannot make this change in place: report it instead of retrying it blindly.
      const message = applied.refused.map((r) => `${r.object}: ${r.message}`).join('; ');
      decision.status.currentState = 'Blocked';
      decision.status.conditions = decision.status.conditions.map((c) => (c.type === 'Stalled' ? { ...c, status: 'True', reason: 'ChangeRefused', message } : c));
    }
    for (const pool of decision.removalPending.filter((p) => confirmed.has(p))) {
      await tenants.removeTenantPool.executeWithOptions(summarized(`delete pool ${pool} (removal confirmed)`), [{ namespace: input.namespace, name: input.name, pool }]);
      confirmed.delete(pool);
    }
    if (tenantWriteStatusV1(observed.status, decision.status)) await tenants.writeTenantStatus.executeWithOptions(summarized(tenantStatusSummary(decision)), [{ namespace: input.namespace, name: input.name, status: decision.status }]);
    view.iterations += 1;
    view.status = decision.status;
    view.removalPending = decision.removalPending;
    view.transitions = [...view.transitions, ...decision.transitions.map((t) => ({ ...t, at: new Date(now).toISOString() }))].slice(-RECENT_TRANSITIONS);
    recordTenant(view);
    recordReconcile('tenant', startedAt);
    await condition(() => woken, (input.intervalSeconds ?? 10) * 1000);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof tenantWorkflowV1>({ ...input, memory, transitions: view.transitions });
}
