// Signals, queries and the workflow inputs, defined once and shared by workflows, worker and starter.
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Input of the ReadOnlyPool workflow. */
export interface ReadOnlyPoolInput {
  namespace: string;
  name: string;
  /** Overrides the pool's `updateIntervalSeconds` (tests use short intervals). */
  intervalSeconds?: number;
}

/** The latest decision of a ReadOnlyPool workflow, as returned by its `status` query. */
export interface ReadOnlyPoolView {
  namespace: string;
  name: string;
  iterations: number;
  generation?: number;
  deleted: boolean;
}

/** Wakes a workflow early: its resource changed (sent by the worker's watches). */
export const resourceChangedSignal = defineSignal('resource-changed');
/** The workflow's latest decision. */
export const statusQuery = defineQuery<ReadOnlyPoolView>('status');
