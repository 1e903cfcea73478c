import path from 'node:path';

/** The package root (this file is compiled to dist/worker/). */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

/** The preload that sets up the worker's workflow threads (workflow-threads.cts), relative to the package root. */
export const WORKFLOW_THREADS_PRELOAD = './dist/worker/workflow-threads.cjs';

/** The worker's node arguments, relative to the package root: the image's ENTRYPOINT after `node`. */
export const WORKER_NODE_ARGS = ['--require', WORKFLOW_THREADS_PRELOAD, 'dist/worker/main.js'];

/** WORKER_NODE_ARGS with absolute paths, to start the worker from any directory (tests, bench). */
export function workerNodeArgs(): string[] {
  return WORKER_NODE_ARGS.map((arg) => (arg.startsWith('-') ? arg : path.join(ROOT, arg)));
}
