import path from 'node:path';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';
import { TASK_QUEUE } from '../domain/names.js';
import type { TemporalSettings } from './temporal-settings.js';

/** The compiled workflow bundle entry (dist/workflows/index.js). */
export const WORKFLOWS_PATH = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'workflows', 'index.js');

/**
 * Connects to Temporal and creates a worker on the Steward task queue with every workflow and activity.
 * Throws an Error saying which Temporal address could not be reached.
 */
export async function createWorker(settings: TemporalSettings, deps: ActivityDeps, taskQueue = TASK_QUEUE): Promise<Worker> {
  let connection: NativeConnection;
  try {
    connection = await NativeConnection.connect({ ...settings.connection, address: settings.address } as Parameters<typeof NativeConnection.connect>[0]);
  } catch (error) {
    throw new Error(`cannot reach Temporal at ${settings.address} (${(error as Error).message}): ` +
      'start it (steward stack up) or set TEMPORAL_ADDRESS');
  }
  return Worker.create({
    connection,
    namespace: settings.namespace,
    taskQueue,
    workflowsPath: WORKFLOWS_PATH,
    activities: createActivities(deps),
  });
}
