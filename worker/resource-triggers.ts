import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { KubeRest } from '../kube/rest.js';
import { subjectWorkflowId, TASK_QUEUE, type WorkflowSubject } from '../domain/names.js';
import { resourceChangedSignal, type ResourceChanges, type ReadOnlyPoolInput, type TenantInput, type ValidatorSetInput } from '../workflows/contract.js';
import { scopedPaths } from '../kube/namespace-scope.js';
import { watchCollection, type WatchedChange, type WatchOptions } from '../kube/resource-watcher.js';
import { startOptions } from './start-options.js';
import type { StewardScope } from './steward-scope.js';
import { resourceChangeMatters, snapshotOf, subjectStopped, type IndexedResource } from '../kube/trigger-rules.js';
import { TRIGGERS, type TriggerSpec, type WatchSpec } from '../kube/trigger-specs.js';
import { withChange, type ObjectChange } from '../domain/object-change.js';
import { objectPath } from '../kube/paths.js';
import type { KubeObject } from '../domain/pool-objects.js';
import type { WakePacer } from './wake-pacer.js';

/** Options of a trigger. */
export interface TriggerOptions<Input = object> {
  taskQueue?: string;
  /** Prefix of workflow IDs and the StewardCluster search attribute (STEWARD_CLUSTER). */
  cluster?: string;
  /** Watch these namespaces only, one watch per namespace and collection (all namespaces by default). */
  namespaces?: readonly string[];
  /** Extra workflow input for every started workflow (tests and the demo shorten intervals). */
  inputDefaults?: Partial<Input>;
  log?: (message: string) => void;
  /** The watches' retry loop (tests shorten the backoff). */
  watch?: WatchOptions;
  /**
   * Paces the wake-ups that waited out their debounce window (a list's, a pod's start), shared by every
   * kind's trigger; an edit of a resource wakes its workflow at once whatever waits. Unpaced when absent.
   */
  pacer?: WakePacer;
}

/** A wake-up waiting out its debounce window. */
interface PendingWake {
  subject: WorkflowSubject;
  start: boolean;
  /** The objects whose changes this wake-up carries (undefined: one it cannot name, so the pass reads the API). */
  changes: ObjectChange[] | undefined;
  timer: NodeJS.Timeout;
}

/**
 * Runs one kind's trigger (see trigger-specs.ts): watches its collections, in each of `namespaces`, and
 * per change that matters signal-with-starts the workflow (a change of the resource itself) or signals it
 * (an owned object, a deletion, or a resource marked stopped). Starts are idempotent by workflow ID, so several workers cause
 * no harm. Changes of one workflow within the debounce window wake it once; an edit of the resource itself
 * wakes it at once, with what was pending. Each wake-up names the changed objects at their resourceVersions
 * (`ResourceChanges`), so the pass can read the worker's cache once it shows them. With `options.pacer`, the
 * wake-ups that waited out the debounce window go at the pacer's rate. Returns a stop function.
 */
export function runTrigger(spec: TriggerSpec, kube: KubeRest, client: Client, options: TriggerOptions = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const scope: StewardScope = { cluster: options.cluster, taskQueue: options.taskQueue ?? TASK_QUEUE };
  const resources = new Map<string, IndexedResource>();
  const pending = new Map<string, PendingWake>();

  const fire = (id: string): void => {
    const wake = pending.get(id);
    pending.delete(id);
    if (!wake) return;
    const start = wake.start && !subjectStopped(resources.values(), wake.subject);
    const signalArgs: [ResourceChanges?] = wake.changes ? [{ changes: wake.changes }] : [];
    const call = start
      ? client.workflow.signalWithStart(spec.workflowType, {
        args: [spec.input(wake.subject, options.inputDefaults ?? {})], signal: resourceChangedSignal, signalArgs, ...startOptions(wake.subject, scope),
      }).then(() => undefined)
      : client.workflow.getHandle(id).signal(resourceChangedSignal, ...signalArgs).catch(ignoreNotRunning);
    call.catch((error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
  };
  const paced = (id: string): void => (options.pacer ? options.pacer.pace(id, () => fire(id)) : fire(id));
  /** Wakes the subject's workflow after the debounce window, or at once when `now` (an edit of the resource). */
  const wake = (subject: WorkflowSubject, start: boolean, change: ObjectChange | undefined, now = false): void => {
    const id = subjectWorkflowId(subject, scope.cluster);
    let waiting = pending.get(id);
    if (waiting) {
      waiting.changes = change ? withChange(waiting.changes, change) : undefined;
      // A later start keeps the latest subject: its network feeds the StewardNetwork attribute.
      if (start) Object.assign(waiting, { subject, start: true });
    } else {
      waiting = { subject, start, changes: change ? [change] : undefined, timer: setTimeout(() => paced(id), spec.debounceMs) };
      pending.set(id, waiting);
    }
    if (!now) return;
    clearTimeout(waiting.timer);
    fire(id);
  };
  const resourceSubject = (namespace: string, name: string): WorkflowSubject | undefined => resources.get(`${namespace}/${name}`)?.subject;

  const onResource = (watched: WatchSpec, change: WatchedChange): void => {
    const key = `${change.namespace}/${change.name}`;
    const previous = resources.get(key);
    const subject = watched.subjectOf(change, resourceSubject) ?? previous?.subject;
    if (!subject) return;
    const snapshot = snapshotOf(change.object);
    const matters = resourceChangeMatters(change.type, previous?.snapshot, snapshot);
    if (change.type === 'DELETED') resources.delete(key);
    else resources.set(key, { subject, snapshot });
    // A node that moved to another network leaves its old set, which should notice.
    if (previous && subjectWorkflowId(previous.subject) !== subjectWorkflowId(subject)) wake(previous.subject, false, undefined);
    // An edit (a spec change, a stop mark) wakes at once: it is one event, where a list or a pod's start
    // is a burst that the debounce window folds into one wake-up.
    if (matters) wake(subject, change.type !== 'DELETED', objectChange(change), change.type === 'MODIFIED');
  };
  const onOwned = (watched: WatchSpec, change: WatchedChange): void => {
    const subject = watched.subjectOf(change, resourceSubject);
    if (subject) wake(subject, false, objectChange(change));
  };

  const watches = spec.watches.flatMap((watched) => scopedPaths(options.namespaces ?? [], watched.path).map((path) =>
    watchCollection(kube, { path, labelSelector: watched.labelSelector },
      (change) => (watched.role === 'resource' ? onResource(watched, change) : onOwned(watched, change)), log, options.watch)));
  return () => {
    for (const watched of watches) watched.stop();
    for (const waiting of pending.values()) clearTimeout(waiting.timer);
    // A paced wake-up of this trigger still queued finds nothing pending, and signals nobody.
    pending.clear();
  };
}

/** The change a watch event names: its object's path and resourceVersion; undefined for a kind without a known path. */
function objectChange(change: WatchedChange): ObjectChange | undefined {
  const object = change.object as KubeObject & { metadata: { resourceVersion?: string } };
  const resourceVersion = object.metadata?.resourceVersion;
  if (!resourceVersion || !object.apiVersion || !object.kind) return undefined;
  try {
    return { path: objectPath(object), resourceVersion, ...(change.type === 'DELETED' ? { deleted: true } : {}) };
  } catch {
    return undefined;
  }
}

/** A wake-up for a workflow that is not running (stopped, finished, never started) is dropped. */
function ignoreNotRunning(error: unknown): void {
  if (!(error instanceof WorkflowNotFoundError)) throw error;
}

/** ReadOnlyPools and their pods wake `readonlypool/<ns>/<name>`. Returns a stop function. */
export function startPoolTrigger(kube: KubeRest, client: Client, options: TriggerOptions<ReadOnlyPoolInput> = {}): () => void {
  return runTrigger(TRIGGERS.pool, kube, client, options);
}

/**
 * StellarNodes, their Services and pods wake `validator-set/<network>` of the node's network, so a new
 * validator reaches its peers within about a second. Returns a stop function.
 */
export function startValidatorTrigger(kube: KubeRest, client: Client, options: TriggerOptions<ValidatorSetInput> = {}): () => void {
  return runTrigger(TRIGGERS.validators, kube, client, options);
}

/** PostgresReplicaSets wake `postgres-replicas/<ns>/<name>`; a deletion wakes it so it ends. Returns a stop function. */
export function startReplicaSetTrigger(kube: KubeRest, client: Client, options: TriggerOptions = {}): () => void {
  return runTrigger(TRIGGERS.replicaSets, kube, client, options);
}

/** Tenants, their StatefulSets and pods (label `rustfs.tenant`) wake `tenant/<ns>/<name>`. Returns a stop function. */
export function startTenantTrigger(kube: KubeRest, client: Client, options: TriggerOptions<TenantInput> = {}): () => void {
  return runTrigger(TRIGGERS.tenants, kube, client, options);
}
