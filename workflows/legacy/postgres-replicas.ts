import { allHandlersFinished, condition, continueAsNew, proxyActivities, setHandler, workflowInfo, type ActivityOptions } from '@temporalio/workflow';
import type { createPostgresActivities } from '../../activities/postgres-activities.js';
import type { ReplicaHealth } from '../../domain/replica-health.js';
import { decideReplicaSet, type ReplicaSetObservation } from '../../domain/replica-set.js';
import { routingSummary } from '../../domain/summaries.js';
import { checkNowSignal, replicaSetStatusQuery, resourceChangedSignal, type ReplicaSetInput, type ReplicaSetView } from '../contract.js';
import { recordReconcile, recordReplicaSet } from '../metrics.js';

const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', backoffCoefficient: 2 },
};
const postgres = proxyActivities<ReturnType<typeof createPostgresActivities>>(OPTIONS);
/** Activity options with a summary the Web UI shows in the history. */
const summarized = (summary: string): ActivityOptions => ({ ...OPTIONS, summary });

const ITERATIONS_PER_RUN = 300;

/**
 * Health of one PostgresReplicaSet (`postgres-replicas/<namespace>/<name>`): checks every replica, feeds
 * the results through the health state machine, labels the pods the routing Service selects (healthy
 * replicas, else the primary), writes status and Events. Woken by `check-now` and watches; ends when the
 * resource is deleted. Credentials never pass through here: activities read the Secret.
 */
export async function postgresReplicasWorkflowV1(input: ReplicaSetInput): Promise<ReplicaSetView> {
  let health: Record<string, ReplicaHealth> = input.health ?? {};
  let woken = false;
  const view: ReplicaSetView = { namespace: input.namespace, name: input.name, iterations: 0, deleted: false, replicas: [], routingTo: [] };
  setHandler(checkNowSignal, () => {
    woken = true;
  });
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(replicaSetStatusQuery, () => view);
  for (let iteration = 0; iteration < ITERATIONS_PER_RUN; iteration += 1) {
    woken = false;
    const startedAt = Date.now();
    const observed = await postgres.observeReplicaSet({ namespace: input.namespace, name: input.name });
    if (!observed) {
      view.deleted = true;
      return view;
    }
    const checks = await postgres.checkReplicas.executeWithOptions(summarized(`check ${observed.spec.replicas.length} replicas of ${input.namespace}/${input.name}: connect, recovery, streaming, lag`), [{ namespace: input.namespace, spec: observed.spec }]);
    // Recorded observations lack the fields the observation gained since; the commands stay the same.
    const legacy: ReplicaSetObservation = { ...observed, namespace: input.namespace, name: input.name, deleting: false, pods: [], refusals: [], checks };
    const decision = decideReplicaSet(legacy, { health }, { now: Date.now() });
    health = decision.memory.health ?? {};
    await postgres.applyReplicaRouting.executeWithOptions(summarized(routingSummary(decision)), [{ namespace: input.namespace, name: input.name, uid: observed.uid, spec: observed.spec, routedPods: decision.routedPods }]);
    await postgres.writeReplicaSetStatus({ namespace: input.namespace, name: input.name, status: decision.status });
    if (decision.events.length > 0) await postgres.recordReplicaSetEvents({ namespace: input.namespace, name: input.name, uid: observed.uid, events: decision.events });
    view.iterations += 1;
    view.replicas = decision.status.replicas;
    view.routingTo = decision.status.routingTo;
    recordReplicaSet(view);
    recordReconcile('postgres-replicas', startedAt);
    await condition(() => woken, (input.intervalSeconds ?? observed.spec.healthCheckIntervalSeconds ?? 30) * 1000);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof postgresReplicasWorkflowV1>({ ...input, health });
}
