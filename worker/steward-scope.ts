import { defaultTaskQueue, parseClusterName } from '../domain/names.js';

/**
 * Where a Steward deployment's workflows live in Temporal: the cluster name that prefixes their IDs
 * (absent: the IDs of earlier versions) and the task queue its workers poll.
 */
export interface StewardScope {
  cluster?: string;
  taskQueue: string;
}

/**
 * The scope from the environment, read the same way by the worker and the CLI: `STEWARD_CLUSTER`
 * (unset by default) and `STEWARD_TASK_QUEUE` (default `stellar-steward`, or `stellar-steward-<cluster>`
 * with a cluster: a worker must only run the workflows of the cluster it can reach). Throws naming the
 * variable that is set but empty or malformed.
 */
export function stewardScopeFromEnv(env: NodeJS.ProcessEnv = process.env): StewardScope {
  const { STEWARD_CLUSTER: clusterText, STEWARD_TASK_QUEUE: taskQueue } = env;
  if (taskQueue !== undefined && !taskQueue.trim()) throw new Error('STEWARD_TASK_QUEUE is set but empty: unset it (default stellar-steward) or name a task queue');
  let cluster: string | undefined;
  if (clusterText !== undefined && clusterText !== '') {
    try {
      cluster = parseClusterName(clusterText);
    } catch (error) {
      throw new Error(`STEWARD_CLUSTER=${clusterText}: ${(error as Error).message}`, { cause: error });
    }
  }
  return { cluster, taskQueue: taskQueue ?? defaultTaskQueue(cluster) };
}
