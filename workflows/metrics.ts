// Steward's own Prometheus metrics, set from each workflow's view at the end of an iteration. The SDK
// emits workflow metrics only when not replaying, so they stay deterministic. Every series carries the
// managed resource as `resource_namespace` / `resource` (Temporal's own `namespace` label is taken).
// Instruments are made on use: the workflow meter exists only inside a workflow, and this module is
// also loaded by the worker and starter through the workflow types they import.
import { metricMeter } from '@temporalio/workflow';
import type { PoolState } from '../domain/tenant-pool-state.js';
import type { ReadOnlyPoolView, ReplicaSetView, TenantView, ValidatorSetView } from './contract.js';

const POOL_STATES: PoolState[] = ['PoolNotCreated', 'PoolCreated', 'PoolInitialized', 'PoolUpdating', 'PoolRolloutComplete', 'PoolRolloutFailed', 'PoolDegraded'];

const reconcileDuration = () => metricMeter.createHistogram('steward_reconcile_duration', 'int', 'ms', 'Time of one reconcile iteration (observe, decide, apply, status), by kind');
const poolReplicas = () => metricMeter.createGauge('steward_pool_replicas', 'int', '', 'Replicas the pool runs');
const poolFresh = () => metricMeter.createGauge('steward_pool_fresh_replicas', 'int', '', 'Replicas within the lag threshold of the network tip');
const poolLagging = () => metricMeter.createGauge('steward_pool_lagging_replicas', 'int', '', 'Replicas behind the lag threshold');
const replicaLag = () => metricMeter.createGauge('steward_replica_lag_ledgers', 'int', 'ledgers', 'Ledgers a replica is behind the network tip');
const replicaWeight = () => metricMeter.createGauge('steward_replica_weight', 'int', '', 'Traffic weight of a replica');
const tenantPoolState = () => metricMeter.createGauge('steward_tenant_pool_state', 'int', '', '1 for the state a Tenant pool is in, 0 for the others');
const tenantAvailable = () => metricMeter.createGauge('steward_tenant_available_replicas', 'int', '', 'Ready servers of a Tenant');
const dbReplicaHealthy = () => metricMeter.createGauge('steward_db_replica_healthy', 'int', '', '1 when a PostgreSQL read replica passes its health check');
const dbReplicaLagBytes = () => metricMeter.createGauge('steward_db_replica_lag_bytes', 'int', 'bytes', 'Replay lag of a PostgreSQL read replica');
const validatorPeers = () => metricMeter.createGauge('steward_validator_peers', 'int', '', 'Validators known as peers on a network');
const validatorPending = () => metricMeter.createGauge('steward_validator_pending_pushes', 'int', '', 'Peer pushes not yet accepted by a validator');

/** Records how long an iteration took (workflow time, from `startedAt`). */
export function recordReconcile(kind: string, startedAt: number): void {
  reconcileDuration().record(Math.max(0, Date.now() - startedAt), { kind });
}

/** A pool's replica counts, and each replica's lag and weight. */
export function recordPool(view: ReadOnlyPoolView): void {
  const tags = { resource_namespace: view.namespace, resource: view.name };
  if (view.replicas !== undefined) poolReplicas().set(view.replicas, tags);
  poolFresh().set(view.fresh, tags);
  poolLagging().set(view.lagging, tags);
  for (const replica of view.replicaViews) {
    if (replica.lag !== undefined) replicaLag().set(Math.max(0, replica.lag), { ...tags, replica: replica.replica });
    replicaWeight().set(replica.weight, { ...tags, replica: replica.replica });
  }
}

/** Each Tenant pool's state as a one-hot gauge, and the tenant's available servers. */
export function recordTenant(view: TenantView): void {
  const tags = { resource_namespace: view.namespace, resource: view.name };
  if (!view.status) return;
  tenantAvailable().set(view.status.availableReplicas, tags);
  for (const pool of view.status.pools) {
    for (const state of POOL_STATES) tenantPoolState().set(pool.state === state ? 1 : 0, { ...tags, pool: pool.name, state });
  }
}

/** Each PostgreSQL replica's health and lag. */
export function recordReplicaSet(view: ReplicaSetView): void {
  for (const replica of view.replicas) {
    const tags = { resource_namespace: view.namespace, resource: view.name, replica: `${replica.host}:${replica.port}` };
    dbReplicaHealthy().set(replica.healthy ? 1 : 0, tags);
    if (replica.lagBytes !== undefined) dbReplicaLagBytes().set(replica.lagBytes, tags);
  }
}

/** A network's peer count and pending pushes. */
export function recordValidators(view: ValidatorSetView, slug: string): void {
  validatorPeers().set(view.peers.length, { network: slug });
  validatorPending().set(Object.values(view.pending).reduce((sum, list) => sum + list.length, 0), { network: slug });
}
