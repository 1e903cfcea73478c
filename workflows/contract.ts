// Signals, queries and the workflow inputs, defined once and shared by workflows, worker and starter.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { AutoscalerTiming } from '../domain/autoscaler.js';
import type { ObjectChange } from '../domain/object-change.js';
import type { AppliedFingerprint } from '../domain/owned-fingerprint.js';
import type { PoolMemory } from '../domain/pool-decision.js';
import type { PushLedger } from '../domain/validator-peers.js';
import type { ReplicaHealth } from '../domain/replica-health.js';
import type { ReplicaSetMemory, ReplicaStatus } from '../domain/replica-set.js';
import type { TenantStatus } from '../domain/tenant-decision.js';
import type { PoolMemory as TenantPoolMemory, PoolState } from '../domain/tenant-pool-state.js';

/** Why a pass runs. */
export interface PassWake {
  /** A signal ended the wait before it (or it is the run's first pass). */
  signalled: boolean;
  /**
   * When every signal since the last pass began was a watch's `resource-changed` naming its objects: those
   * changes (a pass may then read the worker's cache once it shows them). Undefined otherwise.
   */
  changes?: ObjectChange[];
}

/**
 * What every reconcile loop's input carries for the loop itself (`workflows/reconcile-loop.ts`): how many
 * passes a run makes, and how the last run's last wait ended.
 */
export interface LoopInput {
  /** Passes per run before continue-as-new (default 200, 25 for runs with patch `short-runs`). */
  passesPerRun?: number;
  /**
   * Set by continue-as-new (patch `short-runs`): whether signals ended the last run's last wait, and the
   * changes they named. Without it, the run's first pass counts as signalled and reads the API.
   */
  continued?: PassWake;
  /**
   * Set by continue-as-new (patch `short-runs`): the passes of the workflow's earlier runs, so that the
   * `iterations` its query reports count from the workflow's start, not the run's.
   */
  passesBefore?: number;
}

/** Input of the ReadOnlyPool workflow (`readonlypool/<namespace>/<name>`). */
export interface ReadOnlyPoolInput extends LoopInput {
  namespace: string;
  name: string;
  /** Overrides the pool's `loadBalancing.updateIntervalSeconds` (tests use short intervals). */
  intervalSeconds?: number;
  /** Overrides the autoscaler's cooldown and stabilization window. */
  autoscalerTiming?: AutoscalerTiming;
  /** How often ledger numbers alone refresh the status (default 300 s). */
  ledgerRefreshSeconds?: number;
  /** State carried across continue-as-new. */
  memory?: PoolMemory;
  /** The UID of the pool object `memory` was built for (a pool created again under its name starts over). */
  memoryUid?: string;
  paused?: boolean;
  /** A `rebalance` not yet applied (carried across continue-as-new). */
  rebalanceRequested?: boolean;
  /** What the last apply left (lean passes skip the apply while the cluster still shows it). */
  applied?: AppliedFingerprint;
}

/** One replica in the `status` query. */
export interface ReplicaView {
  replica: string;
  fresh: boolean;
  weight: number;
  ledger?: number;
  lag?: number;
  reason: string;
  serving: boolean;
  shards: number[];
}

/** The latest decision of a ReadOnlyPool workflow, as returned by its `status` query. */
export interface ReadOnlyPoolView {
  namespace: string;
  name: string;
  iterations: number;
  generation?: number;
  deleted: boolean;
  paused: boolean;
  replicas?: number;
  networkTip?: number;
  fresh: number;
  lagging: number;
  averageLag?: number;
  replicaViews: ReplicaView[];
  invalid?: string[];
  lastApplied: string[];
  statusWrites: number;
}

/**
 * What a `resource-changed` signal from the worker's watches carries: the objects whose changes woke the
 * workflow, at their resourceVersions, so that the pass can read the worker's cache once it shows them.
 * A signal without it (the starter's, or from runs before) makes the pass read the API.
 */
export interface ResourceChanges {
  changes: ObjectChange[];
}

/** Wakes a workflow early: its resource changed (sent by the worker's watches and the starter). */
export const resourceChangedSignal = defineSignal<[ResourceChanges?]>('resource-changed');
/** Reassigns a pool's shards now, even with `autoRebalance: false`. */
export const rebalanceSignal = defineSignal('rebalance');
/** Stops applying changes (observing and status go on) until `resume`. */
export const pauseSignal = defineSignal('pause');
/** Resumes applying changes after `pause`. */
export const resumeSignal = defineSignal('resume');
/** The workflow's latest decision. */
export const statusQuery = defineQuery<ReadOnlyPoolView>('status');

/** Input of the validator-set workflow (`validator-set/<network>`). */
export interface ValidatorSetInput extends LoopInput {
  /** Mainnet, Testnet, Futurenet or a custom passphrase. */
  network: string;
  /** Periodic resync (default 30 s); watches wake it sooner. */
  resyncSeconds?: number;
  /** Push bookkeeping carried across continue-as-new. */
  ledger?: PushLedger;
}

/** The `peers` query of a validator set. */
export interface ValidatorSetView {
  network: string;
  iterations: number;
  /** Current peers, `namespace/name`. */
  peers: string[];
  /** Peers not yet pushed, per validator. */
  pending: Record<string, string[]>;
  /** Peers pushed, per validator. */
  told: Record<string, string[]>;
}

/** Re-reads everything now. */
export const resyncSignal = defineSignal('resync');
/** The validator set's current peers and pending pushes. */
export const peersQuery = defineQuery<ValidatorSetView>('peers');

/** Input of the PostgresReplicaSet workflow (`postgres-replicas/<namespace>/<name>`). */
export interface ReplicaSetInput extends LoopInput {
  namespace: string;
  name: string;
  /** Overrides `healthCheckIntervalSeconds` (tests use short intervals). */
  intervalSeconds?: number;
  /** How often readings alone (check times, response times, lag figures) refresh the status (default 300 s). */
  statusRefreshSeconds?: number;
  /** Health state carried across continue-as-new by runs before `memory` existed. */
  health?: Record<string, ReplicaHealth>;
  /** State carried across continue-as-new; absent on a fresh start, which resumes from the status. */
  memory?: ReplicaSetMemory;
}

/** The `status` query of a PostgresReplicaSet workflow. */
export interface ReplicaSetView {
  namespace: string;
  name: string;
  iterations: number;
  deleted: boolean;
  /** The latest readings, live (the status refreshes them only every `statusRefreshSeconds`). */
  replicas: ReplicaStatus[];
  routingTo: string[];
  /** Status writes made by this run (a steady replica set makes none). */
  statusWrites?: number;
  /** Why the resource is stalled, as its Stalled condition says; absent when it is not. */
  stalled?: string;
  /** Pods whose route label was removed when the resource was deleted. */
  unlabelled?: string[];
}

/** Runs a health check now. */
export const checkNowSignal = defineSignal('check-now');
/** The replica set's health as last decided. */
export const replicaSetStatusQuery = defineQuery<ReplicaSetView>('status');

/** One pool state transition, for the Tenant `status` query. */
export interface TenantTransition {
  pool: string;
  from?: PoolState;
  to: PoolState;
  message: string;
  at: string;
}

/** Input of the Tenant workflow (`tenant/<namespace>/<name>`). */
export interface TenantInput extends LoopInput {
  namespace: string;
  name: string;
  /** Resync interval (default 10 s); watches wake it sooner. */
  intervalSeconds?: number;
  memory?: Record<string, TenantPoolMemory>;
  /** The UID of the tenant object `memory` was built for (a tenant created again under its name starts over). */
  memoryUid?: string;
  transitions?: TenantTransition[];
  /** Pools named by `confirm-remove` whose StatefulSet is not deleted yet (carried across continue-as-new). */
  confirmedRemovals?: string[];
  /** What the last apply left (passes skip the apply while the cluster still shows it). */
  applied?: AppliedFingerprint;
}

/** The `status` query of a Tenant workflow: its status and recent state transitions per pool. */
export interface TenantView {
  namespace: string;
  name: string;
  iterations: number;
  deleted: boolean;
  status?: TenantStatus;
  removalPending: string[];
  transitions: TenantTransition[];
}

/** Confirms deleting a pool that was removed from the spec (its data goes with it). */
export const confirmRemoveSignal = defineSignal<[string]>('confirm-remove');
/** The tenant's status and recent transitions. */
export const tenantStatusQuery = defineQuery<TenantView>('status');
