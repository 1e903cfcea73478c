import { setHandler } from '@temporalio/workflow';
import { decidePool } from '../domain/pool-decision.js';
import { withDefaults } from '../domain/pool-spec.js';
import { sameJson } from '../domain/pool-status.js';
import { refusalOutcome } from '../domain/stall.js';
import { poolApplySummary, poolStatusSummary } from '../domain/summaries.js';
import { loopActivities as pool, reportFailure, stallTarget, summarized } from './activities.js';
import { pauseSignal, rebalanceSignal, resumeSignal, statusQuery, type ReadOnlyPoolInput, type ReadOnlyPoolView } from './contract.js';
import { readOnlyPoolWorkflowV1 } from './legacy/readonlypool.js';
import { recordPool } from './metrics.js';
import { updatePoolView } from './pool-view.js';
import { runReconcileLoop, type PassOutcome, type ReconcileKind } from './reconcile-loop.js';
import { onReconcileLoop } from './versions.js';

interface PoolState {
  input: ReadOnlyPoolInput;
  view: ReadOnlyPoolView;
}

/**
 * The reconcile loop of one ReadOnlyPool (`readonlypool/<namespace>/<name>`): observe the pool, its
 * StatefulSet, pods and sources; decide purely (`decidePool`); apply what differs unless paused; write
 * status when it changed, refusals included. Signals: `rebalance`, `pause`, `resume`, `resource-changed`.
 */
export async function readOnlyPoolWorkflow(input: ReadOnlyPoolInput): Promise<ReadOnlyPoolView> {
  if (!onReconcileLoop()) return readOnlyPoolWorkflowV1(input);
  const view: ReadOnlyPoolView = { namespace: input.namespace, name: input.name, iterations: 0, deleted: false, paused: input.paused ?? false, fresh: 0, lagging: 0, replicaViews: [], lastApplied: [], statusWrites: 0 };
  return runReconcileLoop(poolKind, { input: { ...input, memory: input.memory ?? { autoscaler: {} } }, view }, input.passesPerRun);
}

const poolKind: ReconcileKind<PoolState, ReadOnlyPoolView> = {
  name: 'readonlypool',
  handlers(state, wake) {
    const request = (change: Partial<ReadOnlyPoolInput>) => () => {
      state.input = { ...state.input, ...change };
      wake();
    };
    setHandler(rebalanceSignal, request({ rebalanceRequested: true }));
    setHandler(pauseSignal, request({ paused: true }));
    setHandler(resumeSignal, request({ paused: false }));
    setHandler(statusQuery, () => state.view);
  },
  pass: poolPass,
  reportFailure: (state, message) => reportFailure([stallTarget('ReadOnlyPool', state.input.namespace, state.input.name)], message),
  result: (state) => state.view,
  carry: (state) => state.input,
};

async function poolPass(state: PoolState): Promise<PassOutcome> {
  const { namespace, name, paused, rebalanceRequested } = state.input;
  const observed = await pool.observePool.executeWithOptions(summarized(`observe pool ${namespace}/${name}: read it, its StatefulSet and pods, probe each replica's /info`), [{ namespace, name }]);
  state.view.iterations += 1;
  if (!observed) {
    state.view.deleted = true;
    return { done: true, requeueAfterMs: 0 };
  }
  const now = Date.now();
  const ledgerRefreshMs = state.input.ledgerRefreshSeconds === undefined ? undefined : state.input.ledgerRefreshSeconds * 1000;
  const rebalanceNow = !paused && rebalanceRequested === true;
  const decision = decidePool(observed, state.input.memory ?? { autoscaler: {} }, { now, rebalanceRequested: rebalanceNow, autoscalerTiming: state.input.autoscalerTiming, ledgerRefreshMs });
  let refused;
  if (!paused) {
    // The rebalance is claimed by this apply; a request that arrives meanwhile sets the flag again.
    state.input = { ...state.input, rebalanceRequested: false };
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
