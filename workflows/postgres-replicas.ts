import {
  allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo, type ActivityOptions,
} from '@temporalio/workflow';
import type { createPostgresActivities } from '../activities/postgres-activities.js';
import type { ResourceRef } from '../domain/names.js';
import {
  decideReplicaSet, type ReplicaSetDecision, type ReplicaSetMemory, type ReplicaSetObservation,
} from '../domain/replica-set.js';
import { refusalMessage } from '../domain/replica-set-status.js';
import { routingSummary } from '../domain/summaries.js';
import {
  checkNowSignal, replicaSetStatusQuery, resourceChangedSignal, type ReplicaSetInput, type ReplicaSetView,
} from './contract.js';
import { recordReconcile, recordReplicaSet } from './metrics.js';

const OPTIONS: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '10 seconds', backoffCoefficient: 2 },
};
const postgres = proxyActivities<ReturnType<typeof createPostgresActivities>>(OPTIONS);
/** Activity options with a summary the Web UI shows in the history. */
const summarized = (summary: string): ActivityOptions => ({ ...OPTIONS, summary });

const ITERATIONS_PER_RUN = 300;
/** Passes since this patch observe once (checks included), route by label changes and skip unchanged status. */
const OBSERVE_ONCE = 'pg-observe-once';

/** What one pass leaves for the loop: the decision, or that the resource is gone. */
type Pass = { decision: ReplicaSetDecision; observed: ReplicaSetObservation } | { gone: true; unlabelled?: string[] };

/**
 * Health of one PostgresReplicaSet (`postgres-replicas/<namespace>/<name>`). Each pass observes once (the
 * resource, its route-labelled pods, every replica's check), decides purely, moves route labels, writes
 * status only when it changed materially and records Events. When the resource is being deleted, it
 * removes the route labels and releases the finalizer, then ends. Woken by `check-now` and watches.
 * Credentials never pass through here: activities read the Secret.
 */
export async function postgresReplicasWorkflow(input: ReplicaSetInput): Promise<ReplicaSetView> {
  let memory: ReplicaSetMemory = input.memory ?? (input.health ? { health: input.health } : {});
  let woken = false;
  const view: ReplicaSetView = {
    namespace: input.namespace, name: input.name, iterations: 0, deleted: false, replicas: [], routingTo: [], statusWrites: 0,
  };
  setHandler(checkNowSignal, () => {
    woken = true;
  });
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(replicaSetStatusQuery, () => view);
  const ref: ResourceRef = { namespace: input.namespace, name: input.name };
  for (let iteration = 0; iteration < ITERATIONS_PER_RUN; iteration += 1) {
    woken = false;
    const startedAt = Date.now();
    const pass = patched(OBSERVE_ONCE) ? await observeOnce(ref, memory, input) : await legacyPass(ref, memory);
    if ('gone' in pass) {
      view.deleted = true;
      view.unlabelled = pass.unlabelled;
      return view;
    }
    const { decision, observed } = pass;
    memory = decision.memory;
    view.iterations += 1;
    view.replicas = decision.status.replicas;
    view.routingTo = decision.status.routingTo;
    view.stalled = decision.refusals.length > 0 ? decision.refusals.map(refusalMessage).join('; ') : undefined;
    if (decision.writeStatus) view.statusWrites = (view.statusWrites ?? 0) + 1;
    recordReplicaSet(view);
    recordReconcile('postgres-replicas', startedAt);
    await condition(() => woken, (input.intervalSeconds ?? observed.spec.healthCheckIntervalSeconds ?? 30) * 1000);
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  return continueAsNew<typeof postgresReplicasWorkflow>({ ...input, health: undefined, memory });
}

/**
 * One pass: observe (resource, pods, checks) → release if deleting → decide → route labels and Service →
 * status when due → Events when any.
 */
async function observeOnce(ref: ResourceRef, memory: ReplicaSetMemory, input: ReplicaSetInput): Promise<Pass> {
  const what = `${ref.namespace}/${ref.name}`;
  const observed = await postgres.observeReplicaSet.executeWithOptions(summarized(`observe ${what}: resource, route-labelled pods, replica checks`), [ref]);
  if (!observed) return { gone: true };
  if (observed.deleting) {
    const release = summarized(`release ${what}: remove route labels, then the finalizer`);
    const released = await postgres.releaseReplicaSet.executeWithOptions(release, [ref]);
    return { gone: true, unlabelled: released.unlabelled };
  }
  const statusRefreshMs = input.statusRefreshSeconds === undefined ? undefined : input.statusRefreshSeconds * 1000;
  const decision = decideReplicaSet(observed, memory, { now: Date.now(), statusRefreshMs });
  const routed = await postgres.routeReplicaSet.executeWithOptions(summarized(routingSummary(decision)), [
    { ...ref, uid: observed.uid, podRoutes: decision.podRoutes, service: observed.spec.routingService },
  ]);
  // Refusals of this apply show as Stalled from the next pass on, until an apply goes through.
  decision.memory = { ...decision.memory, applyRefusals: routed.refused.length > 0 ? routed.refused : undefined };
  if (decision.writeStatus) await postgres.writeReplicaSetStatus({ ...ref, status: decision.status });
  if (decision.events.length > 0) await postgres.recordReplicaSetEvents({ ...ref, uid: observed.uid, events: decision.events });
  return { decision, observed };
}

/** The pass of histories recorded before `OBSERVE_ONCE`: observe, check, route, always write status. */
async function legacyPass(ref: ResourceRef, memory: ReplicaSetMemory): Promise<Pass> {
  const observed = await postgres.observeReplicaSet(ref);
  if (!observed) return { gone: true };
  const check = summarized(`check ${observed.spec.replicas.length} replicas of ${ref.namespace}/${ref.name}: connect, recovery, streaming, lag`);
  const checks = await postgres.checkReplicas.executeWithOptions(check, [{ namespace: ref.namespace, spec: observed.spec }]);
  // Recorded observations lack the fields observe gained with the patch.
  const legacy: ReplicaSetObservation = { ...observed, ...ref, deleting: false, pods: [], refusals: [], checks };
  const decision = decideReplicaSet(legacy, { ...memory, health: memory.health ?? {} }, { now: Date.now() });
  await postgres.applyReplicaRouting.executeWithOptions(summarized(routingSummary(decision)), [
    { ...ref, uid: observed.uid, spec: observed.spec, routedPods: decision.routedPods },
  ]);
  await postgres.writeReplicaSetStatus({ ...ref, status: decision.status });
  if (decision.events.length > 0) await postgres.recordReplicaSetEvents({ ...ref, uid: observed.uid, events: decision.events });
  return { decision: { ...decision, writeStatus: true }, observed: legacy };
}
