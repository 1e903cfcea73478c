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
  /**
   * For the sample, when its run changed since the earlier reading: the runs that ended in between
   * (continue-as-new), oldest first, from the earlier reading's own run on, each whole.
   */
  endedRuns?: EndedRun[];
}

/** A run that continued-as-new: its whole history and the iterations its status query reports at its end (`passesBefore` included). */
export interface EndedRun {
  runId: string;
  events: HistoryEvent[];
  iterations: number;
}

/** The most runs followed from one reading to the next (a window of 25-pass runs spans a few). */
const MAX_ENDED_RUNS = 50;

/**
 * Queries every workflow (at most 16 at a time) and reads the sample's histories; by workflow id. A
 * workflow that does not answer in three tries (an overloaded worker lets queries time out) is left out
 * of the map, and so out of `historyGrowth`. With `since`, a sampled workflow whose run changed also gets
 * the runs that ended in between (`endedRuns`).
 */
export async function sweep(client: Client, counted: readonly Counted[], since?: ReadonlyMap<string, Reading>): Promise<Map<string, Reading>> {
  const readings = await mapLimit(counted, 16, async (item): Promise<Reading | undefined> => {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        return await read(client, item, since?.get(item.id));
      } catch {
        // Tried again below; after the third failure the workflow is left out.
      }
    }
    return undefined;
  });
  return new Map(counted.flatMap((item, i) => (readings[i] ? [[item.id, readings[i]] as const] : [])));
}

async function read(client: Client, item: Counted, earlier: Reading | undefined): Promise<Reading> {
  const handle = client.workflow.getHandle(item.id);
  const view = await handle.query(item.query);
  const atMs = performance.now();
  if (!item.history) return { iterations: view.iterations, atMs };
  const runId = (await handle.describe()).runId;
  const history = await client.workflow.getHandle(item.id, runId).fetchHistory();
  const reading: Reading = { iterations: view.iterations, atMs, runId, events: history.events ?? [] };
  if (earlier?.runId === undefined || earlier.runId === runId) return reading;
  return { ...reading, endedRuns: await endedRuns(client, item, earlier.runId, runId) };
}

/**
 * The runs from `fromRunId` up to (not including) `toRunId`, following each one's continue-as-new. A query
 * of an ended run replays its history on a worker and answers with its final state.
 */
async function endedRuns(client: Client, item: Counted, fromRunId: string, toRunId: string): Promise<EndedRun[]> {
  const runs: EndedRun[] = [];
  for (let runId = fromRunId; runId !== toRunId;) {
    if (runs.length === MAX_ENDED_RUNS) throw new Error(`${item.id}: over ${MAX_ENDED_RUNS} runs between two readings`);
    const handle = client.workflow.getHandle(item.id, runId);
    const events = (await handle.fetchHistory()).events ?? [];
    const next = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    if (!next) throw new Error(`${item.id}: run ${runId} did not continue-as-new, yet ${toRunId} is the current run`);
    runs.push({ runId, events, iterations: (await handle.query(item.query)).iterations });
    runId = next;
  }
  return runs;
}

/** History written by the sample between two sweeps. */
export interface HistoryGrowth {
  events: number;
  bytes: number;
  /** The sample's iterations over the same span (between its own readings). */
  iterations: number;
  /** Sampled workflows left out because their runs between the sweeps could not be followed. */
  skipped: number;
  /** Runs that ended (continue-as-new) in the sample between the sweeps. */
  continued: number;
}

/**
 * Events added to the sample's workflows between the sweeps, and their protobuf-encoded size in bytes,
 * over the sample's iterations in the same span. A workflow that continued-as-new in between counts the
 * rest of its earlier run, every run that ended since, and its current run, continue-as-new's own events
 * and the next run's start included.
 */
export function historyGrowth(before: ReadonlyMap<string, Reading>, after: ReadonlyMap<string, Reading>): HistoryGrowth {
  const growth: HistoryGrowth = { events: 0, bytes: 0, iterations: 0, skipped: 0, continued: 0 };
  for (const [id, first] of before) {
    const last = after.get(id);
    if (!first.events || !last?.events) continue;
    const segments = spanSegments(first, last);
    if (!segments) {
      growth.skipped += 1;
      continue;
    }
    growth.continued += segments.length - 1;
    for (const { events, iterations } of segments) {
      growth.events += events.length;
      growth.bytes += events.reduce((sum, event) => sum + HistoryEvent.encode(event).finish().length, 0);
      growth.iterations += iterations;
    }
  }
  return growth;
}

/** The events and iterations of each run between two readings of one workflow; undefined when they do not join. */
function spanSegments(first: Reading, last: Reading): { events: HistoryEvent[]; iterations: number }[] | undefined {
  const [firstEvents, lastEvents] = [first.events ?? [], last.events ?? []];
  if (last.runId === first.runId) {
    return lastEvents.length < firstEvents.length ? undefined : [{ events: lastEvents.slice(firstEvents.length), iterations: last.iterations - first.iterations }];
  }
  const ended = last.endedRuns ?? [];
  const earliest = ended[0];
  if (!earliest || earliest.runId !== first.runId || earliest.events.length < firstEvents.length) return undefined;
  return [
    ...ended.map((run, i) => (i === 0 ? { events: run.events.slice(firstEvents.length), iterations: run.iterations - first.iterations } : { events: run.events, iterations: run.iterations - passesBefore(run.events) })),
    { events: lastEvents, iterations: last.iterations - passesBefore(lastEvents) },
  ];
}

/**
 * The passes a run's query counts from earlier runs: its input's `passesBefore` (patch `short-runs`), 0
 * for runs that count from their own start.
 */
export function passesBefore(events: readonly HistoryEvent[]): number {
  const data = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  if (!data) return 0;
  try {
    const input = JSON.parse(Buffer.from(data).toString('utf8')) as { passesBefore?: unknown };
    return typeof input.passesBefore === 'number' ? input.passesBefore : 0;
  } catch {
    return 0;
  }
}
