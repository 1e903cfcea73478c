import { patched } from '@temporalio/workflow';
import { memoryForObject } from '../domain/object-memory.js';
import { decidePool } from '../domain/pool-decision.js';
import { withDefaults } from '../domain/pool-spec.js';
import { sameJson } from '../domain/pool-status.js';
import { refusalOutcome } from '../domain/stall.js';
import { poolApplySummary, poolStatusSummary } from '../domain/summaries.js';
import { loopActivities as pool, summarized } from './activities.js';
import type { ReadOnlyPoolInput, ReadOnlyPoolView } from './contract.js';
import { recordPool } from './metrics.js';
import { updatePoolView } from './pool-view.js';
import type { PassOutcome } from './reconcile-loop.js';
import { MEMORY_PER_OBJECT_PATCH } from './versions.js';

/** What a pool's loop carries: its input (memory and pending requests included) and the query's view. */
export interface PoolState {
  input: ReadOnlyPoolInput;
  view: ReadOnlyPoolView;
}

/**
 * One pass of a ReadOnlyPool: observe, decide (`decidePool`), apply unless paused (a pending rebalance is
 * claimed by the apply), write status when it changed (refusals as Stalled), record Events.
 */
export async function poolPass(state: PoolState): Promise<PassOutcome> {
  const { namespace, name, paused, rebalanceRequested } = state.input;
  const observed = await pool.observePool.executeWithOptions(summarized(`observe pool ${namespace}/${name}: read it, its StatefulSet and pods, probe each replica's /info`), [{ namespace, name }]);
  state.view.iterations += 1;
  if (!observed) {
    state.view.deleted = true;
    return { done: true, requeueAfterMs: 0 };
  }
  if (patched(MEMORY_PER_OBJECT_PATCH)) {
    const { memory, memoryUid } = memoryForObject(state.input.memory, state.input.memoryUid, observed.pool.uid);
    state.input = { ...state.input, memory, memoryUid };
  }
  const now = Date.now();
  const ledgerRefreshMs = state.input.ledgerRefreshSeconds === undefined ? undefined : state.input.ledgerRefreshSeconds * 1000;
  const rebalanceNow = !paused && rebalanceRequested === true;
  const decision = decidePool(observed, state.input.memory ?? { autoscaler: {} }, { now, rebalanceRequested: rebalanceNow, autoscalerTiming: state.input.autoscalerTiming, ledgerRefreshMs });
  let refused;
  if (!paused) {
    // A rebalance this decision used is claimed by its apply; one that arrived during the pass (after the
    // flag was read) stays requested for the next pass.
    if (rebalanceNow) state.input = { ...state.input, rebalanceRequested: false };
    const applied = await pool.applyPool.executeWithOptions(summarized(poolApplySummary(decision)), [{ namespace, objects: decision.objects, obsoleteServices: decision.obsoleteServices, obsoleteRoute: decision.obsoleteRoute, podPatches: decision.podPatches, observedPods: observed.pods }])
      .catch((error: unknown) => {
        if (rebalanceNow) state.input = { ...state.input, rebalanceRequested: true };
        throw error;
      });
    state.view.lastApplied = applied.applied;
    refused = applied.refused;
    state.input = { ...state.input, memory: decision.memory };
  }
  const previous = observed.pool.status?.conditions;
  const refusal = refusalOutcome(previous, decision.status.conditions, refused, observed.pool.generation, new Date(now).toISOString());
  const status = { ...decision.status, conditions: refusal.conditions };
  if (decision.writeStatus || !sameJson(previous, status.conditions)) {
    await pool.writePoolStatus.executeWithOptions(summarized(poolStatusSummary(decision)), [{ namespace, name, status }]);
    state.view.statusWrites += 1;
    state.input = { ...state.input, memory: { ...(state.input.memory ?? { autoscaler: {} }), lastStatusWriteAt: now } };
  }
  const events = [...(paused ? [] : decision.events), ...refusal.events];
  if (events.length > 0) await pool.recordPoolEvents.executeWithOptions(summarized(`record events: ${events.map((e) => e.reason).join(', ')}`), [{ namespace, name, uid: observed.pool.uid, events }]);
  updatePoolView(state.view, decision, observed.pool.generation, paused ?? false);
  recordPool(state.view);
  return { requeueAfterMs: (state.input.intervalSeconds ?? withDefaults(observed.pool.spec).loadBalancing.updateIntervalSeconds) * 1000 };
}
