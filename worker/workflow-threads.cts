// Preloaded into every thread of the worker process (`node --require dist/worker/workflow-threads.cjs
// dist/worker/main.js`, as the image runs it). The Temporal SDK runs workflows in worker threads it
// creates itself with no options of ours, and such threads inherit the process's `--require` preloads:
// this is the one place where Steward can act inside them before the SDK sets them up.
//
// It turns off the SDK's workflow stack traces unless STEWARD_WORKFLOW_STACK_TRACES=on. For the Web UI's
// "Stack Trace" tab the SDK (1.24, @temporalio/worker/lib/workflow/vm-shared.js) installs a V8 promise
// hook that captures and source-maps a stack trace at every promise a workflow creates. In the worker's
// CPU profile over the 1,000-pool scale bench that hook was 28.6% of the workflow thread's time (README,
// Scale). The SDK is built to run without it: when `v8.promiseHooks.createHook` throws, it leaves stack
// traces off, and the `__stack_trace` query answers "Workflow stack traces are not enabled on this worker".
import v8 = require('node:v8');
import workerThreads = require('node:worker_threads');

/** The variable that turns the SDK's workflow stack traces on (`on`) or leaves them off (`off`, the default). */
const STACK_TRACES_VARIABLE = 'STEWARD_WORKFLOW_STACK_TRACES';

/** The call that installs the SDK's stack-trace hook: `GlobalHandlers.setPromiseHook` in this file. */
const SDK_HOOK_CALLER = /[\\/]@temporalio[\\/]worker[\\/]lib[\\/]workflow[\\/]vm-shared\.js:/;

/** The SDK's console warning when the hook cannot be installed: it says "not available", which misleads here. */
const SDK_HOOK_WARNING = 'v8.promiseHooks.createHook is not available';

/** Marks the process as preloaded, so the worker can say in its start log which mode its threads run in. */
const PRELOADED = Symbol.for('stellar-steward.workflow-threads');

/**
 * What the preload does in the workflow threads: `stackTraces` says whether the SDK's promise hook is
 * installed; `error` says why the variable was refused (the worker then stops at start with it).
 */
type WorkflowThreadSettings = { stackTraces: boolean; error?: undefined } | { stackTraces?: undefined; error: string };

/** The settings from STEWARD_WORKFLOW_STACK_TRACES: `on`, or `off` (the default). */
function workflowThreadSettings(env: NodeJS.ProcessEnv): WorkflowThreadSettings {
  const text = env[STACK_TRACES_VARIABLE];
  if (text === undefined || text === 'off') return { stackTraces: false };
  if (text === 'on') return { stackTraces: true };
  return { error: `${STACK_TRACES_VARIABLE}=${text} is neither on nor off: use on for the Web UI's workflow stack traces ` +
    '(they cost about a quarter of the workflow thread\'s CPU; README, Scale), or off (the default)' };
}

/** Makes the SDK's `createHook` call throw, in this thread only; every other caller (async_hooks) is served. */
function refuseSdkStackTraceHook(): void {
  const createHook = v8.promiseHooks.createHook;
  v8.promiseHooks.createHook = (hooks) => {
    if (!SDK_HOOK_CALLER.test(new Error().stack ?? '')) return createHook(hooks);
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      console.warn = warn;
      if (!String(args[0]).includes(SDK_HOOK_WARNING)) warn(...args);
    };
    throw new Error(`workflow stack traces are off (${STACK_TRACES_VARIABLE})`);
  };
}

const settings = workflowThreadSettings(process.env);
(process as unknown as Record<symbol, WorkflowThreadSettings>)[PRELOADED] = settings;
if (!workerThreads.isMainThread && settings.stackTraces === false) refuseSdkStackTraceHook();
