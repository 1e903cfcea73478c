import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { HttpClient } from '../activities/http-client.js';
import { ObjectCache } from '../kube/object-cache.js';
import type { KubeRest } from '../kube/rest.js';
import { CLUSTER_SCOPE, type NamespaceScope } from '../kube/namespace-scope.js';
import { runLeaderElection, type LeaderElection } from '../kube/leader-lease.js';
import { TASK_QUEUE } from '../domain/names.js';
import type { ReadOnlyPoolInput, TenantInput, ValidatorSetInput } from '../workflows/contract.js';
import { ensureSearchAttributes } from './search-attributes.js';
import { searchAttributesEnabled, withoutSearchAttributes } from './start-options.js';
import { startPoolTrigger, startReplicaSetTrigger, startTenantTrigger, startValidatorTrigger } from './resource-triggers.js';
import { WakePacer } from './wake-pacer.js';
import type { WorkerCapacity } from './capacity-settings.js';
import type { LeaderSettings } from './leader-settings.js';
import type { TemporalSettings } from './temporal-settings.js';
import { createWorker } from './worker.js';

/** Options of a worker service: the worker plus the watches that start and wake workflows. */
export interface WorkerServiceOptions {
  settings: TemporalSettings;
  kube: KubeRest;
  /** The HTTP client of the activities (default: from STEWARD_EGRESS and STEWARD_CA_BUNDLE). */
  http?: HttpClient;
  taskQueue?: string;
  /** Prefix of workflow IDs and the StewardCluster search attribute (STEWARD_CLUSTER); none by default. */
  cluster?: string;
  /**
   * The namespaces the watches and the activities stay in, and the peers ConfigMap's namespace (default:
   * all namespaces, `stellar-system`).
   */
  scope?: NamespaceScope;
  /** Watch the custom resources and signal-with-start their workflows (default true). */
  watch?: boolean;
  /**
   * Run the watches only while this worker holds the Lease (several replicas: one runs them, all run
   * workflows and activities). Absent: this worker runs them from the start, as a lone worker does.
   */
  leaderElection?: LeaderSettings;
  /** The worker's workflow cache and concurrency (default DEFAULT_CAPACITY). */
  capacity?: WorkerCapacity;
  /** Extra input of the workflows the watches start (the demo shortens intervals). */
  inputDefaults?: { pool?: Partial<ReadOnlyPoolInput>; validators?: Partial<ValidatorSetInput>; tenant?: Partial<TenantInput> };
  /** Wake-ups a second the triggers send when many wait (default DEFAULT_WAKES_PER_SECOND; STEWARD_TRIGGER_WAKES_PER_SECOND). */
  wakesPerSecond?: number;
  log?: (message: string) => void;
  /** Changes of leadership (default: `log`). */
  events?: (message: string) => void;
}

/** A running worker service. */
export interface WorkerService {
  worker: Worker;
  /** Resolves when the worker has stopped. */
  done: Promise<void>;
  /** Stops the watches and the worker, and waits for it to drain. */
  stop(): Promise<void>;
}

/** Starts the worker and, unless `watch` is false, the resource watches; returns once it polls. */
export async function startWorkerService(options: WorkerServiceOptions): Promise<WorkerService> {
  const { settings, kube } = options;
  const taskQueue = options.taskQueue ?? TASK_QUEUE;
  const scope = options.scope ?? CLUSTER_SCOPE;
  // One cache for every activity of this worker, in its namespaces: steady passes read it instead of the API.
  const cache = new ObjectCache(kube, { namespaces: scope.namespaces.length > 0 ? scope.namespaces : undefined, maxObjects: cacheMaxObjects(), log: options.log });
  const worker = await createWorker(settings, { kube, http: options.http, scope, cache }, taskQueue, options.capacity);
  const connection = await Connection.connect(settings.connection);
  const client = new Client({ connection, namespace: settings.namespace });
  const { log, cluster } = options;
  const { namespaces } = scope;
  if (searchAttributesEnabled()) {
    try {
      const added = await ensureSearchAttributes(connection, settings.namespace);
      if (added.length) log?.(`registered the search attributes ${added.join(', ')} in Temporal namespace ${settings.namespace}`);
    } catch (error) {
      // Workflows still start, just without the attributes; the message says how to add them.
      log?.((error as Error).message);
      withoutSearchAttributes();
    }
  }
  // Each start of the triggers lists every collection first, so a new leader considers every resource:
  // missing workflows start, running ones are woken, and no change made without a leader is lost.
  // One pacer for every kind: a new leader's first lists wake every resource, at the rate the workers can take.
  const pacer = new WakePacer(options.wakesPerSecond);
  const startTriggers = (): (() => void)[] => [
    startPoolTrigger(kube, client, { taskQueue, cluster, namespaces, inputDefaults: options.inputDefaults?.pool, log, pacer }),
    startValidatorTrigger(kube, client, { taskQueue, cluster, namespaces, inputDefaults: options.inputDefaults?.validators, log, pacer }),
    startReplicaSetTrigger(kube, client, { taskQueue, cluster, namespaces, log, pacer }),
    startTenantTrigger(kube, client, { taskQueue, cluster, namespaces, inputDefaults: options.inputDefaults?.tenant, log, pacer }),
  ];
  let stops: (() => void)[] = [];
  const stopTriggers = (): void => {
    for (const stop of stops) stop();
    stops = [];
    pacer.clear();
  };
  let election: LeaderElection | undefined;
  if (options.watch !== false && options.leaderElection) {
    const { target, timing } = options.leaderElection;
    election = runLeaderElection(kube, target, timing, {
      onStartedLeading: () => {
        stopTriggers();
        stops = startTriggers();
      },
      onStoppedLeading: stopTriggers,
    }, log ?? ((message) => console.error(`[worker] ${message}`)), options.events);
  } else if (options.watch !== false) {
    stops = startTriggers();
  }
  const running = worker.run();
  const done = running.finally(async () => {
    await election?.stop();
    stopTriggers();
    cache.stop();
    await connection.close();
    // The worker's own connection: once closed, the Temporal runtime is idle and shuts down, which
    // releases its log forwarding (without this the process would not exit after SIGTERM).
    await worker.connection?.close();
  });
  return {
    worker,
    done,
    async stop() {
      // Stop leading and release the Lease before draining, so another worker takes the watches over at once.
      await election?.stop();
      stopTriggers();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}

/** STEWARD_CACHE_MAX_OBJECTS: the most objects the worker's read cache holds (default 50,000). */
function cacheMaxObjects(): number | undefined {
  const text = process.env.STEWARD_CACHE_MAX_OBJECTS;
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`STEWARD_CACHE_MAX_OBJECTS=${text}: expected a whole number of objects (0 turns the cache off)`);
  return value;
}
