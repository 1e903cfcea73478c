// The one reconcile loop every Steward workflow runs: pass (observe → decide → apply → status), sleep
// until a signal or the requeue time, and continue-as-new with the memory and pending requests.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { namedChanges, withChange, type ObjectChange } from '../domain/object-change.js';
import { phasedRequeueMs } from '../domain/requeue-phase.js';
import { failureText, stallBackoffMs } from '../domain/stall.js';
import { resourceChangedSignal } from './contract.js';
import { recordReconcile } from './metrics.js';
import { PHASED_REQUEUE_PATCH } from './versions.js';

/** What one pass tells the loop. */
export interface PassOutcome {
  /** The resource is gone (or its deletion was finished): the loop ends. */
  done?: boolean;
  /** When to come back, in ms, unless a signal wakes the loop sooner (kubebuilder's `RequeueAfter`). */
  requeueAfterMs: number;
}

/** Why a pass runs. */
export interface PassWake {
  /** A signal ended the wait before it (or it is the run's first pass). */
  signalled: boolean;
  /**
   * When every signal since the last pass began was a watch's `resource-changed` naming its objects: those
   * changes (a pass may then read the worker's cache once it shows them). Undefined otherwise.
   */
  changes?: ObjectChange[];
}

/**
 * One kind of managed thing, as the loop sees it. `State` is everything the kind carries from one pass to
 * the next and across continue-as-new: its memory and its pending requests (signals not yet acted on).
 */
export interface ReconcileKind<State, Result> {
  /** Metric label, e.g. `readonlypool`. */
  name: string;
  /** Registers the kind's own signals and queries; a signal mutates `state` and calls `wake`. */
  handlers(state: State, wake: () => void): void;
  /**
   * One level-based pass. Throws only when an activity failed for good (its retries are spent). `wake`
   * says what started it: a signal (a change seen, a request) or the run's first pass, rather than the
   * requeue time running out (a steady pass, which may read the cluster from the worker's cache).
   */
  pass(state: State, wake: PassWake): Promise<PassOutcome>;
  /** Puts a pass that failed for good on the resource (best effort); `message` is already sanitized. */
  reportFailure(state: State, message: string): Promise<void>;
  /** The value the workflow returns when it ends. */
  result(state: State): Result;
  /** The input of the next run, carrying `state`. */
  carry(state: State): unknown;
}

const DEFAULT_PASSES_PER_RUN = 200;

/**
 * Runs `kind`'s reconcile loop with `state` until its pass reports `done`. A run makes at most
 * `passesPerRun` passes (default 200; tests lower it). `resource-changed` and the
 * kind's own signals wake the loop early; a failed pass is reported on the resource and retried with
 * backoff, and never ends the workflow. After `passesPerRun` passes (or when Temporal suggests it), the
 * loop waits for every handler to finish and continues-as-new with `kind.carry(state)`, so a signal that
 * arrived in the last task is carried, not dropped.
 */
export async function runReconcileLoop<State, Result>(kind: ReconcileKind<State, Result>, state: State, passesPerRun = DEFAULT_PASSES_PER_RUN): Promise<Result> {
  let woken = false;
  // The objects named by the signals since the pass began; undefined once a signal named none.
  let changes: ObjectChange[] | undefined = [];
  const wake = (): void => {
    woken = true;
    changes = undefined;
  };
  setHandler(resourceChangedSignal, (signal) => {
    woken = true;
    const named = namedChanges(signal);
    if (!named) changes = undefined;
    for (const change of named ?? []) changes = withChange(changes, change);
  });
  kind.handlers(state, wake);
  let failures = 0;
  let signalled = true;
  let passChanges: ObjectChange[] | undefined;
  for (let pass = 0; pass < passesPerRun; pass += 1) {
    woken = false;
    changes = [];
    const startedAt = Date.now();
    let requeueAfterMs: number;
    try {
      const outcome = await kind.pass(state, signalled && passChanges?.length ? { signalled, changes: passChanges } : { signalled });
      if (outcome.done) return kind.result(state);
      failures = 0;
      requeueAfterMs = patched(PHASED_REQUEUE_PATCH) ? phasedRequeueMs(Date.now(), outcome.requeueAfterMs, workflowInfo().workflowId) : outcome.requeueAfterMs;
    } catch (error) {
      failures += 1;
      requeueAfterMs = stallBackoffMs(failures);
      await reportQuietly(kind, state, failureText(error));
    }
    recordReconcile(kind.name, startedAt);
    signalled = await condition(() => woken, requeueAfterMs);
    passChanges = changes;
    if (workflowInfo().continueAsNewSuggested) break;
  }
  await condition(allHandlersFinished);
  return continueAsNew(kind.carry(state));
}

async function reportQuietly<State, Result>(kind: ReconcileKind<State, Result>, state: State, message: string): Promise<void> {
  try {
    await kind.reportFailure(state, message);
  } catch {
    // The report is best effort: the API that refused the pass may refuse this too. The next pass retries.
  }
}
