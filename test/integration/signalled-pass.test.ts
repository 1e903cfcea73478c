import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { workflowId } from '../../domain/names.js';
import type { ObjectChange } from '../../domain/object-change.js';
import { createPoolActivities } from '../../activities/pool-activities.js';
import { resourceChangedSignal, statusQuery } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, kube, startWorker, temporalClient, workerKube } from './support.js';

// A pass that a watch's signal woke, naming the changed objects at their resourceVersions, reads the
// worker's cache once the cache shows them (a local activity), and applies within the same workflow task
// (a local activity too), so a spec change reaches the StatefulSet with no activity. A signal that names nothing, or a change the cache does not show within
// 1 s, makes the pass read the API with an activity, as before.

type Versioned = { metadata: { resourceVersion: string } };
type Sts = { spec: { template: { spec: { containers: { image: string }[] } } } };

describe('a pass woken by named changes', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;
  let handle: WorkflowHandle<typeof readOnlyPoolWorkflow>;
  let stopTrigger: (() => void) | undefined;

  const poolPath = (): string => `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/named`;
  const stsPath = (): string => `/apis/apps/v1/namespaces/${namespace}/statefulsets/named`;
  const manifest = (version: string) => ({
    apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'named', namespace },
    spec: { network: 'Testnet', version, minReplicas: 1, maxReplicas: 1, targetReplicas: 1, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
  });
  const image = async (): Promise<string | undefined> => (await kube().getOptional<Sts>(stsPath()))?.spec.template.spec.containers[0]?.image;

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    namespace = await createNamespace('named');
    await kube().apply(poolPath(), manifest('v0'));
    // A long interval: only signals wake passes, so each pass below is the one its signal caused.
    handle = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: workflowId('readonlypool', { namespace, name: 'named' }), taskQueue: worker.taskQueue, args: [{ namespace, name: 'named', intervalSeconds: 600 }] });
    await settle(90_000);
  });
  afterAll(async () => {
    stopTrigger?.();
    await handle?.terminate('test done').catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
    if (namespace) await kube().delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
  });

  /**
   * Wakes passes until one writes nothing, then waits until no pass runs: a pass the last wake-ups left
   * could otherwise read what the next test writes.
   */
  async function settle(timeoutMs: number): Promise<void> {
    const passes = (await handle.query(statusQuery)).iterations;
    await eventually(async () => {
      await handle.signal(resourceChangedSignal);
      return handle.query(statusQuery);
    }, (v) => v.iterations > passes && v.fresh === 1 && v.lastApplied.length === 0, timeoutMs, 'a pass that writes nothing');
    await eventually(async () => {
      const before = (await handle.query(statusQuery)).iterations;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return (await handle.query(statusQuery)).iterations === before;
    }, (quiet) => quiet, timeoutMs, 'no pass running');
  }

  /** An activity's type, or `local <type>` for a local activity's marker; undefined for other events. */
  const step = (e: temporal.api.history.v1.IHistoryEvent): string | undefined => {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name) return e.activityTaskScheduledEventAttributes.activityType.name;
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') return undefined;
    const data = marker.details?.data?.payloads?.[0]?.data;
    return `local ${(JSON.parse(Buffer.from(data ?? new Uint8Array()).toString('utf8')) as { activity_type: string }).activity_type}`;
  };

  /**
   * The activities and local activities `signal` led to, up to the apply, read once the StatefulSet shows
   * `version` and the apply is recorded (a local one is recorded when its workflow task completes).
   */
  async function activitiesUntil(version: string, signal: () => Promise<void>): Promise<string[]> {
    const from = (await handle.fetchHistory()).events?.length ?? 0;
    await signal();
    await eventually(image, (i) => i === `stellar/stellar-core:${version}`, 30_000, `the StatefulSet at ${version}`);
    const steps = await eventually(async () => ((await handle.fetchHistory()).events ?? []).slice(from).flatMap((e) => step(e) ?? []),
      (types) => types.some((t) => t.endsWith('applyPool')), 30_000, 'the apply in the history');
    // What led to the apply (Events of the rollout may be recorded after it).
    return steps.slice(0, steps.findIndex((t) => t.endsWith('applyPool')) + 1);
  }

  const change = (written: Versioned, resourceVersion = written.metadata.resourceVersion): ObjectChange => ({ path: poolPath(), resourceVersion });

  it('a spec change the signal names takes no activity: it is observed and applied within one workflow task', async () => {
    const written = await kube().apply<Versioned>(poolPath(), manifest('v1'));
    expect(await activitiesUntil('v1', () => handle.signal(resourceChangedSignal, { changes: [change(written)] }))).toEqual(['local observePoolLean', 'local applyPool']);
  });

  it('a signal that names nothing reads the API first', async () => {
    await kube().apply(poolPath(), manifest('v2'));
    expect(await activitiesUntil('v2', () => handle.signal(resourceChangedSignal))).toEqual(['observePoolLean', 'local applyPool']);
  });

  it('a change the cache does not show within 1 s reads the API first', async () => {
    // A pass that writes nothing first: the pass after a write reads the API whatever the signal names.
    // (The rollout's new pod takes its labels in a pass of its own.)
    await settle(30_000);
    const from = (await handle.fetchHistory()).events?.length ?? 0;
    const written = await kube().apply<Versioned>(poolPath(), manifest('v3'));
    const future = String(BigInt(written.metadata.resourceVersion) + 1_000_000n);
    expect(await activitiesUntil('v3', () => handle.signal(resourceChangedSignal, { changes: [change(written, future)] }))).toEqual(['local observePoolLean', 'observePoolLean', 'local applyPool']);
    // The local observation (its marker records the failure) waited its 1 s for the cache.
    const added = ((await handle.fetchHistory()).events ?? []).slice(from);
    const at = (e: temporal.api.history.v1.IHistoryEvent | undefined): number => Number(e?.eventTime?.seconds ?? 0) * 1000 + Math.floor((e?.eventTime?.nanos ?? 0) / 1e6);
    const signalled = added.find((e) => e.workflowExecutionSignaledEventAttributes);
    const read = added.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'observePoolLean');
    expect(at(read) - at(signalled)).toBeGreaterThanOrEqual(1000);
  });

  it('a spec change right after a write reads the cache once it shows that write, and applies within the same task', async () => {
    const first = await kube().apply<Versioned>(poolPath(), manifest('v5'));
    await activitiesUntil('v5', () => handle.signal(resourceChangedSignal, { changes: [change(first)] }));
    const second = await kube().apply<Versioned>(poolPath(), manifest('v6'));
    expect(await activitiesUntil('v6', () => handle.signal(resourceChangedSignal, { changes: [change(second)] }))).toEqual(['local observePoolLean', 'local applyPool']);
  });

  it('a cached observation waits for the cache to show the pool\'s writes, and refuses a path outside its namespace', async () => {
    const activities = createPoolActivities(workerKube(), undefined, worker.cache);
    const sts = await kube().request<Versioned>('GET', stsPath());
    const observe = (written: ObjectChange[]) => activities.observePoolLean({ ref: { namespace, name: 'named' }, fresh: false, owned: [], written });
    expect(await observe([{ path: stsPath(), resourceVersion: sts.metadata.resourceVersion }])).toEqual(expect.objectContaining({ v: 1 }));
    const future = String(BigInt(sts.metadata.resourceVersion) + 1_000_000n);
    const started = Date.now();
    await expect(observe([{ path: stsPath(), resourceVersion: future }])).rejects.toThrow(`the worker's cache does not show its write of ${stsPath()} (resourceVersion ${future}) yet; reading the API`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    await expect(observe([{ path: '/api/v1/namespaces/kube-system/secrets/x', resourceVersion: '1' }])).rejects.toThrow('is not in its namespace; reading the API');
  });

  it('a signal that also names an object outside the pool\'s watches (a Secret) reads the API, and the cache starts no watch of it', async () => {
    await settle(30_000);
    const collections = worker.cache.stats().collections;
    const written = await kube().apply<Versioned>(poolPath(), manifest('v7'));
    const secret = { path: `/api/v1/namespaces/${namespace}/secrets/seed`, resourceVersion: written.metadata.resourceVersion };
    expect(await activitiesUntil('v7', () => handle.signal(resourceChangedSignal, { changes: [change(written), secret] }))).toEqual(['local observePoolLean', 'observePoolLean', 'local applyPool']);
    expect(worker.cache.stats().collections).toBe(collections);
  });

  it('the watches name the changed object and its resourceVersion in their signal', async () => {
    stopTrigger = startPoolTrigger(workerKube(), client, { namespaces: [namespace], taskQueue: worker.taskQueue, log: () => undefined });
    const written = await kube().apply<Versioned>(poolPath(), manifest('v4'));
    const signalled = async (): Promise<unknown[]> => ((await handle.fetchHistory()).events ?? [])
      .flatMap((e) => (e.workflowExecutionSignaledEventAttributes?.signalName === resourceChangedSignal.name ? e.workflowExecutionSignaledEventAttributes.input?.payloads ?? [] : []))
      .map((p) => JSON.parse(Buffer.from(p.data ?? new Uint8Array()).toString('utf8')) as unknown);
    const names = (payload: unknown): boolean => ((payload as { changes?: ObjectChange[] }).changes ?? []).some((c) => JSON.stringify(c) === JSON.stringify(change(written)));
    await eventually(signalled, (payloads) => payloads.some(names), 30_000, 'a signal naming the pool at its new resourceVersion');
    await eventually(image, (i) => i === 'stellar/stellar-core:v4', 30_000, 'the StatefulSet at v4');
  });
});
