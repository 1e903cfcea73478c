/**
 * How much a worker holds in memory and runs at once, and how long it lets work in flight finish when it
 * stops: the settings of the Temporal worker that bound its memory (the workflow cache), its concurrency and
 * its drain.
 */
export interface WorkerCapacity {
  /**
   * Workflows kept in the sticky cache (the SDK's maxCachedWorkflows). A cached workflow's next task runs on
   * this worker without replaying its history; one that fell out is replayed from its history on its next
   * task (a run's history is bounded by continue-as-new). Each costs its V8 state, about 1-2 MiB.
   */
  maxCachedWorkflows: number;
  /** Workflow tasks run at once (maxConcurrentWorkflowTaskExecutions); at most maxCachedWorkflows. */
  maxConcurrentWorkflowTasks: number;
  /** Activities run at once (maxConcurrentActivityTaskExecutions): each holds the objects it read and its probes. */
  maxConcurrentActivities: number;
  /**
   * Threads that run workflow activations (the SDK's workflowThreadPoolSize, whose default is 1). Each
   * workflow stays on the thread that created it; each thread holds its own copy of the workflow bundle's V8
   * context. 2 by default: with 1, at 1,000 pools a spec change's activation waited up to 700 ms behind
   * the rollouts' activations before its first local activity (README, Scale, session 21).
   */
  workflowThreads: number;
  /**
   * After SIGTERM, how long activities in flight may run before they are cancelled (the SDK's
   * shutdownGraceTime, whose default 0 cancels them at once; ours ignore cancellation, so they would still
   * finish, but only by accident). Below Kubernetes' default terminationGracePeriodSeconds of 30 s, so the
   * worker exits, and releases its Lease, before the kubelet's SIGKILL.
   */
  shutdownGraceMs: number;
}

/**
 * Meant for 1,000 workflows in a 1 GiB container: 300 cached workflows (about 2 MiB each, from the worker's
 * RSS growth per pool measured in issue 15) beside the worker's ~350 MiB base, the 700 others replaying their
 * history on each wake-up. bench/scale.ts did not confirm it: at 1,000 pools on 2 cores those replays
 * saturated the machine (README, Scale); give a worker no more workflows than it caches. 20 workflow tasks
 * and 20 activities at once (the SDK's defaults are 40 and 100) bound the peak of in-flight activations,
 * objects and probe responses: at 1,000 pools the fleet's start-up peaked at 1,065-1,301 MiB of RSS with 20
 * and 50 (session 11), at 796-823 MiB with 20 and 20 (sessions 19-20, README, Scale). 20 workflow tasks,
 * not 10: a pass holds its task's slot while its local activities write, so during rollouts 10 slots made a
 * spec change wait up to 830 ms for one. 25 s to drain: an activity's probes are bounded at a few seconds,
 * and the pod's grace period is 30 s.
 */
export const DEFAULT_CAPACITY: WorkerCapacity = { maxCachedWorkflows: 300, maxConcurrentWorkflowTasks: 20, maxConcurrentActivities: 20, workflowThreads: 2, shutdownGraceMs: 25_000 };

/**
 * The capacity from STEWARD_MAX_CACHED_WORKFLOWS, STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS,
 * STEWARD_MAX_CONCURRENT_ACTIVITIES, STEWARD_WORKFLOW_THREADS and STEWARD_SHUTDOWN_GRACE_SECONDS (defaults in DEFAULT_CAPACITY). Throws naming the variable that is not a
 * whole number in range: the cache holds 0 (off) or at least 2 workflows, workflow tasks are 2 or more and,
 * with a cache, no more than it holds (the SDK's own rules, which it would otherwise correct silently).
 */
export function capacityFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerCapacity {
  const maxCachedWorkflows = count(env, 'STEWARD_MAX_CACHED_WORKFLOWS', DEFAULT_CAPACITY.maxCachedWorkflows, 0);
  if (maxCachedWorkflows === 1) throw new Error('STEWARD_MAX_CACHED_WORKFLOWS=1: use 0 (no cache) or at least 2');
  const defaultTasks = maxCachedWorkflows ? Math.min(DEFAULT_CAPACITY.maxConcurrentWorkflowTasks, maxCachedWorkflows) : DEFAULT_CAPACITY.maxConcurrentWorkflowTasks;
  const maxConcurrentWorkflowTasks = count(env, 'STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS', defaultTasks, 2);
  if (maxCachedWorkflows && maxConcurrentWorkflowTasks > maxCachedWorkflows) {
    throw new Error(`STEWARD_MAX_CONCURRENT_WORKFLOW_TASKS=${maxConcurrentWorkflowTasks} exceeds STEWARD_MAX_CACHED_WORKFLOWS=${maxCachedWorkflows}: ` +
      'a workflow task runs on a cached workflow; lower the first or raise the second');
  }
  const maxConcurrentActivities = count(env, 'STEWARD_MAX_CONCURRENT_ACTIVITIES', DEFAULT_CAPACITY.maxConcurrentActivities, 1);
  const workflowThreads = count(env, 'STEWARD_WORKFLOW_THREADS', DEFAULT_CAPACITY.workflowThreads, 1);
  const shutdownGraceMs = count(env, 'STEWARD_SHUTDOWN_GRACE_SECONDS', DEFAULT_CAPACITY.shutdownGraceMs / 1000, 0) * 1000;
  return { maxCachedWorkflows, maxConcurrentWorkflowTasks, maxConcurrentActivities, workflowThreads, shutdownGraceMs };
}

function count(env: NodeJS.ProcessEnv, variable: string, fallback: number, minimum: number): number {
  const text = env[variable];
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim()) || Number(text) < minimum) throw new Error(`${variable}=${text} is not a whole number of at least ${minimum}`);
  return Number(text);
}
