// Where a spec change's time went, read from the workflow's history: from the merge patch to the signal's
// event, to the workflow task that acted on it, through that task's local activities, to its completion.
// The bench prints it for slow samples, so a p99 comes with its cause instead of a guess.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** A history event as the client returns it. */
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One step of a spec change, in ms since the patch was sent. */
export interface TraceStep {
  atMs: number;
  what: string;
}

/** Event types by number, as the history's protobuf enum names them (without the common prefix). */
const EVENT_NAMES: Record<number, string> = {
  5: 'WorkflowTaskScheduled', 6: 'WorkflowTaskStarted', 7: 'WorkflowTaskCompleted', 8: 'WorkflowTaskTimedOut', 9: 'WorkflowTaskFailed',
  10: 'ActivityTaskScheduled', 11: 'ActivityTaskStarted', 12: 'ActivityTaskCompleted', 13: 'ActivityTaskFailed', 14: 'ActivityTaskTimedOut',
  17: 'TimerStarted', 18: 'TimerFired', 19: 'TimerCanceled', 25: 'MarkerRecorded', 26: 'WorkflowExecutionSignaled',
};

function eventMs(event: HistoryEvent): number {
  const time = event.eventTime;
  if (!time) return Number.NaN;
  return Number(time.seconds ?? 0) * 1000 + Math.floor((time.nanos ?? 0) / 1e6);
}

interface LocalActivityMarker {
  activity_type?: string;
  original_schedule_time?: { seconds: number; nanos: number };
  complete_time?: { seconds: number; nanos: number };
}

/** A local activity's marker, as the SDK records it (JSON in `details.data`); undefined for other markers. */
function localActivity(event: HistoryEvent): LocalActivityMarker | undefined {
  const data = event.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(Buffer.from(data).toString('utf8')) as LocalActivityMarker;
  } catch {
    return undefined;
  }
}

const wallMs = (time: { seconds: number; nanos: number }): number => time.seconds * 1000 + Math.floor(time.nanos / 1e6);

/** The name of an event, with what a marker or activity was when the history says so. */
function describe(event: HistoryEvent): string {
  const name = EVENT_NAMES[Number(event.eventType)] ?? `event type ${String(event.eventType)}`;
  const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
  if (activity) return `${name} ${activity}`;
  if (event.workflowTaskTimedOutEventAttributes) return `${name} (${String(event.workflowTaskTimedOutEventAttributes.timeoutType)})`;
  return name;
}

/**
 * The steps of the spec change sent at `sentAtMs` (wall clock) to workflow `workflowId`, read from its
 * current run's history (see `traceSteps`).
 */
export async function specChangeTrace(client: Client, workflowId: string, sentAtMs: number, doneAtMs: number): Promise<TraceStep[]> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  return traceSteps(history.events ?? [], sentAtMs, doneAtMs);
}

/**
 * The steps of `events` from the first signal at or after `sentAtMs` (and the two events before it: the
 * task that was running when the signal came) up to `doneAtMs` plus a second, in time order. A local
 * activity's marker adds its scheduling and completion times; patch markers are left out. Empty when no
 * signal came after the patch (a new run began meanwhile, say).
 */
export function traceSteps(events: readonly HistoryEvent[], sentAtMs: number, doneAtMs: number): TraceStep[] {
  const first = events.findIndex((event) => Number(event.eventType) === 26 && eventMs(event) >= sentAtMs - 5);
  if (first < 0) return [];
  const steps: TraceStep[] = [];
  for (const event of events.slice(Math.max(0, first - 2))) {
    const at = eventMs(event);
    if (at > doneAtMs + 1000) break;
    const marker = event.markerRecordedEventAttributes;
    const local = marker ? localActivity(event) : undefined;
    if (marker && !local) continue; // a patch marker
    if (local?.original_schedule_time && local.complete_time) {
      const failed = marker?.failure ? ' (failed)' : '';
      steps.push({ atMs: wallMs(local.original_schedule_time) - sentAtMs, what: `  local ${local.activity_type ?? '?'} scheduled` });
      steps.push({ atMs: wallMs(local.complete_time) - sentAtMs, what: `  local ${local.activity_type ?? '?'} done${failed}` });
    }
    steps.push({ atMs: at - sentAtMs, what: describe(event) });
  }
  return steps.sort((a, b) => a.atMs - b.atMs);
}

/** One line per step: `+123 ms WorkflowTaskStarted`. */
export function traceText(steps: TraceStep[]): string {
  if (steps.length === 0) return '    (no signal after the patch in the current run)';
  return steps.map((step) => `    ${step.atMs >= 0 ? '+' : ''}${step.atMs} ms ${step.what}`).join('\n');
}
