import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { TASK_QUEUE } from '../domain/names.js';
import { DEFAULT_CAPACITY, type WorkerCapacity } from './capacity-settings.js';
import type { TemporalSettings } from './temporal-settings.js';
import { freshWorkflowBundle, preloadedModules, WORKFLOWS_PATH } from './workflow-bundle.js';

export { WORKFLOWS_PATH } from './workflow-bundle.js';

/**
 * Connects to Temporal and creates a worker on the Steward task queue with every workflow and activity, its
 * workflow cache and concurrency bounded by `capacity` (default DEFAULT_CAPACITY). Throws an Error saying
 * which Temporal address could not be reached.
 */
export async function createWorker(settings: TemporalSettings, deps: ActivityDeps, taskQueue = TASK_QUEUE, capacity: WorkerCapacity = DEFAULT_CAPACITY): Promise<Worker> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ ...settings.connection, address: settings.address } as Parameters<typeof NativeConnection.connect>[0]);
  } catch (error) {
    throw new Error(`cannot reach Temporal at ${settings.address} (${(error as Error).message}): ` +
      'start it (steward stack up) or set TEMPORAL_ADDRESS');
  }
  // The bundle made at build time starts a worker in about a second; bundling at start takes 5-30 s.
  const bundle = freshWorkflowBundle();
  return Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue,
    ...(bundle ? { workflowBundle: { codePath: bundle } } : { workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: preloadedModules() } }),
    // A workflow's next task goes to the worker that ran the last one (its sticky queue). When that worker
    // was killed, the task moves to the shared queue after this long (the SDK's default is 10 s).
    stickyQueueScheduleToStartTimeout: '2 seconds',
    maxCachedWorkflows: capacity.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: capacity.maxConcurrentWorkflowTasks,
    maxConcurrentActivityTaskExecutions: capacity.maxConcurrentActivities,
    workflowThreadPoolSize: capacity.workflowThreads,
    shutdownGraceTime: capacity.shutdownGraceMs,
    activities: createActivities(deps),
  });
}
