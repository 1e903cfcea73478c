import { setHandler } from '@temporalio/workflow';
import { reportFailure, stallTarget } from './activities.js';
import { pauseSignal, rebalanceSignal, resumeSignal, statusQuery, type ReadOnlyPoolInput, type ReadOnlyPoolView } from './contract.js';
import { readOnlyPoolWorkflowV1 } from './legacy/readonlypool.js';
import { poolPass, type PoolState } from './pool-pass.js';
import { runReconcileLoop, type ReconcileKind } from './reconcile-loop.js';
import { onReconcileLoop } from './versions.js';

/**
 * The reconcile loop of one ReadOnlyPool (`readonlypool/<namespace>/<name>`): observe the pool, its
 * StatefulSet, pods and sources; decide purely (`decidePool`); apply what differs unless paused; write
 * status when it changed, refusals included. Signals: `rebalance`, `pause`, `resume`, `resource-changed`.
 */
export async function readOnlyPoolWorkflow(input: ReadOnlyPoolInput): Promise<ReadOnlyPoolView> {
  if (!onReconcileLoop()) return readOnlyPoolWorkflowV1(input);
  const view: ReadOnlyPoolView = { namespace: input.namespace, name: input.name, iterations: input.passesBefore ?? 0, deleted: false, paused: input.paused ?? false, fresh: 0, lagging: 0, replicaViews: [], lastApplied: [], statusWrites: 0 };
  return runReconcileLoop(poolKind, { input: { ...input, memory: input.memory ?? { autoscaler: {} } }, view }, input);
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
  wroteLastPass: (state) => state.wrote === true,
  passes: (state) => state.view.iterations,
};
