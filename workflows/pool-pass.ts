import { ApplicationFailure, patched, proxyLocalActivities } from '@temporalio/workflow';
import type { createPoolActivities } from '../activities/pool-activities.js';
import { memoryForObject } from '../domain/object-memory.js';
import { decidePool, type PoolDecision } from '../domain/pool-decision.js';
import { withDefaults } from '../domain/pool-spec.js';
import { sameJson, type PoolStatus } from '../domain/pool-status.js';
import { refusalOutcome } from '../domain/stall.js';
import { poolApplySummary, poolStatusSummary } from '../domain/summaries.js';
import { applyReason, desiredDigest } from '../domain/pool-apply-check.js';
import { appliedFingerprint, ownedRefs } from '../domain/owned-fingerprint.js';
import { fullObservation, withWrittenStatus, type HeldObjects, type LeanPoolObservation, type PoolObservation } from '../domain/pool-observation.js';
import { loopActivities as pool, summarized } from './activities.js';
import type { ReadOnlyPoolInput, ReadOnlyPoolView } from './contract.js';
import { recordPool } from './metrics.js';
import { updatePoolView } from './pool-view.js';
import type { PassOutcome, PassWake } from './reconcile-loop.js';
import { withChange, type ObjectChange } from '../domain/object-change.js';
import { LEAN_POOL_PASS_PATCH, MEMORY_PER_OBJECT_PATCH, POOL_APPLY_LOCAL_PATCH, POOL_STATUS_CACHED_READS_PATCH, POOL_STATUS_LOCAL_WRITE_PATCH, POOL_WRITTEN_VERSIONS_PATCH, SIGNALLED_CACHED_READS_PATCH } from './versions.js';

/** What a pool's loop carries: its input (memory and pending requests included) and the query's view. */
export interface PoolState {
  input: ReadOnlyPoolInput;
  view: ReadOnlyPoolView;
  /** The objects of the last lean observation, by digest (not carried across continue-as-new). */
  held?: HeldObjects;
  /** The last pass wrote owned objects (or, in runs before `pool-status-cached-reads`, status): the next one reads the API. */
  wrote?: boolean;
  /**
   * What this run's passes wrote, at the versions the writes answered (the newest per object): a cached
   * observation first waits for the cache to show them. Undefined when unknown (a deletion, too many).
   */
  written?: ObjectChange[];
}

type PoolActivities = ReturnType<typeof createPoolActivities>;

/** A steady observation that failed or took too long. */
const SLOW = 'slow' as const;

/**
 * The pass's local activities (an observation, a status write): one attempt, at most 2 s each, within the
 * 4 s workflow task timeout. One marker event each instead of an activity's three and the next task's.
 */
const LOCAL_ONE_TRY = { startToCloseTimeout: '2 seconds', retry: { maximumAttempts: 1 } } as const;
const local = proxyLocalActivities<PoolActivities>(LOCAL_ONE_TRY);

/** The summary of an observation activity, as the Web UI shows it. */
const observeSummary = (namespace: string, name: string): string =>
  `observe pool ${namespace}/${name}: read it, its StatefulSet and pods, probe each replica's /info`;

/**
 * The observation of a pass, the owned objects' fingerprint when the lean pass read it, and whether it read
 * a cache that showed the run's writes (an apply in the same task may then compare with that cache).
 */
async function observe(state: PoolState, wake: PassWake, lean: boolean): Promise<{ observed?: PoolObservation; ownedDigest?: string; cachedReads?: boolean }> {
  const { namespace, name } = state.input;
  if (!lean) {
    return { observed: await pool.observePool.executeWithOptions(summarized(observeSummary(namespace, name)), [{ namespace, name }]) };
  }
  // The run's writes, which a cached observation waits to see (patch `pool-written-versions`); after a
  // write the pass then reads the cache too.
  const written = state.written !== undefined && patched(POOL_WRITTEN_VERSIONS_PATCH) ? state.written : undefined;
  const wrote = state.wrote === true && written === undefined;
  // A pass that watched changes woke reads the cache too, once it shows them (patch `signalled-cached-reads`).
  const named = wake.signalled && wake.changes !== undefined && !wrote && patched(SIGNALLED_CACHED_READS_PATCH);
  const fresh = (wake.signalled && !named) || wrote;
  const request = { ref: { namespace, name }, heldDigest: state.held?.digest, owned: state.input.applied?.owned ?? [] };
  // A steady pass observes with a local activity (one marker event), bounded well inside the workflow task
  // timeout: it runs within the task, and a task that outlives its timeout is lost and retried. A pass that
  // a write or an unnamed change woke, or one whose local observation failed or was slow (the cache not
  // showing the changes within 1 s included), uses an activity that reads the API.
  let observation: LeanPoolObservation | undefined | typeof SLOW = SLOW;
  if (!fresh) observation = await local.observePoolLean({ ...request, fresh: false, ...(named ? { changes: wake.changes } : {}), ...(written ? { written } : {}) }).catch(() => SLOW);
  const cachedReads = observation !== SLOW && written !== undefined;
  if (observation === SLOW) {
    observation = await pool.observePoolLean.executeWithOptions(summarized(observeSummary(namespace, name)), [{ ...request, fresh: true }]);
  }
  if (!observation) return {};
  if (observation.objects) state.held = { digest: observation.objectsDigest, objects: observation.objects };
  const observed = fullObservation(observation, state.held);
  // The activity omits the objects only when told this digest is held, so they are always at hand.
  if (!observed) throw ApplicationFailure.nonRetryable(`pool ${namespace}/${name}: the observation named objects ${observation.objectsDigest} that the workflow does not hold`);
  return { observed, ownedDigest: observation.ownedDigest, cachedReads };
}

/**
 * One pass of a ReadOnlyPool: observe, decide (`decidePool`), apply unless paused (a pending rebalance is
 * claimed by the apply), write status when it changed (refusals as Stalled), record Events.
 */
export async function poolPass(state: PoolState, wake: PassWake): Promise<PassOutcome> {
  const { namespace, name, paused, rebalanceRequested } = state.input;
  const lean = patched(LEAN_POOL_PASS_PATCH);
  const { observed, ownedDigest, cachedReads } = await observe(state, wake, lean);
  state.view.iterations += 1;
  state.wrote = false;
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
  let refused: { object: string; message: string }[] | undefined;
  if (!paused) {
    // A rebalance this decision used is claimed by its apply; one that arrived during the pass (after the
    // flag was read) stays requested for the next pass.
    if (rebalanceNow) state.input = { ...state.input, rebalanceRequested: false };
    // A lean pass applies only when something could change; the apply then writes only what differs.
    const reason = lean ? applyReason(decision, observed.pods, ownedDigest, state.input.applied) : 'every pass';
    if (reason) {
      const fingerprint = lean ? { ref: { namespace, name }, owned: ownedRefs(decision.objects) } : undefined;
      // Within the task only an update of objects that held after the last apply: the first apply creates
      // every object, and at start-up a fleet's creations outlast the local activity's 2 s and run twice.
      const applied = await apply(poolApplySummary(decision), lean && state.input.applied !== undefined, cachedReads === true, { namespace, objects: decision.objects, obsoleteServices: decision.obsoleteServices, obsoleteRoute: decision.obsoleteRoute, podPatches: decision.podPatches, observedPods: observed.pods, ...(fingerprint ? { fingerprint } : {}) })
        .catch((error: unknown) => {
          if (rebalanceNow) state.input = { ...state.input, rebalanceRequested: true };
          throw error;
        });
      state.view.lastApplied = applied.applied;
      refused = applied.refused;
      state.wrote = applied.applied.length > 0;
      state.written = applied.written && (applied.written.reduce<ObjectChange[] | undefined>(withChange, state.written ?? []));
      state.input = { ...state.input, applied: fingerprint && appliedFingerprint(desiredDigest(decision), fingerprint.owned, applied) };
    } else {
      state.view.lastApplied = [];
    }
    state.input = { ...state.input, memory: decision.memory };
  }
  const previous = observed.pool.status?.conditions;
  const refusal = refusalOutcome(previous, decision.status.conditions, refused, observed.pool.generation, new Date(now).toISOString());
  const status = { ...decision.status, conditions: refusal.conditions };
  if (decision.writeStatus || !sameJson(previous, status.conditions)) {
    const holdsWritten = await writeStatus(namespace, name, status, decision);
    // What the next observation will read, unless someone else changed it meanwhile (patch `pool-status-local-write`).
    if (holdsWritten && state.held) state.held = withWrittenStatus(state.held, status);
    state.view.statusWrites += 1;
    if (!patched(POOL_STATUS_CACHED_READS_PATCH)) state.wrote = true;
    state.input = { ...state.input, memory: { ...(state.input.memory ?? { autoscaler: {} }), lastStatusWriteAt: now } };
  }
  const events = [...(paused ? [] : decision.events), ...refusal.events];
  if (events.length > 0) await pool.recordPoolEvents.executeWithOptions(summarized(`record events: ${events.map((e) => e.reason).join(', ')}`), [{ namespace, name, uid: observed.pool.uid, events }]);
  updatePoolView(state.view, decision, observed.pool.generation, paused ?? false);
  recordPool(state.view);
  return { requeueAfterMs: (state.input.intervalSeconds ?? withDefaults(observed.pool.spec).loadBalancing.updateIntervalSeconds) * 1000 };
}

type ApplyInput = Parameters<PoolActivities['applyPool']>[0];

/**
 * Applies the decision: when `withinTask`, within the workflow task (patch `pool-apply-local`), else, or when
 * that failed or was slow, with an activity and its retries. Server-side apply makes a second write harmless.
 */
async function apply(summary: string, withinTask: boolean, cachedReads: boolean, input: ApplyInput): ReturnType<PoolActivities['applyPool']> {
  if (withinTask && patched(POOL_APPLY_LOCAL_PATCH)) {
    // Only within this task may the apply compare with the cache its observation found current.
    const applied = await local.applyPool.executeWithOptions({ ...LOCAL_ONE_TRY, summary }, [{ ...input, ...(cachedReads ? { cachedReads } : {}) }]).catch(() => SLOW);
    if (applied !== SLOW) return applied;
  }
  return pool.applyPool.executeWithOptions(summarized(summary), [input]);
}

/**
 * Writes the pool's status: within the workflow task (patch `pool-status-local-write`), else, or when that
 * failed or was slow, with an activity and its retries. Server-side apply makes a second write harmless.
 * True when the run has the patch (whichever way the status was written).
 */
async function writeStatus(namespace: string, name: string, status: PoolStatus, decision: PoolDecision): Promise<boolean> {
  const patchedRun = patched(POOL_STATUS_LOCAL_WRITE_PATCH);
  // The summary shows in the Web UI on the local activity's marker, as it does on the activity.
  const written = patchedRun && (await local.writePoolStatus.executeWithOptions({ ...LOCAL_ONE_TRY, summary: poolStatusSummary(decision) }, [{ namespace, name, status }]).then(() => true, () => false));
  if (written) return true;
  await pool.writePoolStatus.executeWithOptions(summarized(poolStatusSummary(decision)), [{ namespace, name, status }]);
  return patchedRun;
}
