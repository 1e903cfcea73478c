// Where a spec change's time went, read from the workflow's history: from the merge patch to the signal's
// event, to the workflow task that acted on it, through that task's local activities, to its completion.
// The bench prints it for slow samples, so a p99 comes with its cause instead of a guess.
import type { Client } from '@temporalio/client';
import proto, { type temporal } from '@temporalio/proto';

/** A history event as the client returns it. */
export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** One step of a spec change, in ms since the patch was sent. */
export interface TraceStep {
  atMs: number;
  what: string;
}

const EventType = proto.temporal.api.enums.v1.EventType;

/** An event type's name from the history's protobuf enum, without its prefix: `WorkflowTaskScheduled`. */
function eventName(type: HistoryEvent['eventType']): string {
  const name = EventType[Number(type)];
  if (!name) return `event type ${String(type)}`;
  return name.replace(/^EVENT_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, letter: string) => letter.toUpperCase());
}

/** A protobuf timestamp (the history's, or a marker's JSON) in ms since the epoch. */
function timeMs(time: { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined): number {
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

/** The name of an event, with what a marker or activity was when the history says so. */
function describe(event: HistoryEvent): string {
  const name = eventName(event.eventType);
  const activity = event.activityTaskScheduledEventAttributes?.activityType?.name;
  if (activity) return `${name} ${activity}`;
  if (event.workflowTaskTimedOutEventAttributes) return `${name} (${String(event.workflowTaskTimedOutEventAttributes.timeoutType)})`;
  return name;
}

/** The index of the first signal at or after `sentAtMs` (wall clock, less 5 ms of clock grain); -1 when none. */
function firstSignalAfter(events: readonly HistoryEvent[], sentAtMs: number): number {
  return events.findIndex((event) => Number(event.eventType) === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED && timeMs(event.eventTime) >= sentAtMs - 5);
}

/** The events of workflow `workflowId`'s current run. */
export async function historyEvents(client: Client, workflowId: string): Promise<HistoryEvent[]> {
  return (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
}

/**
 * The steps of `events` from the first signal at or after `sentAtMs` (and the two events before it: the
 * task that was running when the signal came) up to `doneAtMs` plus a second, in time order. A local
 * activity's marker adds its scheduling and completion times; patch markers are left out. Empty when no
 * signal came after the patch (a new run began meanwhile, say).
 */
export function traceSteps(events: readonly HistoryEvent[], sentAtMs: number, doneAtMs: number): TraceStep[] {
  const first = firstSignalAfter(events, sentAtMs);
  if (first < 0) return [];
  const steps: TraceStep[] = [];
  for (const event of events.slice(Math.max(0, first - 2))) {
    const at = timeMs(event.eventTime);
    if (at > doneAtMs + 1000) break;
    const marker = event.markerRecordedEventAttributes;
    const local = marker ? localActivity(event) : undefined;
    if (marker && !local) continue; // a patch marker
    if (local?.original_schedule_time && local.complete_time) {
      const failed = marker?.failure ? ' (failed)' : '';
      steps.push({ atMs: timeMs(local.original_schedule_time) - sentAtMs, what: `  local ${local.activity_type ?? '?'} scheduled` });
      steps.push({ atMs: timeMs(local.complete_time) - sentAtMs, what: `  local ${local.activity_type ?? '?'} done${failed}` });
    }
    steps.push({ atMs: at - sentAtMs, what: describe(event) });
  }
  return steps.sort((a, b) => a.atMs - b.atMs);
}

/** When a spec change reached its workflow, in ms since the patch was sent; undefined where the history shows nothing. */
export interface WakeTimes {
  /** The first signal at or after the patch. */
  signalMs?: number;
  /** The start of the first workflow task after that signal (the one that acts on it). */
  taskStartedMs?: number;
}

/** The `WakeTimes` of the spec change sent at `sentAtMs` (wall clock), read from `events`. */
export function wakeTimes(events: readonly HistoryEvent[], sentAtMs: number): WakeTimes {
  const first = firstSignalAfter(events, sentAtMs);
  if (first < 0) return {};
  const started = events.slice(first + 1).find((event) => Number(event.eventType) === EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED);
  return {
    signalMs: timeMs(events[first]?.eventTime) - sentAtMs,
    ...(started ? { taskStartedMs: timeMs(started.eventTime) - sentAtMs } : {}),
  };
}

/** One line per step: `+123 ms WorkflowTaskStarted`. */
export function traceText(steps: TraceStep[]): string {
  if (steps.length === 0) return '    (no signal after the patch in the current run)';
  return steps.map((step) => `    ${step.atMs >= 0 ? '+' : ''}${step.atMs} ms ${step.what}`).join('\n');
}
