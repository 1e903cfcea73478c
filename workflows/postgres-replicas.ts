import { setHandler } from '@temporalio/workflow';
import { decideReplicaSet } from '../domain/replica-set.js';
import { refusalMessage } from '../domain/replica-set-status.js';
import { routingSummary } from '../domain/summaries.js';
import { loopActivities as postgres, reportFailure, stallTarget, summarized } from './activities.js';
import { checkNowSignal, replicaSetStatusQuery, type ReplicaSetInput, type ReplicaSetView } from './contract.js';
import { postgresReplicasWorkflowV1 } from './legacy/postgres-replicas.js';
import { recordReplicaSet } from './metrics.js';
import { runReconcileLoop, type PassOutcome, type ReconcileKind } from './reconcile-loop.js';
import { onReconcileLoop } from './versions.js';

interface ReplicaSetState {
  input: ReplicaSetInput;
  view: ReplicaSetView;
}

/**
 * Health of one PostgresReplicaSet (`postgres-replicas/<namespace>/<name>`): observe once (resource,
 * route-labelled pods, checks), decide, move route labels, write status when it changed, record Events.
 * On deletion it removes its route labels and releases the finalizer. Credentials stay in activities.
 */
export async function postgresReplicasWorkflow(input: ReplicaSetInput): Promise<ReplicaSetView> {
  if (!onReconcileLoop()) return postgresReplicasWorkflowV1(input);
  const memory = input.memory ?? (input.health ? { health: input.health } : {});
  const view: ReplicaSetView = { namespace: input.namespace, name: input.name, iterations: input.passesBefore ?? 0, deleted: false, replicas: [], routingTo: [], statusWrites: 0 };
  return runReconcileLoop(replicaSetKind, { input: { ...input, health: undefined, memory }, view }, input);
}

const replicaSetKind: ReconcileKind<ReplicaSetState, ReplicaSetView> = {
  name: 'postgres-replicas',
  handlers(state, wake) {
    setHandler(checkNowSignal, wake);
    setHandler(replicaSetStatusQuery, () => state.view);
  },
  pass: replicaSetPass,
  reportFailure: (state, message) => reportFailure([stallTarget('PostgresReplicaSet', state.input.namespace, state.input.name)], message),
  result: (state) => state.view,
  carry: (state) => state.input,
  // Its passes read what they read whatever woke them: nothing waits for a cache to show a write.
  wroteLastPass: () => false,
  passes: (state) => state.view.iterations,
};

async function replicaSetPass(state: ReplicaSetState): Promise<PassOutcome> {
  const ref = { namespace: state.input.namespace, name: state.input.name };
  const what = `${ref.namespace}/${ref.name}`;
  const observed = await postgres.observeReplicaSet.executeWithOptions(summarized(`observe ${what}: resource, route-labelled pods, replica checks`), [ref]);
  if (!observed || observed.deleting) {
    if (observed) state.view.unlabelled = (await postgres.releaseReplicaSet.executeWithOptions(summarized(`release ${what}: remove route labels, then the finalizer`), [ref])).unlabelled;
    state.view.deleted = true;
    return { done: true, requeueAfterMs: 0 };
  }
  const statusRefreshMs = state.input.statusRefreshSeconds === undefined ? undefined : state.input.statusRefreshSeconds * 1000;
  const decision = decideReplicaSet(observed, state.input.memory ?? {}, { now: Date.now(), statusRefreshMs });
  const routed = await postgres.routeReplicaSet.executeWithOptions(summarized(routingSummary(decision)), [{ ...ref, uid: observed.uid, podRoutes: decision.podRoutes, service: observed.spec.routingService, health: decision.publishHealth }]);
  // Refusals of this apply show as Stalled from the next pass on, until an apply goes through.
  state.input = { ...state.input, memory: { ...decision.memory, applyRefusals: routed.refused.length > 0 ? routed.refused : undefined } };
  if (decision.writeStatus) await postgres.writeReplicaSetStatus.executeWithOptions(summarized(`status of ${what}`), [{ ...ref, status: decision.status }]);
  if (decision.events.length > 0) await postgres.recordReplicaSetEvents.executeWithOptions(summarized(`record events: ${decision.events.map((e) => e.reason).join(', ')}`), [{ ...ref, uid: observed.uid, events: decision.events }]);
  const view = state.view;
  view.iterations += 1;
  view.replicas = decision.status.replicas;
  view.routingTo = decision.status.routingTo;
  view.stalled = decision.refusals.length > 0 ? decision.refusals.map(refusalMessage).join('; ') : undefined;
  if (decision.writeStatus) view.statusWrites = (view.statusWrites ?? 0) + 1;
  recordReplicaSet(view);
  return { requeueAfterMs: (state.input.intervalSeconds ?? observed.spec.healthCheckIntervalSeconds ?? 30) * 1000 };
}
