import { describe, expect, it } from '@jest/globals';
import Long from 'long';
import { traceSteps, traceText, wakeTimes, type HistoryEvent } from '../../bench/spec-change-trace.js';
import { phaseClock } from '../../activities/phase-clock.js';

const SENT = 1_800_000_000_000;
const at = (ms: number): HistoryEvent['eventTime'] => ({ seconds: Long.fromNumber(Math.floor((SENT + ms) / 1000)), nanos: ((SENT + ms) % 1000) * 1e6 });
const time = (ms: number): { seconds: number; nanos: number } => ({ seconds: Math.floor((SENT + ms) / 1000), nanos: ((SENT + ms) % 1000) * 1e6 });
const json = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value));
const event = (eventType: number, ms: number, extra: Partial<HistoryEvent> = {}): HistoryEvent => ({ eventType, eventTime: at(ms), ...extra });
const localMarker = (ms: number, type: string, scheduledMs: number, doneMs: number, failed = false): HistoryEvent => event(25, ms, {
  markerRecordedEventAttributes: {
    markerName: 'core_local_activity',
    details: { data: { payloads: [{ data: json({ activity_type: type, original_schedule_time: time(scheduledMs), complete_time: time(doneMs) }) }] } },
    ...(failed ? { failure: { message: 'timed out' } } : {}),
  },
});
const patchMarker = (ms: number): HistoryEvent => event(25, ms, { markerRecordedEventAttributes: { markerName: 'core_patch', details: { 'patch-data': { payloads: [{ data: json({ id: 'x' }) }] } } } });

describe('a spec change traced through its workflow history', () => {
  const history: HistoryEvent[] = [
    event(26, -30_000), // an earlier signal: not this change's
    localMarker(-100, 'observePoolLean', -400, -150),
    event(17, -100),
    event(26, 60),
    event(5, 60),
    event(6, 900),
    event(7, 1500),
    localMarker(1500, 'observePoolLean', 910, 1200),
    localMarker(1500, 'applyPool', 1210, 1300, true),
    patchMarker(1500),
    event(10, 1500, { activityTaskScheduledEventAttributes: { activityType: { name: 'applyPool' } } }),
    event(5, 9000), // after the change showed and a second more: left out
  ];

  it('starts at the first signal after the patch, keeps the task before it, orders local activities by their own times', () => {
    const steps = traceSteps(history, SENT, SENT + 1600);
    expect(steps.map((s) => `${s.atMs} ${s.what.trim()}`)).toEqual([
      '-400 local observePoolLean scheduled',
      '-150 local observePoolLean done',
      '-100 MarkerRecorded',
      '-100 TimerStarted',
      '60 WorkflowExecutionSignaled',
      '60 WorkflowTaskScheduled',
      '900 WorkflowTaskStarted',
      '910 local observePoolLean scheduled',
      '1200 local observePoolLean done',
      '1210 local applyPool scheduled',
      '1300 local applyPool done (failed)',
      '1500 WorkflowTaskCompleted',
      '1500 MarkerRecorded',
      '1500 MarkerRecorded',
      '1500 ActivityTaskScheduled applyPool',
    ]);
  });

  it('is empty, and says so, when no signal came after the patch', () => {
    const steps = traceSteps(history.slice(0, 3), SENT, SENT + 1600);
    expect(steps).toEqual([]);
    expect(traceText(steps)).toContain('no signal after the patch');
  });
});

describe('when a spec change reached its workflow', () => {
  it('is the first signal after the patch and the start of the next workflow task', () => {
    expect(wakeTimes([event(26, -30_000), event(6, -29_990), event(26, 60), event(5, 60), event(6, 900), event(26, 1000), event(6, 1100)], SENT))
      .toEqual({ signalMs: 60, taskStartedMs: 900 });
  });

  it('has no task start while the task after the signal has not started, and nothing without a signal', () => {
    expect(wakeTimes([event(26, 60), event(5, 60)], SENT)).toEqual({ signalMs: 60 });
    expect(wakeTimes([event(26, -30_000), event(6, -29_990)], SENT)).toEqual({});
  });
});

describe('phaseClock', () => {
  it('marks each phase as ms since its start, so parallel phases read right', () => {
    let now = 0;
    const clock = phaseClock(() => now);
    now = 5;
    clock.lap('cache wait');
    now = 700;
    clock.lap('probes');
    now = 20; // a parallel phase that ended earlier is still measured from the start
    clock.lap('fingerprint');
    expect(clock.laps()).toEqual(['cache wait done at 5 ms', 'probes done at 700 ms', 'fingerprint done at 20 ms']);
  });
});
