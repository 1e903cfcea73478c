import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client, WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { workflowId } from '../../domain/names.js';
import { resourceChangedSignal, statusQuery, type ReadOnlyPoolInput } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { archiveUrl, createNamespace, eventually, kube, startWorker, temporalClient } from './support.js';

// A run that continues-as-new (patch `short-runs`) tells the next run how its last wait ended. The next
// run's first pass then reads as a pass of the same run would have: the worker's cache after a quiet wait,
// the cache once it shows the named changes after a watch's signal, the API after a signal that names
// nothing. Before it, every run's first pass read the API.

type History = temporal.api.history.v1.IHistoryEvent[];

/** An activity's type, or `local <type>` for a local activity's marker; undefined for other events. */
function step(e: temporal.api.history.v1.IHistoryEvent): string | undefined {
  if (e.activityTaskScheduledEventAttributes?.activityType?.name) return e.activityTaskScheduledEventAttributes.activityType.name;
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return undefined;
  const data = marker.details?.data?.payloads?.[0]?.data;
  return `local ${(JSON.parse(Buffer.from(data ?? new Uint8Array()).toString('utf8')) as { activity_type: string }).activity_type}`;
}

/** A run's input and its first observation. */
interface RunStart {
  runId: string;
  input: ReadOnlyPoolInput;
  firstObservation?: string;
}

function runStart(runId: string, events: History): RunStart {
  const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
  const input = JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8')) as ReadOnlyPoolInput;
  return { runId, input, firstObservation: events.flatMap((e) => step(e) ?? []).find((s) => s.endsWith('observePoolLean')) };
}

describe('the first pass of a continued run', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;
  const handles: WorkflowHandle<typeof readOnlyPoolWorkflow>[] = [];

  const poolPath = (name: string): string => `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/${name}`;
  const createPool = (name: string) => kube().apply<{ metadata: { resourceVersion: string } }>(poolPath(name), {
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
    spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
  });
  const start = async (name: string, intervalSeconds: number): Promise<WorkflowHandleWithFirstExecutionRunId<typeof readOnlyPoolWorkflow>> => {
    const handle = await client.workflow.start(readOnlyPoolWorkflow, {
      workflowId: workflowId('readonlypool', { namespace, name }), taskQueue: worker.taskQueue, args: [{ namespace, name, intervalSeconds, passesPerRun: 1 }],
    });
    handles.push(handle);
    return handle;
  };
  /** The start of the run after `runId`, once it has observed. */
  const nextRun = async (handle: WorkflowHandle<typeof readOnlyPoolWorkflow>, runId: string): Promise<RunStart> => eventually(async () => {
    const current = (await client.workflow.getHandle(handle.workflowId).describe()).runId;
    return runStart(current, (await client.workflow.getHandle(handle.workflowId, current).fetchHistory()).events ?? []);
  }, (run) => run.runId !== runId && run.firstObservation !== undefined, 30_000, `a run after ${runId} that observed`);
  const currentRun = async (handle: WorkflowHandle<typeof readOnlyPoolWorkflow>): Promise<string> => (await client.workflow.getHandle(handle.workflowId).describe()).runId;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('continued');
  });
  afterAll(async () => {
    for (const handle of handles) await handle.terminate('test done').catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
    if (namespace) await kube().delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
  });

  it('reads the worker\'s cache after a wait that the requeue time ended', async () => {
    await createPool('quiet');
    const handle = await start('quiet', 1);
    // The workflow's start reads the API; so does each run after one that wrote. Once the pool is steady,
    // a run follows a quiet wait.
    const firstRun = client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const first = await eventually(async () => runStart(handle.firstExecutionRunId, (await firstRun.fetchHistory()).events ?? []), (run) => run.firstObservation !== undefined, 30_000, 'the first run observing');
    expect(first.input.continued).toBeUndefined();
    expect(first.firstObservation).toBe('observePoolLean');
    const quiet = await eventually(async () => {
      const runId = await currentRun(handle);
      return nextRun(handle, runId);
    }, (run) => run.input.continued?.signalled === false, 60_000, 'a run continued after a quiet wait');
    expect(quiet.firstObservation).toBe('local observePoolLean');
    expect(quiet.input.passesPerRun).toBe(1);
    // Its query counts the passes from the workflow's start: each run of one pass adds one.
    const before = quiet.input.passesBefore ?? 0;
    expect(before).toBeGreaterThan(1);
    expect((await client.workflow.getHandle(handle.workflowId, quiet.runId).query(statusQuery)).iterations).toBe(before + 1);
  });

  it('reads the API after a signal that names nothing, and the cache once it shows the changes a signal names', async () => {
    const written = await createPool('signalled');
    // A long interval: only signals end a run's wait, and each run makes one pass.
    const handle = await start('signalled', 600);
    const waiting = (runId: string) => eventually(() => client.workflow.getHandle(handle.workflowId, runId).fetchHistory(),
      (h) => (h.events ?? []).some((e) => e.timerStartedEventAttributes), 30_000, `run ${runId} waiting`);
    // Until a pass writes nothing (after a write, the next run reads the API whatever woke it).
    let runId = await currentRun(handle);
    await eventually(async () => {
      await waiting(runId);
      await client.workflow.getHandle(handle.workflowId).signal(resourceChangedSignal);
      runId = (await nextRun(handle, runId)).runId;
      await waiting(runId);
      return client.workflow.getHandle(handle.workflowId, runId).query(statusQuery);
    }, (view) => view.fresh === 1 && view.lastApplied.length === 0, 90_000, 'a pass that writes nothing');

    await client.workflow.getHandle(handle.workflowId).signal(resourceChangedSignal);
    const unnamed = await nextRun(handle, runId);
    expect(unnamed.input.continued).toEqual({ signalled: true });
    expect(unnamed.firstObservation).toBe('observePoolLean');

    await waiting(unnamed.runId);
    expect((await client.workflow.getHandle(handle.workflowId, unnamed.runId).query(statusQuery)).lastApplied).toEqual([]);
    const change = { path: poolPath('signalled'), resourceVersion: written.metadata.resourceVersion };
    await client.workflow.getHandle(handle.workflowId).signal(resourceChangedSignal, { changes: [change] });
    const named = await nextRun(handle, unnamed.runId);
    expect(named.input.continued).toEqual({ signalled: true, changes: [change] });
    expect(named.firstObservation).toBe('local observePoolLean');
  });
});
