import { TASK_QUEUE } from '../domain/names.js';

/** Where a Steward deployment's workflows live in Temporal: the task queue its workers poll. */
export interface StewardScope {
  taskQueue: string;
}

/**
 * The scope from the environment, read the same way by the worker and the CLI: `STEWARD_TASK_QUEUE`
 * (default `stellar-steward`). Throws naming the variable when it is set but empty.
 */
export function stewardScopeFromEnv(env: NodeJS.ProcessEnv = process.env): StewardScope {
  const taskQueue = env.STEWARD_TASK_QUEUE;
  if (taskQueue !== undefined && !taskQueue.trim()) throw new Error('STEWARD_TASK_QUEUE is set but empty: unset it (default stellar-steward) or name a task queue');
  return { taskQueue: taskQueue ?? TASK_QUEUE };
}
