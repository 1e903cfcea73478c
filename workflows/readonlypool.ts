import { condition, continueAsNew, proxyActivities, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import type { createKubeActivities } from '../activities/kube-activities.js';
import { resourceChangedSignal, statusQuery, type ReadOnlyPoolInput, type ReadOnlyPoolView } from './contract.js';

const kube = proxyActivities<ReturnType<typeof createKubeActivities>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

const DEFAULT_INTERVAL_SECONDS = 30;

/**
 * The reconcile loop of one ReadOnlyPool (`readonlypool/<namespace>/<name>`): each iteration re-reads
 * the pool, decides, writes status, then sleeps until the interval passes or a signal wakes it.
 * Ends when the pool is deleted.
 */
export async function readOnlyPoolWorkflow(input: ReadOnlyPoolInput): Promise<ReadOnlyPoolView> {
  const view: ReadOnlyPoolView = { namespace: input.namespace, name: input.name, iterations: 0, deleted: false };
  let woken = false;
  setHandler(resourceChangedSignal, () => {
    woken = true;
  });
  setHandler(statusQuery, () => view);
  for (;;) {
    woken = false;
    const observed = await kube.observePool({ namespace: input.namespace, name: input.name });
    view.iterations += 1;
    if (!observed) {
      view.deleted = true;
      return view;
    }
    view.generation = observed.generation;
    await kube.writePoolStatus({ namespace: input.namespace, name: input.name, generation: observed.generation });
    const interval = input.intervalSeconds ?? observed.updateIntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
    await condition(() => woken, interval * 1000);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof readOnlyPoolWorkflow>(input);
    }
  }
}
