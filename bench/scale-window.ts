// What the scale benchmark reads of a sample of pools at both ends of a steady window: each one's iteration
// count (its status query) and the history events written in between, with their encoded size.
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { QueryDefinition } from '@temporalio/common';
import { mapLimit } from './scale-fleet.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
const { HistoryEvent } = proto.temporal.api.history.v1;

/** A workflow to count, and the query that reports its `iterations`. */
export interface Counted {
  id: string;
  query: QueryDefinition<{ iterations: number }>;
  /** Read this one's history too (the sample). */
  history?: boolean;
}

/** One workflow as a sweep read it. */
export interface Reading {
  iterations: number;
  /** When the query answered (performance.now()). */
  atMs: number;
  runId?: string;
  /** History events of the run so far, for the sample only. */
  events?: HistoryEvent[];
}

/**
 * Queries every workflow (at most 16 at a time) and reads the sample's histories; by workflow id. A
 * workflow that does not answer in three tries (an overloaded worker lets queries time out) is left out
 * of the map, and so out of `historyGrowth`.
 */
export async function sweep(client: Client, counted: readonly Counted[]): Promise<Map<string, Reading>> {
  const readings = await mapLimit(counted, 16, async (item): Promise<Reading | undefined> => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        return await read(client, item);
      } catch {
        // Tried again below; after the third failure the workflow is left out.
      }
    }
    return undefined;
  });
  return new Map(counted.flatMap((item, i) => (readings[i] ? [[item.id, readings[i]] as const] : [])));
}

async function read(client: Client, item: Counted): Promise<Reading> {
  const handle = client.workflow.getHandle(item.id);
  const view = await handle.query(item.query);
  const atMs = performance.now();
  if (!item.history) return { iterations: view.iterations, atMs };
  const runId = (await handle.describe()).runId;
  const history = await client.workflow.getHandle(item.id, runId).fetchHistory();
  return { iterations: view.iterations, atMs, runId, events: history.events ?? [] };
}

/** History written by the sample between two sweeps. */
export interface HistoryGrowth {
  events: number;
  bytes: number;
  /** The sample's iterations over the same span (between its own readings). */
  iterations: number;
  /** Sampled workflows left out because their run changed (continue-as-new) in between. */
  skipped: number;
}

/** Events added to the sample's runs between the sweeps, and their protobuf-encoded size in bytes. */
export function historyGrowth(before: ReadonlyMap<string, Reading>, after: ReadonlyMap<string, Reading>): HistoryGrowth {
  const growth: HistoryGrowth = { events: 0, bytes: 0, iterations: 0, skipped: 0 };
  for (const [id, first] of before) {
    const last = after.get(id);
    if (!first.events || !last?.events) continue;
    if (last.runId !== first.runId || last.events.length < first.events.length) {
      growth.skipped += 1;
      continue;
    }
    const added = last.events.slice(first.events.length);
    growth.events += added.length;
    growth.bytes += added.reduce((sum, event) => sum + HistoryEvent.encode(event).finish().length, 0);
    growth.iterations += last.iterations - first.iterations;
  }
  return growth;
}
