import { setHandler } from '@temporalio/workflow';
import { decideReplicaSet } from '../domain/replica-set.js';
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
 * Health of one PostgresReplicaSet (`postgres-replicas/<namespace>/<name>`): checks every replica, labels
 * the pods the routing Service selects (healthy replicas, else the primary), writes status and Events.
 * Credentials never pass through here: activities read the Secret.
 */
export async function postgresReplicasWorkflow(input: ReplicaSetInput): Promise<ReplicaSetView> {
  if (!onReconcileLoop()) return postgresReplicasWorkflowV1(input);
  const view: ReplicaSetView = { namespace: input.namespace, name: input.name, iterations: 0, deleted: false, replicas: [], routingTo: [] };
  return runReconcileLoop(replicaSetKind, { input, view }, input.passesPerRun);
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
};

async function replicaSetPass(state: ReplicaSetState): Promise<PassOutcome> {
  const { namespace, name } = state.input;
  const observed = await postgres.observeReplicaSet.executeWithOptions(summarized(`observe PostgresReplicaSet ${namespace}/${name}`), [{ namespace, name }]);
  if (!observed) {
    state.view.deleted = true;
    return { done: true, requeueAfterMs: 0 };
  }
  const checks = await postgres.checkReplicas.executeWithOptions(summarized(`check ${observed.spec.replicas.length} replicas of ${namespace}/${name}: connect, recovery, streaming, lag`), [{ namespace, spec: observed.spec }]);
  const decision = decideReplicaSet(observed.spec, observed.generation, state.input.health ?? {}, checks, observed.status, Date.now());
  state.input = { ...state.input, health: decision.health };
  await postgres.applyReplicaRouting.executeWithOptions(summarized(routingSummary(decision)), [{ namespace, name, uid: observed.uid, spec: observed.spec, routedPods: decision.routedPods }]);
  await postgres.writeReplicaSetStatus.executeWithOptions(summarized(`status of ${namespace}/${name}`), [{ namespace, name, status: decision.status }]);
  if (decision.transitions.length > 0) await postgres.recordReplicaSetEvents.executeWithOptions(summarized(`record events: ${decision.transitions.map((e) => e.reason).join(', ')}`), [{ namespace, name, uid: observed.uid, events: decision.transitions }]);
  state.view.iterations += 1;
  state.view.replicas = decision.status.replicas;
  state.view.routingTo = decision.status.routingTo;
  recordReplicaSet(state.view);
  return { requeueAfterMs: (state.input.intervalSeconds ?? observed.spec.healthCheckIntervalSeconds ?? 30) * 1000 };
}
