// The one reconcile loop every Steward workflow runs: pass (observe → decide → apply → status), sleep
// until a signal or the requeue time, and continue-as-new with the memory and pending requests.
import { allHandlersFinished, condition, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { namedChanges, withChange, type ObjectChange } from '../domain/object-change.js';
import { phasedRequeueMs } from '../domain/requeue-phase.js';
import { failureText, stallBackoffMs } from '../domain/stall.js';
import { resourceChangedSignal, type LoopInput, type PassWake } from './contract.js';
import { recordReconcile } from './metrics.js';
import { PHASED_REQUEUE_PATCH, SHORT_RUNS_PATCH } from './versions.js';

export type { PassWake } from './contract.js';

/** What one pass tells the loop. */
export interface PassOutcome {
  /** The resource is gone (or its deletion was finished): the loop ends. */
  done?: boolean;
  /** When to come back, in ms, unless a signal wakes the loop sooner (kubebuilder's `RequeueAfter`). */
  requeueAfterMs: number;
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
  /**
   * The last pass wrote to the cluster, so the next run's first pass reads the API: a read of the worker's
   * cache there would not wait for the cache to show that write, as the run's next pass would have.
   */
  wroteLastPass(state: State): boolean;
  /** The passes the kind's query reports as `iterations` (from the workflow's start since patch `short-runs`). */
  passes(state: State): number;
}

/** Passes per run of runs before patch `short-runs`. */
const LONG_PASSES_PER_RUN = 200;
/**
 * Passes per run since patch `short-runs`. A cached run's memory grows with its history until it ends: 8.6
 * KiB per pass in the worker (2.8 of it in the workflow thread's heap, the rest in the SDK's native state),
 * measured with 50 pools at 4 s over a 200-pass run (README, Scale, session 16). At 1,000 pools and 200
 * passes that is 1.6 GiB by the end of a run; at 25, at most 0.2 GiB.
 */
const SHORT_PASSES_PER_RUN = 25;

/**
 * Runs `kind`'s reconcile loop with `state` until its pass reports `done`. A run makes at most
 * `loop.passesPerRun` passes (25 by default; tests lower it). `resource-changed` and the
 * kind's own signals wake the loop early; a failed pass is reported on the resource and retried with
 * backoff, and never ends the workflow. After those passes (or when Temporal suggests it), the
 * loop waits for every handler to finish and continues-as-new with `kind.carry(state)`, so a signal that
 * arrived in the last task is carried, not dropped. The next run's first pass wakes as the last wait
 * ended (`continued`): a steady pass after the requeue time, one with the named changes after signals.
 */
export async function runReconcileLoop<State, Result>(kind: ReconcileKind<State, Result>, state: State, loop: LoopInput): Promise<Result> {
  const shortRuns = patched(SHORT_RUNS_PATCH);
  const passesPerRun = loop.passesPerRun ?? (shortRuns ? SHORT_PASSES_PER_RUN : LONG_PASSES_PER_RUN);
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
  // A run's first pass reads the API unless the last run ended its wait on the requeue time.
  let signalled = shortRuns && loop.continued ? loop.continued.signalled : true;
  let passChanges: ObjectChange[] | undefined = shortRuns ? loop.continued?.changes : undefined;
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
  if (!shortRuns) return continueAsNew(kind.carry(state));
  // `woken` and `changes` hold every signal since the last pass began, those of the last task included.
  const continued: PassWake = kind.wroteLastPass(state) ? { signalled: true } : changes?.length && woken ? { signalled: true, changes } : { signalled: woken };
  return continueAsNew({ ...(kind.carry(state) as LoopInput), continued, passesBefore: kind.passes(state) });
}

async function reportQuietly<State, Result>(kind: ReconcileKind<State, Result>, state: State, message: string): Promise<void> {
  try {
    await kind.reportFailure(state, message);
  } catch {
    // The report is best effort: the API that refused the pass may refuse this too. The next pass retries.
  }
}
