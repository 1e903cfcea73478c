// What each cached workflow costs in module state: the heap that evaluating the workflow code's modules
// takes per workflow, with nothing shared and with the pure domain modules shared (the worker's
// `preloadModules`). The SDK's reusable V8 context evaluates every module a workflow imports once per
// workflow, unless the module was loaded before any workflow (worker/workflow-bundle.ts).
// Run: npm run build && node dist/bench/module-cost.js [--smoke]
import v8 from 'node:v8';
import vm from 'node:vm';
import { bundleWorkflowCode } from '@temporalio/worker';
import { preloadedModules, WORKFLOWS_PATH } from '../worker/workflow-bundle.js';
import { smokeMode } from './smoke.js';

const WORKFLOWS = smokeMode() ? 20 : 300;
// A new context's `gc` once the flag is set: the figures need the heap collected before each reading.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Heap per workflow of importing the workflow modules, as the SDK's reusable context does: modules loaded
 * while no workflow exists go to a shared cache, the others to each workflow's own.
 */
function perWorkflow(code: string): { kib: number; own: number; shared: number } {
  const shared = new Map<PropertyKey, unknown>();
  let own: Map<PropertyKey, unknown> | undefined;
  const context = vm.createContext({});
  Object.defineProperty(context, '__webpack_module_cache__', {
    value: new Proxy({}, {
      get: (_, key) => shared.get(key) ?? own?.get(key),
      set: (_, key, value) => {
        (own ?? shared).set(key, value);
        return true;
      },
    }),
  });
  vm.runInContext(code, context);
  const library = vm.runInContext('__TEMPORAL__', context) as { preloadModules?: () => void; importWorkflows: () => unknown };
  library.preloadModules?.();
  const kept: Map<PropertyKey, unknown>[] = [];
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < WORKFLOWS; i += 1) {
    own = new Map();
    library.importWorkflows();
    kept.push(own);
  }
  own = undefined;
  gc();
  const kib = (process.memoryUsage().heapUsed - before) / WORKFLOWS / 1024;
  return { kib, own: kept[0]?.size ?? 0, shared: shared.size };
}

const plain = (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quiet() })).code;
const preloaded = (await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, preloadModules: preloadedModules(), logger: quiet() })).code;
const a = perWorkflow(plain);
const b = perWorkflow(preloaded);
console.log(`module state per workflow (${WORKFLOWS} workflows): nothing shared ${a.kib.toFixed(1)} KiB (${a.own} modules each); ` +
  `domain shared ${b.kib.toFixed(1)} KiB (${b.own} modules each, ${b.shared} shared); ratio ${(a.kib / b.kib).toFixed(2)}`);

function quiet() {
  const none = (): void => undefined;
  return { trace: none, debug: none, info: none, warn: none, error: none, log: none };
}
