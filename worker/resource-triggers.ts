import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { KubeRest } from '../activities/kube/rest.js';
import { TASK_QUEUE, validatorSetWorkflowId, workflowId } from '../domain/names.js';
import { POOL_LABEL, STELLAR_CORE_LABEL } from '../domain/pool-names.js';
import { networkSlug } from '../domain/network.js';
import { NODE_LABEL } from '../domain/validator-objects.js';
import { resourceChangedSignal, type ReadOnlyPoolInput, type ValidatorSetInput } from '../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../workflows/readonlypool.js';
import { validatorSetWorkflow } from '../workflows/validator-set.js';
import { postgresReplicasWorkflow } from '../workflows/postgres-replicas.js';
import { tenantWorkflow } from '../workflows/tenant.js';
import type { TenantInput } from '../workflows/contract.js';
import { watchCollection, type WatchedChange } from './resource-watcher.js';
import { startOptions } from './start-options.js';

/** Options of the pool trigger. */
export interface PoolTriggerOptions {
  taskQueue?: string;
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
  const wake = (namespace: string, name: string, start: boolean): void => {
    const id = workflowId('readonlypool', { namespace, name });
    if (pending.has(id) && !start) return;
    clearTimeout(pending.get(id));
    pending.set(id, setTimeout(() => {
      pending.delete(id);
      void signal(client, id, { ...options.inputDefaults, namespace, name }, start, options.taskQueue ?? TASK_QUEUE).catch((error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
    }, 100));
  };
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const pools = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/readonlypools` }, (change: WatchedChange) => wake(change.namespace, change.name, change.type !== 'DELETED'), log);
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

async function signal(client: Client, id: string, input: ReadOnlyPoolInput, start: boolean, taskQueue: string): Promise<void> {
  if (start) {
    await client.workflow.signalWithStart(readOnlyPoolWorkflow, { workflowId: id, taskQueue, args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions('readonlypool', input) });
    return;
  }
  try {
    await client.workflow.getHandle(id).signal(resourceChangedSignal);
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) && !/not found|completed/i.test((error as Error).message)) throw error;
  }
}

/** Options of the validator trigger. */
export interface ValidatorTriggerOptions {
  taskQueue?: string;
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
  const pending = new Map<string, NodeJS.Timeout>();
  const wake = (network: string): void => {
    const id = validatorSetWorkflowId(network);
    if (pending.has(id)) return;
    pending.set(id, setTimeout(() => {
      pending.delete(id);
      const input: ValidatorSetInput = { ...options.inputDefaults, network };
      client.workflow.signalWithStart(validatorSetWorkflow, { workflowId: id, taskQueue: options.taskQueue ?? TASK_QUEUE, args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions('validator-set', { network: networkSlug(network) }) })
        .catch((error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
    }, 50));
  };
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const nodes = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/stellarnodes` }, (change) => {
    const network = (change.object as { spec?: { network?: string } }).spec?.network;
    const key = `${change.namespace}/${change.name}`;
    const known = network ?? networkOfNode.get(key);
    if (network) networkOfNode.set(key, network);
    if (known) wake(known);
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
export function startReplicaSetTrigger(kube: KubeRest, client: Client, options: { taskQueue?: string; namespace?: string; log?: (message: string) => void } = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const sets = watchCollection(kube, { path: `/apis/stellar.org/v1alpha1${scope}/postgresreplicasets` }, (change) => {
    const id = workflowId('postgres-replicas', change);
    const call = change.type === 'DELETED'
      ? client.workflow.getHandle(id).signal(resourceChangedSignal)
      : client.workflow.signalWithStart(postgresReplicasWorkflow, { workflowId: id, taskQueue: options.taskQueue ?? TASK_QUEUE, args: [{ namespace: change.namespace, name: change.name }], signal: resourceChangedSignal, signalArgs: [], ...startOptions('postgres-replicas', change) });
    call.then(() => undefined, (error: unknown) => log(`cannot signal ${id}: ${(error as Error).message}`));
  }, log);
  return () => sets.stop();
}

/**
 * Watches Tenants, their StatefulSets and pods (label `rustfs.tenant`): a tenant's creation or change
 * signal-with-starts `tenant/<ns>/<name>`; StatefulSet and pod changes wake it, so rollout states are
 * seen as they happen. Returns a stop function.
 */
export function startTenantTrigger(kube: KubeRest, client: Client, options: { taskQueue?: string; namespace?: string; inputDefaults?: Partial<TenantInput>; log?: (message: string) => void } = {}): () => void {
  const log = options.log ?? ((message: string): void => console.error(`[worker] ${message}`));
  const scope = options.namespace ? `/namespaces/${options.namespace}` : '';
  const pending = new Set<string>();
  const wake = (namespace: string, name: string, start: boolean): void => {
    const id = workflowId('tenant', { namespace, name });
    if (!start && pending.has(id)) return;
    pending.add(id);
    setTimeout(() => {
      pending.delete(id);
      const input: TenantInput = { ...options.inputDefaults, namespace, name };
      const call = start
        ? client.workflow.signalWithStart(tenantWorkflow, { workflowId: id, taskQueue: options.taskQueue ?? TASK_QUEUE, args: [input], signal: resourceChangedSignal, signalArgs: [], ...startOptions('tenant', input) })
        : client.workflow.getHandle(id).signal(resourceChangedSignal);
      call.then(() => undefined, (error: unknown) => {
        if (!/not found|completed/i.test((error as Error).message)) log(`cannot signal ${id}: ${(error as Error).message}`);
      });
    }, 50);
  };
  const tenants = watchCollection(kube, { path: `/apis/rustfs.com/v1alpha1${scope}/tenants` }, (change) => wake(change.namespace, change.name, change.type !== 'DELETED'), log);
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
