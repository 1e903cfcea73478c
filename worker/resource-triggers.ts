import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { KubeRest } from '../activities/kube/rest.js';
import { subjectWorkflowId, TASK_QUEUE, type WorkflowSubject } from '../domain/names.js';
import { POOL_LABEL, STELLAR_CORE_LABEL } from '../domain/pool-names.js';
import { networkSlug } from '../domain/network.js';
import { NODE_LABEL } from '../domain/validator-objects.js';
import { isMarkedStopped } from '../domain/stop-mark.js';
import { resourceChangedSignal, type ReadOnlyPoolInput, type ValidatorSetInput } from '../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../workflows/readonlypool.js';
import { validatorSetWorkflow } from '../workflows/validator-set.js';
import { postgresReplicasWorkflow } from '../workflows/postgres-replicas.js';
import { tenantWorkflow } from '../workflows/tenant.js';
import type { TenantInput } from '../workflows/contract.js';
import { watchCollection, type WatchedChange } from './resource-watcher.js';
import { startOptions } from './start-options.js';
import type { StewardScope } from './steward-scope.js';

/** Options of the pool trigger. */
export interface PoolTriggerOptions {
  taskQueue?: string;
  /** Prefix of workflow IDs and the StewardCluster search attribute (STEWARD_CLUSTER). */
  cluster?: string;
  /** Watch one namespace only (all by default). */
  namespace?: string;
  /** Extra workflow input for every started pool workflow (tests shorten intervals). */
  inputDefaults?: Partial<ReadOnlyPoolInput>;
  log?: (message: string) => void;
}

/**
 * Watches ReadOnlyPools and their pods: a pool's creation or change signal-with-starts its workflow
 * (idempotent by workflow id, so several workers cause no harm), its deletion and pod changes wake it.
 * Returns a stop function.
 */
export function startPoolTrigger(kube: KubeRest, client: Client, options: PoolTriggerOptions = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const pending = new Map<string, NodeJS.Timeout>();
  const stewardScope = scopeOf(options);
  const wake = (namespace: string, name: string, start: boolean, network?: string): void => {
    const subject: WorkflowSubject = { kind: 'readonlypool', namespace, name, network };
    const id = subjectWorkflowId(subject, stewardScope.cluster);
    if (pending.has(id) && !start) return;
    clearTimeout(pending.get(id));
    pending.set(id, setTimeout(() => {
      pending.delete(id);
      void signal(client, subject, { ...options.inputDefaults, namespace, name }, start, stewardScope).catch((error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
    }, 100));
  };
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const pools = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/readonlypools` }, (change: WatchedChange) => wake(change.namespace, change.name, startable(change), networkOf(change)), log);
  const pods = watchCollection(kube, { path: `/api/v1${scope}/pods`, labelSelector: `${STELLAR_CORE_LABEL}=true,${POOL_LABEL}` }, (change) => {
    const pool = change.labels[POOL_LABEL];
    if (pool) wake(change.namespace, pool, false);
  }, log);
  return () => {
    pools.stop();
    pods.stop();
    for (const timer of pending.values()) clearTimeout(timer);
  };
}

function scopeOf(options: { taskQueue?: string; cluster?: string }): StewardScope {
  return { cluster: options.cluster, taskQueue: options.taskQueue ?? TASK_QUEUE };
}

/** A change that may start the resource's workflow: not a deletion, and no stop mark (`steward stop`). */
function startable(change: WatchedChange): boolean {
  return change.type !== 'DELETED' && !isMarkedStopped((change.object as { metadata?: { annotations?: Record<string, string> } }).metadata);
}

function networkOf(change: WatchedChange): string | undefined {
  return (change.object as { spec?: { network?: string } }).spec?.network;
}

async function signal(client: Client, subject: WorkflowSubject, input: ReadOnlyPoolInput, start: boolean, scope: StewardScope): Promise<void> {
  if (start) {
    await client.workflow.signalWithStart(readOnlyPoolWorkflow, { args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions(subject, scope) });
    return;
  }
  await client.workflow.getHandle(subjectWorkflowId(subject, scope.cluster)).signal(resourceChangedSignal).catch(ignoreNotRunning);
}

/** A wake-up for a workflow that is not running (stopped, finished, never started) is dropped. */
function ignoreNotRunning(error: unknown): void {
  if (!(error instanceof WorkflowNotFoundError)) throw error;
}

/** Options of the validator trigger. */
export interface ValidatorTriggerOptions {
  taskQueue?: string;
  cluster?: string;
  /** Watch one namespace only (all by default). */
  namespace?: string;
  inputDefaults?: Partial<ValidatorSetInput>;
  log?: (message: string) => void;
}

/**
 * Watches StellarNodes, their Services and pods: any change signal-with-starts the validator set of the
 * node's network (`validator-set/<network>`), so a new validator reaches its peers within about a second.
 * Returns a stop function.
 */
export function startValidatorTrigger(kube: KubeRest, client: Client, options: ValidatorTriggerOptions = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const networkOfNode = new Map<string, string>();
  const stoppedNodes = new Set<string>();
  const pending = new Map<string, NodeJS.Timeout>();
  const stewardScope = scopeOf(options);
  // A network's validator set stays stopped while any of its StellarNodes carries the stop mark.
  const networkStopped = (network: string): boolean =>
    [...stoppedNodes].some((key) => networkSlug(networkOfNode.get(key) ?? '') === networkSlug(network));
  const wake = (network: string): void => {
    const subject: WorkflowSubject = { kind: 'validator-set', network };
    const id = subjectWorkflowId(subject, stewardScope.cluster);
    if (pending.has(id)) return;
    pending.set(id, setTimeout(() => {
      pending.delete(id);
      const input: ValidatorSetInput = { ...options.inputDefaults, network };
      const call = networkStopped(network)
        ? client.workflow.getHandle(id).signal(resourceChangedSignal).catch(ignoreNotRunning)
        : client.workflow.signalWithStart(validatorSetWorkflow, { args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions(subject, stewardScope) });
      call.catch((error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
    }, 50));
  };
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const nodes = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/stellarnodes` }, (change) => {
    const network = networkOf(change);
    const key = `${change.namespace}/${change.name}`;
    const known = network ?? networkOfNode.get(key);
    if (network) networkOfNode.set(key, network);
    if (startable(change)) stoppedNodes.delete(key);
    else if (change.type !== 'DELETED') stoppedNodes.add(key);
    if (known) wake(known);
    if (change.type === 'DELETED') {
      stoppedNodes.delete(key);
      networkOfNode.delete(key);
    }
  }, log);
  const byNode = (change: WatchedChange): void => {
    const node = change.labels[NODE_LABEL];
    const network = node ? networkOfNode.get(`${change.namespace}/${node}`) : undefined;
    if (network) wake(network);
  };
  const pods = watchCollection(kube, { path: `/api/v1${scope}/pods`, labelSelector: NODE_LABEL }, byNode, log);
  const services = watchCollection(kube, { path: `/api/v1${scope}/services`, labelSelector: NODE_LABEL }, byNode, log);
  return () => {
    nodes.stop();
    pods.stop();
    services.stop();
    for (const timer of pending.values()) clearTimeout(timer);
  };
}

/**
 * Watches PostgresReplicaSets: creation or change signal-with-starts `postgres-replicas/<ns>/<name>`,
 * deletion wakes it so it ends. Returns a stop function.
 */
export function startReplicaSetTrigger(kube: KubeRest, client: Client, options: { taskQueue?: string; cluster?: string; namespace?: string; log?: (message: string) => void } = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const stewardScope = scopeOf(options);
  const sets = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/postgresreplicasets` }, (change) => {
    const subject: WorkflowSubject = { kind: 'postgres-replicas', namespace: change.namespace, name: change.name };
    const id = subjectWorkflowId(subject, stewardScope.cluster);
    const call = !startable(change)
      ? client.workflow.getHandle(id).signal(resourceChangedSignal).catch(ignoreNotRunning)
      : client.workflow.signalWithStart(postgresReplicasWorkflow, { args: [{ namespace: change.namespace, name: change.name }], signal: resourceChangedSignal, signalArgs: [], ...startOptions(subject, stewardScope) });
    call.then(() => undefined, (error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
  }, log);
  return () => sets.stop();
}

/**
 * Watches Tenants, their StatefulSets and pods (label `rustfs.tenant`): a tenant's creation or change
 * signal-with-starts `tenant/<ns>/<name>`; StatefulSet and pod changes wake it, so rollout states are
 * seen as they happen. Returns a stop function.
 */
export function startTenantTrigger(kube: KubeRest, client: Client, options: { taskQueue?: string; cluster?: string; namespace?: string; inputDefaults?: Partial<TenantInput>; log?: (message: string) => void } = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const pending = new Set<string>();
  const stewardScope = scopeOf(options);
  const wake = (namespace: string, name: string, start: boolean): void => {
    const subject: WorkflowSubject = { kind: 'tenant', namespace, name };
    const id = subjectWorkflowId(subject, stewardScope.cluster);
    if (!start && pending.has(id)) return;
    pending.add(id);
    setTimeout(() => {
      pending.delete(id);
      const input: TenantInput = { ...options.inputDefaults, namespace, name };
      const call = start
        ? client.workflow.signalWithStart(tenantWorkflow, { args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions(subject, stewardScope) })
        : client.workflow.getHandle(id).signal(resourceChangedSignal).catch(ignoreNotRunning);
      call.then(() => undefined, (error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
    }, 50);
  };
  const tenants = watchCollection(kube, { path: `/apis/rustfs.com/v1alpha1${scope}/tenants` }, (change) => wake(change.namespace, change.name, startable(change)), log);
  const byLabel = (change: WatchedChange): void => {
    const tenant = change.labels['rustfs.tenant'];
    if (tenant) wake(change.namespace, tenant, false);
  };
  const sets = watchCollection(kube, { path: `/apis/apps/v1${scope}/statefulsets`, labelSelector: 'rustfs.tenant' }, byLabel, log);
  const pods = watchCollection(kube, { path: `/api/v1${scope}/pods`, labelSelector: 'rustfs.tenant' }, byLabel, log);
  return () => {
    tenants.stop();
    sets.stop();
    pods.stop();
  };
}
