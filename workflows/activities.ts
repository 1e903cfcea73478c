// The activities every reconcile loop calls, with one set of timeouts: a short heartbeat timeout finds a
// killed worker within seconds, and retries back off to at most 3 s, so a returning API server is used at once.
import { proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { StallTarget } from '../activities/stall-activities.js';
import { stallSummary } from '../domain/summaries.js';

type Activities = ReturnType<typeof createActivities>;

const LOOP_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '60 seconds',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '500 milliseconds', maximumInterval: '3 seconds', backoffCoefficient: 2, maximumAttempts: 20 },
};

/** Every activity, with the loop's options. */
export const loopActivities = proxyActivities<Activities>(LOOP_OPTIONS);

/** The loop's options with a summary the Web UI shows in the history. */
export function summarized(summary: string): ActivityOptions {
  return { ...LOOP_OPTIONS, summary };
}

/** Shows a pass that failed for good on the targets' status, as `Stalled=True` (reason `ReconcileFailed`). */
export async function reportFailure(targets: StallTarget[], message: string): Promise<void> {
  if (targets.length === 0) return;
  await loopActivities.reportStalled.executeWithOptions(
    { startToCloseTimeout: '15 seconds', retry: { initialInterval: '1 second', maximumAttempts: 2 }, summary: stallSummary(message) },
    [{ targets, stall: { reason: 'ReconcileFailed', message } }],
  );
}

/** The stall target of a namespaced custom resource. */
export function stallTarget(kind: 'ReadOnlyPool' | 'PostgresReplicaSet' | 'StellarNode' | 'Tenant', namespace: string, name: string): StallTarget {
  const apiVersion = kind === 'Tenant' ? 'rustfs.com/v1alpha1' : 'stellar.org/v1alpha1';
  return { apiVersion, kind, plural: `${kind.toLowerCase()}s`, namespace, name };
}
