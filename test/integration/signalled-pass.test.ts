import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { workflowId } from '../../domain/names.js';
import type { ObjectChange } from '../../domain/object-change.js';
import { resourceChangedSignal, statusQuery } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { archiveUrl, createNamespace, eventually, kube, startWorker, temporalClient, workerKube } from './support.js';

// A pass that a watch's signal woke, naming the changed objects at their resourceVersions, reads the
// worker's cache once the cache shows them (a local activity), so a spec change reaches the StatefulSet
// with one activity, the apply. A signal that names nothing, or a change the cache does not show within
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
    await eventually(async () => {
      await handle.signal(resourceChangedSignal);
      return handle.query(statusQuery);
    }, (v) => v.fresh === 1 && v.lastApplied.length === 0, 90_000, 'a settled pool');
  });
  afterAll(async () => {
    stopTrigger?.();
    await handle?.terminate('test done').catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
    if (namespace) await kube().delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
  });

  /** The activity types `signal` led to, up to the apply, read once the StatefulSet shows `version` (the apply is scheduled before it writes). */
  async function activitiesUntil(version: string, signal: () => Promise<void>): Promise<string[]> {
    const from = (await handle.fetchHistory()).events?.length ?? 0;
    await signal();
    await eventually(image, (i) => i === `stellar/stellar-core:${version}`, 30_000, `the StatefulSet at ${version}`);
    const added: temporal.api.history.v1.IHistoryEvent[] = ((await handle.fetchHistory()).events ?? []).slice(from);
    const types = added.flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
    // What led to the apply (Events of the rollout may be recorded after it).
    return types.slice(0, types.indexOf('applyPool') + 1);
  }

  const change = (written: Versioned, resourceVersion = written.metadata.resourceVersion): ObjectChange => ({ path: poolPath(), resourceVersion });

  it('a spec change the signal names takes one activity, the apply', async () => {
    const written = await kube().apply<Versioned>(poolPath(), manifest('v1'));
    expect(await activitiesUntil('v1', () => handle.signal(resourceChangedSignal, { changes: [change(written)] }))).toEqual(['applyPool']);
  });

  it('a signal that names nothing reads the API first', async () => {
    await kube().apply(poolPath(), manifest('v2'));
    expect(await activitiesUntil('v2', () => handle.signal(resourceChangedSignal))).toEqual(['observePoolLean', 'applyPool']);
  });

  it('a change the cache does not show within 1 s reads the API first', async () => {
    const written = await kube().apply<Versioned>(poolPath(), manifest('v3'));
    const future = String(BigInt(written.metadata.resourceVersion) + 1_000_000n);
    expect(await activitiesUntil('v3', () => handle.signal(resourceChangedSignal, { changes: [change(written, future)] }))).toEqual(['observePoolLean', 'applyPool']);
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
