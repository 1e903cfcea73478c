// Patch ids of workflow changes that running histories must survive (see the README's "Versioning").
import { patched } from '@temporalio/workflow';

/** Runs started before the shared reconcile loop replay with the frozen code in `workflows/legacy/`. */
export const RECONCILE_LOOP_PATCH = 'reconcile-loop';

/** True for runs on the shared reconcile loop; false when replaying a run that started before it. */
export function onReconcileLoop(): boolean {
  return patched(RECONCILE_LOOP_PATCH);
}

/** Validator sets put refusals of a node's objects on that node's status (and a Warning Event). */
export const VALIDATOR_REFUSALS_PATCH = 'validator-refusals';

/** A pool or tenant deleted and created again under its name drops the memory of the old object. */
export const MEMORY_PER_OBJECT_PATCH = 'memory-per-object';

/** A validator set retries missing pushes with a growing wait (1 s doubling up to the resync) instead of every second. */
export const PUSH_BACKOFF_PATCH = 'push-backoff';

/**
 * A pool pass observes with one local activity (from the worker's cache unless a change or its own write
 * woke it; the objects only when they changed) and runs the apply only when something could change.
 */
export const LEAN_POOL_PASS_PATCH = 'lean-pool-pass';

/**
 * A validator-set pass reads StellarNodes, Services, pods and ConfigMaps from the worker's cache unless a
 * change or its own write woke it, as pool passes do, and observes only its own network's nodes; runs
 * before it read everything from the API, every network's nodes included.
 */
export const VALIDATOR_CACHED_READS_PATCH = 'validator-cached-reads';

/**
 * A pool pass after one that wrote only the pool's status reads the worker's cache, not the API: the status
 * is the pool's own, and the watch brings it well within an interval. Before it, every status write (a
 * ledger refresh every 5 minutes, so a third of the passes at a 120 s interval) made the next pass read
 * the API (bench/scale.ts at 1,000 pools: 7 requests per such pass).
 */
export const POOL_STATUS_CACHED_READS_PATCH = 'pool-status-cached-reads';

/**
 * A pool pass writes its status with a local activity (one marker event, the status not in the history),
 * falling back to the activity when that fails or takes over 2 s, and then holds the objects with the
 * status it wrote, so that the next observation need not send them back. Before it, every status write took six
 * events and copied the status into the history: at 1,000 pools and 120 s, where the 5-minute ledger
 * refresh writes status on a third of the passes, 9.7 events and 3.5 KiB per iteration (bench/scale.ts).
 */
export const POOL_STATUS_LOCAL_WRITE_PATCH = 'pool-status-local-write';

/**
 * A pool pass that the watches' `resource-changed` signals woke, naming the changed objects and their
 * resourceVersions, reads the worker's cache with a local activity once the cache shows those changes
 * (waiting up to 1 s), instead of an activity that reads the API. Before it, a spec change took two
 * activities before the apply: at 1,000 pools, p99 3.5 s from the spec change to the StatefulSet.
 */
export const SIGNALLED_CACHED_READS_PATCH = 'signalled-cached-reads';

/**
 * A pool pass applies its objects with a local activity, within the workflow task that decided them,
 * falling back to the activity with retries when that fails or takes over 2 s. Before it, a spec change
 * waited for the activity's round trip through the task queue and a second workflow task (at 1,000 pools,
 * p99 1.3 s from the spec change to the StatefulSet), and every desired object went into the history.
 */
export const POOL_APPLY_LOCAL_PATCH = 'pool-apply-local';

/**
 * A pool pass after one that wrote reads the worker's cache too, once the cache shows what the earlier
 * passes wrote (the versions their writes answered), instead of reading the API; and an apply within the
 * task of such an observation compares with the cache. Before it, every pass after a write took an
 * activity that read the API: a rollout's passes, a spec change soon after another.
 */
export const POOL_WRITTEN_VERSIONS_PATCH = 'pool-written-versions';

/**
 * A Tenant pass runs its apply only when something could change: the desired objects differ from the last
 * apply's, or the owned objects' fingerprint its observation read differs from the one right after that
 * apply (someone changed, removed or re-created them). Before it, every pass ran the apply activity, which
 * wrote nothing on a steady tenant but shipped every desired StatefulSet and Service through the history:
 * two activities per steady pass (bench/scale.ts --mix: Temporal 24 ms per iteration, mostly Tenant passes).
 */
export const TENANT_APPLY_CHECK_PATCH = 'tenant-apply-check';

/**
 * A steady pass comes back on the workflow's own phase of its interval (`domain/requeue-phase.ts`): 0.25 to
 * 1.25 intervals after the last pass, exactly one interval in steady state. Before it, each workflow slept
 * the interval from the end of its last pass, so a fleet whose passes bunched up (created together, or woken
 * by the same change) stayed bunched, and its workflow tasks queued for the worker's slots at once.
 */
export const PHASED_REQUEUE_PATCH = 'phased-requeue';

/**
 * Reconcile loops continue-as-new after 25 passes instead of 200, carrying how the last wait ended, so the
 * next run's first pass reads the worker's cache after a quiet wait instead of the API. A cached run's
 * memory in the worker grows with its history until the run ends (8.6 KiB per pass measured, README, Scale).
 */
export const SHORT_RUNS_PATCH = 'short-runs';
