import { KubeRest } from '../kube/rest.js';
import { capacityFromEnv } from './capacity-settings.js';
import { boundHeapGrowth, heapGrowingPercentFromEnv } from './heap-growth.js';
import { leaderSettingsFromEnv } from './leader-settings.js';
import { countKubeRequests } from './kube-request-metric.js';
import { installRuntime, runtimeOptionsFromEnv } from './runtime.js';
import { startWorkerService } from './service.js';
import { namespaceScopeFromEnv } from '../kube/namespace-scope.js';
import { stewardScopeFromEnv } from './steward-scope.js';
import { temporalSettings } from './temporal-settings.js';
import { wakesPerSecondFromEnv } from './wake-pacer.js';
import { WORKFLOW_THREADS_PRELOAD } from './entry-point.js';
import { workflowThreadMode } from './workflow-thread-mode.js';

/**
 * Runs the worker until SIGINT/SIGTERM. Temporal from TEMPORAL_* variables, Kubernetes from KUBECONFIG
 * (or in-cluster). It watches the custom resources and starts or wakes their workflows
 * (STEWARD_WATCH=false: off; STEWARD_WATCH_NAMESPACES: only these namespaces, comma-separated, for the
 * watches and every list; STEWARD_PEERS_NAMESPACE: the stellar-peers ConfigMap's namespace), polls STEWARD_TASK_QUEUE
 * (default stellar-steward), serves Prometheus metrics on STEWARD_METRICS_ADDRESS (default 0.0.0.0:9464;
 * STEWARD_METRICS_PORT=0 turns it off) and logs as STEWARD_LOG_FORMAT (json | text) at STEWARD_LOG_LEVEL.
 * Of several replicas, only the holder of the Lease runs the watches (STEWARD_LEADER_ELECTION, STEWARD_LEASE_*:
 * leader-settings.ts); its workflow cache and concurrency come from STEWARD_MAX_* (capacity-settings.ts), its heaps' growth from
 * STEWARD_HEAP_GROWING_PERCENT (heap-growth.ts). Its workflow threads' stack traces are off when the process was
 * started with the preload (workflow-threads.cts), unless STEWARD_WORKFLOW_STACK_TRACES=on.
 */
export async function runWorker(): Promise<void> {
  const threads = workflowThreadMode();
  const runtime = runtimeOptionsFromEnv();
  const logger = installRuntime(runtime);
  countKubeRequests();
  const settings = temporalSettings();
  const kube = KubeRest.fromFile(process.env.KUBECONFIG);
  const { taskQueue, cluster } = stewardScopeFromEnv();
  const scope = namespaceScopeFromEnv();
  const watch = process.env.STEWARD_WATCH !== 'false';
  // One Lease per installation: its cluster name and its namespaces (two installations may split a cluster).
  const leaderElection = watch ? leaderSettingsFromEnv({ cluster, watchNamespace: scope.namespaces.join('-') || undefined }) : undefined;
  const capacity = capacityFromEnv();
  const heapGrowingPercent = heapGrowingPercentFromEnv();
  boundHeapGrowth(heapGrowingPercent);
  const wakesPerSecond = wakesPerSecondFromEnv();
  const service = await startWorkerService({
    settings, kube, taskQueue, cluster, scope, watch, leaderElection, capacity, wakesPerSecond,
    log: (message) => logger.warn(message, { component: 'watch' }),
    events: (message) => logger.info(message, { component: 'leader' }),
  });
  logger.info('Steward worker running', {
    component: 'worker', temporal: settings.address, temporalNamespace: settings.namespace, taskQueue, cluster: cluster ?? 'none',
    kubernetes: kube.server, watching: scope.namespaces.join(',') || 'all namespaces', peersNamespace: scope.peersNamespace, ...capacity, heapGrowingPercent, wakesPerSecond,
    workflowStackTraces: threads.preloaded ? (threads.stackTraces ? 'on' : 'off') : `on (the SDK's default: start node with --require ${WORKFLOW_THREADS_PRELOAD} to turn them off)`,
    lease: leaderElection ? `${leaderElection.target.namespace}/${leaderElection.target.name}` : 'none (this worker runs the watches)',
    leaseIdentity: leaderElection?.target.identity, metrics: runtime.metricsAddress ? `http://${runtime.metricsAddress}/metrics` : 'off',
  });
  await service.done;
}
