import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

const DIST = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** The compiled workflow bundle entry (dist/workflows/index.js). */
export const WORKFLOWS_PATH = path.join(DIST, 'workflows', 'index.js');

/** The workflow code bundled at build time (`npm run build`), so a starting worker need not bundle it. */
export const WORKFLOW_BUNDLE_PATH = path.join(DIST, 'workflow-bundle.js');

/** The compiled code a workflow bundle is made of: the workflows and the pure domain code they import. */
const BUNDLED_DIRS = ['workflows', 'domain'].map((dir) => path.join(DIST, dir));

/**
 * The prebuilt bundle's path when it is newer than every compiled workflow and domain file, else undefined
 * (the worker then bundles at start, as after a bare `tsc`): a stale bundle is never run.
 */
export function freshWorkflowBundle(): string | undefined {
  if (!fs.existsSync(WORKFLOW_BUNDLE_PATH)) return undefined;
  const built = fs.statSync(WORKFLOW_BUNDLE_PATH).mtimeMs;
  const newest = Math.max(...BUNDLED_DIRS.flatMap((dir) => compiledFiles(dir)).map((file) => fs.statSync(file).mtimeMs));
  return built >= newest ? WORKFLOW_BUNDLE_PATH : undefined;
}

function compiledFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile() && e.name.endsWith('.js')).map((e) => path.join(e.parentPath, e.name));
}

/**
 * The modules every workflow shares in the worker's V8 context: the pure domain code (and what it imports).
 * The SDK otherwise evaluates each module a workflow imports once per cached workflow, so each cached
 * workflow held its own copy of every domain function and table: 120 KiB of heap per workflow, 42 KiB with
 * these shared (dist/bench/module-cost.js). They hold no per-workflow state: no I/O, no clock, no
 * randomness, no module-level variable that changes. The SDK freezes them, so a mutation would throw.
 */
export function preloadedModules(): string[] {
  return compiledFiles(path.join(DIST, 'domain')).sort();
}

/** Bundles the compiled workflow code into `dist/workflow-bundle.js` (run by `npm run build`). */
export async function writeWorkflowBundle(): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: preloadedModules() });
  fs.writeFileSync(WORKFLOW_BUNDLE_PATH, code);
  return WORKFLOW_BUNDLE_PATH;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1])) && process.argv.includes('--write')) {
  const started = Date.now();
  writeWorkflowBundle().then((file) => console.error(`[build] workflow bundle ${path.relative(process.cwd(), file)} (${((Date.now() - started) / 1000).toFixed(1)} s)`), (error: unknown) => {
    console.error(`[build] cannot bundle the workflow code: ${(error as Error).message}`);
    process.exit(1);
  });
}
