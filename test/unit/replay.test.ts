import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../../worker/worker.js';
import { preloadedModules } from '../../worker/workflow-bundle.js';

// Histories recorded from the demo (test/replay/record-histories.ts) replayed against today's workflow
// code: a change that is not deterministic fails here. Needs no server.
const FIXTURES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'test', 'fixtures', 'histories');

interface RecordedHistory {
  events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } }; workflowExecutionContinuedAsNewEventAttributes?: unknown; markerRecordedEventAttributes?: { markerName?: string; details?: unknown }; activityTaskScheduledEventAttributes?: { activityType?: { name?: string } } }>;
}

describe('workflow replay of recorded histories', () => {
  const files = fs.readdirSync(FIXTURES).filter((file) => file.endsWith('.json')).sort();

  const histories = files.map((file) => ({ file, history: JSON.parse(fs.readFileSync(path.join(FIXTURES, file), 'utf8')) as RecordedHistory }));
  const typeOf = (history: RecordedHistory) => history.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
  const typesWhere = (holds: (history: RecordedHistory) => boolean) => [...new Set(histories.filter((h) => holds(h.history)).map((h) => typeOf(h.history)))].sort();
  const WORKFLOW_TYPES = ['postgresReplicasWorkflow', 'readOnlyPoolWorkflow', 'tenantWorkflow', 'validatorSetWorkflow'];

  it('has, for every workflow type, a history from before the shared loop, one on it, and one that continued-as-new', () => {
    // A run on the loop records the `reconcile-loop` patch marker (its id is a base64 payload in the JSON).
    const onLoop = (h: RecordedHistory) => h.events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'
      && [...JSON.stringify(e.markerRecordedEventAttributes.details).matchAll(/"data":"([^"]+)"/g)].some((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8').includes('reconcile-loop')));
    expect(typesWhere(() => true)).toEqual(WORKFLOW_TYPES);
    expect(typesWhere((h) => !onLoop(h))).toEqual(WORKFLOW_TYPES);
    expect(typesWhere(onLoop)).toEqual(WORKFLOW_TYPES);
    expect(typesWhere((h) => h.events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes !== undefined))).toEqual(WORKFLOW_TYPES);
  });

  /** Whether `history` records the marker of patch `id`. */
  const hasPatch = (history: RecordedHistory, id: string) => history.events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch'
    && [...JSON.stringify(e.markerRecordedEventAttributes.details).matchAll(/"data":"([^"]+)"/g)].some((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8').includes(id)));

  it('has pool histories of the lean pass (its patch marker and its local observation)', () => {
    const lean = histories.filter((h) => typeOf(h.history) === 'readOnlyPoolWorkflow' && hasPatch(h.history, 'lean-pool-pass'));
    expect(lean.map((h) => h.file).sort()).toEqual([
      'loop__readonlypool__replay__testnet-pool-applylocal-can.json', 'loop__readonlypool__replay__testnet-pool-applylocal.json',
      'loop__readonlypool__replay__testnet-pool-lean-can.json', 'loop__readonlypool__replay__testnet-pool-lean.json',
      'loop__readonlypool__replay__testnet-pool-named-can.json', 'loop__readonlypool__replay__testnet-pool-named.json',
      'loop__readonlypool__replay__testnet-pool-phased-can.json', 'loop__readonlypool__replay__testnet-pool-phased.json',
      'loop__readonlypool__replay__testnet-pool-short-runs-can.json', 'loop__readonlypool__replay__testnet-pool-short-runs.json',
    ]);
    // Steady passes observe with a local activity; passes a signal or a write woke use an activity.
    expect(lean.some((h) => h.history.events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'))).toBe(true);
    expect(lean.every((h) => h.history.events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observePoolLean'))).toBe(true);
  });

  it('has pool histories of local status writes and of a pass that named changes woke', () => {
    const pools = histories.filter((h) => typeOf(h.history) === 'readOnlyPoolWorkflow');
    expect(pools.filter((h) => hasPatch(h.history, 'pool-status-local-write')).map((h) => h.file).sort())
      .toEqual(['loop__readonlypool__replay__testnet-pool-applylocal-can.json', 'loop__readonlypool__replay__testnet-pool-applylocal.json', 'loop__readonlypool__replay__testnet-pool-named-can.json', 'loop__readonlypool__replay__testnet-pool-named.json',
        'loop__readonlypool__replay__testnet-pool-phased-can.json', 'loop__readonlypool__replay__testnet-pool-phased.json',
        'loop__readonlypool__replay__testnet-pool-short-runs-can.json', 'loop__readonlypool__replay__testnet-pool-short-runs.json']);
    expect(pools.filter((h) => hasPatch(h.history, 'signalled-cached-reads')).map((h) => h.file).sort())
      .toEqual(['loop__readonlypool__replay__testnet-pool-applylocal.json', 'loop__readonlypool__replay__testnet-pool-named.json', 'loop__readonlypool__replay__testnet-pool-phased.json']);
  });

  it('has pool histories of applies within the workflow task (the patch marker and a local applyPool)', () => {
    const localApply = (history: RecordedHistory) => history.events.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'
      && [...JSON.stringify(e.markerRecordedEventAttributes.details).matchAll(/"data":"([^"]+)"/g)].some((m) => Buffer.from(m[1] ?? '', 'base64').toString('utf8').includes('"activity_type":"applyPool"')));
    const pools = histories.filter((h) => typeOf(h.history) === 'readOnlyPoolWorkflow' && hasPatch(h.history, 'pool-apply-local'));
    expect(pools.map((h) => h.file).sort()).toEqual(['loop__readonlypool__replay__testnet-pool-applylocal.json', 'loop__readonlypool__replay__testnet-pool-phased.json', 'loop__readonlypool__replay__testnet-pool-short-runs.json']);
    // Passes after a write that read the cache once it showed the writes (patch `pool-written-versions`).
    expect(pools.filter((h) => hasPatch(h.history, 'pool-written-versions')).map((h) => h.file).sort())
      .toEqual(['loop__readonlypool__replay__testnet-pool-applylocal.json', 'loop__readonlypool__replay__testnet-pool-phased.json', 'loop__readonlypool__replay__testnet-pool-short-runs.json']);
    expect(pools.every((h) => localApply(h.history))).toBe(true);
    // Histories from before the patch apply with the activity, and still replay (the last case).
    expect(histories.some((h) => !hasPatch(h.history, 'pool-apply-local') && h.history.events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'applyPool'))).toBe(true);
  });

  it('has pool histories of the phased requeue (its patch marker, timers shorter than the 1 s interval after signalled passes)', () => {
    type Timer = { timerStartedEventAttributes?: { startToFireTimeout?: string } };
    const phased = histories.filter((h) => typeOf(h.history) === 'readOnlyPoolWorkflow' && hasPatch(h.history, 'phased-requeue'));
    expect(phased.map((h) => h.file).sort()).toEqual(['loop__readonlypool__replay__testnet-pool-phased-can.json', 'loop__readonlypool__replay__testnet-pool-phased.json',
      'loop__readonlypool__replay__testnet-pool-short-runs-can.json', 'loop__readonlypool__replay__testnet-pool-short-runs.json']);
    // Without phases every requeue timer of a 1 s interval is 1 s; with them some come back sooner.
    const timers = phased.flatMap((h) => (h.history.events as Timer[]).map((e) => e.timerStartedEventAttributes?.startToFireTimeout).filter((t): t is string => t !== undefined)).map((t) => Number.parseFloat(t));
    expect(timers.some((seconds) => seconds < 0.9)).toBe(true);
  });

  it('has tenant histories of the apply check (its patch marker, a pass that applied and one that did not)', () => {
    const checked = histories.filter((h) => typeOf(h.history) === 'tenantWorkflow' && hasPatch(h.history, 'tenant-apply-check'));
    expect(checked.map((h) => h.file).sort()).toEqual(['loop__tenant__replay__archive-store-applycheck-can.json', 'loop__tenant__replay__archive-store-applycheck.json',
      'loop__tenant__replay__archive-store-short-runs-can.json', 'loop__tenant__replay__archive-store-short-runs.json']);
    const scheduled = (history: RecordedHistory, name: string) => history.events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === name).length;
    // The first run applies; its later passes, with nothing to change, observe only.
    for (const { history } of checked) expect(scheduled(history, 'observeTenant')).toBeGreaterThan(scheduled(history, 'applyTenant'));
    expect(checked.some((h) => scheduled(h.history, 'applyTenant') > 0)).toBe(true);
  });

  it('has validator-set histories of cached reads (a steady pass asks for them)', () => {
    type Scheduled = { activityTaskScheduledEventAttributes?: { activityType?: { name?: string }; input?: { payloads?: { data?: string }[] } } };
    const cachedReads = (history: RecordedHistory) => (history.events as Scheduled[]).some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observeValidators'
      && (e.activityTaskScheduledEventAttributes.input?.payloads ?? []).some((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8') === '{"fresh":false}'));
    expect(histories.filter((h) => cachedReads(h.history)).map((h) => h.file)).toEqual(['loop__validator-set__testnet-replay-cached.json']);
  });

  it('has, for every workflow type, short runs (patch `short-runs`): a run that continued-as-new, and the next one told how its wait ended and how many passes came before', () => {
    type Started = { workflowExecutionStartedEventAttributes?: { input?: { payloads?: { data?: string }[] } } };
    const input = (history: RecordedHistory) => JSON.parse(Buffer.from((history.events[0] as Started).workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data ?? '', 'base64').toString('utf8')) as { continued?: unknown; passesBefore?: number };
    const short = histories.filter((h) => hasPatch(h.history, 'short-runs'));
    expect(typesWhere((h) => hasPatch(h, 'short-runs') && h.events.some((e) => e.workflowExecutionContinuedAsNewEventAttributes !== undefined))).toEqual(WORKFLOW_TYPES);
    expect(typesWhere((h) => hasPatch(h, 'short-runs') && input(h).continued !== undefined && (input(h).passesBefore ?? 0) > 0)).toEqual(WORKFLOW_TYPES);
    // Runs before the patch never carried it.
    expect(histories.filter((h) => !short.includes(h) && input(h.history).continued !== undefined)).toEqual([]);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const failures: string[] = [];
    let replayed = 0;
    for await (const result of Worker.runReplayHistories({ workflowsPath: WORKFLOWS_PATH, bundlerOptions: { preloadModules: preloadedModules() }, replayName: 'steward-replay' }, histories.map((h) => ({ workflowId: h.file.replace(/\.json$/, ''), history: h.history })))) {
      replayed += 1;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(files.length);
  });
});
