import { WORKFLOW_THREADS_PRELOAD } from './entry-point.js';

/** Where the preload (workflow-threads.cts) leaves its settings on `process`. */
const PRELOADED = Symbol.for('stellar-steward.workflow-threads');

/** How the worker's workflow threads run, for its start log. */
export interface WorkflowThreadMode {
  /** The SDK's workflow stack traces (its promise hook) are on. */
  stackTraces: boolean;
  /** The process was started with the preload (`node --require dist/worker/workflow-threads.cjs`). */
  preloaded: boolean;
}

/**
 * How this process's workflow threads run. Without the preload the SDK's defaults hold (stack traces on).
 * Throws an Error naming STEWARD_WORKFLOW_STACK_TRACES when the preload refused its value, or when it asks
 * for `off` in a process started without the preload, which alone can turn them off.
 */
export function workflowThreadMode(env: NodeJS.ProcessEnv = process.env): WorkflowThreadMode {
  const settings = (process as unknown as Record<symbol, { stackTraces?: boolean; error?: string } | undefined>)[PRELOADED];
  if (!settings && env.STEWARD_WORKFLOW_STACK_TRACES === 'off') {
    throw new Error(`STEWARD_WORKFLOW_STACK_TRACES=off needs the worker started as the image starts it, with node --require ${WORKFLOW_THREADS_PRELOAD} ` +
      '(the SDK runs workflows in threads of its own, which only a preload reaches): add it to the node command line or NODE_OPTIONS');
  }
  if (!settings) return { stackTraces: true, preloaded: false };
  if (settings.error !== undefined) throw new Error(settings.error);
  return { stackTraces: settings.stackTraces === true, preloaded: true };
}
