import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { createPoolActivities } from '../../activities/pool-activities.js';
import { decidePool, type PoolMemory } from '../../domain/pool-decision.js';
import { withDefaults } from '../../domain/pool-spec.js';
import { poolApplySummary, poolStatusSummary } from '../../domain/summaries.js';
import { pauseSignal, rebalanceSignal, resourceChangedSignal, resumeSignal, statusQuery, type ReadOnlyPoolInput, type ReadOnlyPoolView } from '../contract.js';
import { recordPool, recordReconcile } from '../metrics.js';
import { updatePoolView } from '../pool-view.js';
import { poolEventsV1, poolWriteStatusV1 } from './compat.js';

const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
};
const pool = proxyActivities<ReturnType<typeof createPoolActivities>>(OPTIONS);
/** Activity options with a summary the Web UI shows in the history. */
const summarized = (summary: string): ActivityOptions => ({ ...OPTIONS, summary });

/** Iterations per run before continue-as-new keeps the history bounded. */
const ITERATIONS_PER_RUN = 200;

/**
 * The reconcile loop of one ReadOnlyPool (`readonlypool/<namespace>/<name>`). Each iteration observes the
 * pool once, decides with pure code (`decidePool`), applies only what differs, and writes status when it
 * changed; then sleeps `updateIntervalSeconds`, woken early by `resource-changed`, `rebalance`, `pause`
 * or `resume`. Ends when the pool is deleted.
 */
export async function readOnlyPoolWorkflowV1(input: ReadOnlyPoolInput): Promise<ReadOnlyPoolView> {
  let memory: PoolMemory = input.memory ?? { autoscaler: {} };
  let paused = input.paused ?? false;
  let woken = false;
  let rebalanceRequested = false;
  const view: ReadOnlyPoolView = {
    namespace: input.namespace, name: input.name, iterations: 0, deleted: false, paused,
    fresh: 0, lagging: 0, replicaViews: [], lastApplied: [], statusWrites: 0,
  };
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(rebalanceSignal, () => {
    rebalanceRequested = true;
    woken = true;
  });
  setHandler(pauseSignal, () => {
    paused = true;
    woken = true;
  });
  setHandler(resumeSignal, () => {
    paused = false;
    woken = true;
  });
  setHandler(statusQuery, () => view);

  for (let iteration = 0; iteration < ITERATIONS_PER_RUN; iteration += 1) {
    woken = false;
    const startedAt = Date.now();
    const observed = await pool.observePool.executeWithOptions(summarized(`observe pool ${input.namespace}/${input.name}: read it, its StatefulSet and pods, probe each replica's /info`), [{ namespace: input.namespace, name: input.name }]);
    view.iterations += 1;
    if (!observed) {
      view.deleted = true;
      return view;
    }
    const rebalanceNow = rebalanceRequested;
    const memoryBefore = memory;
    const decision = decidePool(observed, memory, {
      now: Date.now(),
      rebalanceRequested: rebalanceNow,
      autoscalerTiming: input.autoscalerTiming,
      ledgerRefreshMs: input.ledgerRefreshSeconds === undefined ? undefined : input.ledgerRefreshSeconds * 1000,
    });
    if (!paused) {
      const applied = await pool.applyPool.executeWithOptions(summarized(poolApplySummary(decision)), [{ namespace: input.namespace, objects: decision.objects, obsoleteServices: decision.obsoleteServices, podPatches: decision.podPatches, observedPods: observed.pods }]);
      view.lastApplied = applied.applied;
      memory = decision.memory;
      if (rebalanceNow) rebalanceRequested = false;
    }
    if (poolWriteStatusV1(observed.pool.status, decision.status, memoryBefore, Date.now(), input.ledgerRefreshSeconds === undefined ? undefined : input.ledgerRefreshSeconds * 1000)) {
      await pool.writePoolStatus.executeWithOptions(summarized(poolStatusSummary(decision)), [{ namespace: input.namespace, name: input.name, status: decision.status }]);
      view.statusWrites += 1;
      memory = { ...memory, lastStatusWriteAt: Date.now() };
    }
    if (poolEventsV1(decision.events).length > 0 && !paused) {
      await pool.recordPoolEvents.executeWithOptions(summarized(`record events: ${decision.events.map((e) => e.reason).join(', ')}`), [{ namespace: input.namespace, name: input.name, uid: observed.pool.uid, events: decision.events }]);
    }
    updatePoolView(view, decision, observed.pool.generation, paused);
    recordPool(view);
    recordReconcile('readonlypool', startedAt);
    const interval = input.intervalSeconds ?? withDefaults(observed.pool.spec).loadBalancing.updateIntervalSeconds;
    await condition(() => woken, interval * 1000);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof readOnlyPoolWorkflowV1>({ ...input, memory, paused });
}
