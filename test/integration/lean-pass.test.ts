import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { workflowId } from '../../domain/names.js';
import { statusQuery } from '../../workflows/contract.js';
import { readOnlyPoolWorkflow } from '../../workflows/readonlypool.js';
import { archiveUrl, createNamespace, eventually, kube, RequestLog, startWorker, temporalClient, workerKube } from './support.js';

// A steady ReadOnlyPool pass is lean: one local activity (a marker event), at most 9 history events and
// 2 KiB of history, and no API request (the worker's cache answers). It is still level-based: a change
// another manager makes to an owned object, or a deleted owned object, is seen and undone.

const EventType = temporal.api.enums.v1.EventType;
const WINDOW_MS = 5000;

describe('a steady pool pass is lean', () => {
  let client: Client;
  let counting: RequestLog;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let namespace: string;

  beforeAll(async () => {
    client = await temporalClient();
    counting = new RequestLog(workerKube().config);
    worker = await startWorker(counting);
    namespace = await createNamespace('lean');
  });
  afterAll(async () => {
    await worker?.stop();
    await client?.connection.close();
  });

  const poolPath = (name: string): string => `/apis/stellar.org/v1alpha1/namespaces/${namespace}/readonlypools/${name}`;

  async function settledPool(name: string, input: { ledgerRefreshSeconds?: number } = {}) {
    await kube().apply(poolPath(name), {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace },
      spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1, loadBalancing: { lagThreshold: 50 }, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
    });
    // One run through the window: these tests slice one run's history (a run continues-as-new after 25
    // passes, 25 s here; the scale bench counts continue-as-new's own events, continued-runs.test its reads).
    const handle = await client.workflow.start(readOnlyPoolWorkflow, { workflowId: workflowId('readonlypool', { namespace, name }), taskQueue: worker.taskQueue, args: [{ namespace, name, intervalSeconds: 1, passesPerRun: 1000, ...input }] });
    await eventually(() => handle.query(statusQuery), (v) => v.fresh === 1 && v.lastApplied.length === 0 && v.iterations > 4, 90_000, 'a settled pool');
    return handle;
  }

  it('records one local activity, at most 9 events and 2 KiB per steady pass, and sends no API request', async () => {
    const handle = await settledPool('steady');
    const before = await handle.fetchHistory();
    const passesBefore = (await handle.query(statusQuery)).iterations;
    counting.requests = [];
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const requests = [...counting.requests];
    const passes = (await handle.query(statusQuery)).iterations - passesBefore;
    const after = await handle.fetchHistory();
    const added = (after.events ?? []).slice((before.events ?? []).length);
    const bytes = added.reduce((sum, event) => sum + temporal.api.history.v1.HistoryEvent.encode(event).finish().length, 0);
    const types = added.map((event) => event.eventType);

    expect(passes).toBeGreaterThanOrEqual(3);
    expect(requests).toEqual([]);
    expect(types).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    // One marker per pass: the local observation (a pass that ran while the window closed may add one).
    const markers = types.filter((t) => t === EventType.EVENT_TYPE_MARKER_RECORDED).length;
    expect(markers).toBeGreaterThanOrEqual(passes - 1);
    expect(markers).toBeLessThanOrEqual(passes + 1);
    expect(added.length / passes).toBeLessThanOrEqual(9);
    expect(bytes / passes).toBeLessThanOrEqual(2048);
    await handle.terminate('test done');
  });

  it('writes a changed status within the workflow task: a marker per write, no activity, within the same bounds', async () => {
    // A ledger refresh on every pass: each pass whose replicas' ledger moved (every few seconds) writes status.
    const handle = await settledPool('refresh', { ledgerRefreshSeconds: 0 });
    const before = await handle.fetchHistory();
    const view = await handle.query(statusQuery);
    const statusPath = poolPath('refresh');
    const ledgerBefore = (await kube().request<{ status?: { replicaWeights?: { ledgerSequence?: number }[] } }>('GET', statusPath)).status?.replicaWeights?.[0]?.ledgerSequence;
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS));
    // The query first, as in the test above: a pass (and its write) that ends between the two readings is
    // then in the history as well as in the counts, never in the counts alone.
    const viewAfter = await handle.query(statusQuery);
    const after = await handle.fetchHistory();
    const passes = viewAfter.iterations - view.iterations;
    const writes = viewAfter.statusWrites - view.statusWrites;
    const added = (after.events ?? []).slice((before.events ?? []).length);
    const bytes = added.reduce((sum, event) => sum + temporal.api.history.v1.HistoryEvent.encode(event).finish().length, 0);
    const types = added.map((event) => event.eventType);

    expect(writes).toBeGreaterThanOrEqual(1);
    expect(types).not.toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED);
    expect(types.filter((t) => t === EventType.EVENT_TYPE_MARKER_RECORDED).length).toBeGreaterThanOrEqual(passes - 1 + writes);
    expect(added.length / passes).toBeLessThanOrEqual(9);
    expect(bytes / passes).toBeLessThanOrEqual(2048);
    // The Web UI still reads the write as what it did: its summary is on the local activity's marker.
    const summaries = added.filter((e) => e.eventType === EventType.EVENT_TYPE_MARKER_RECORDED && e.userMetadata?.summary?.data)
      .map((e) => JSON.parse(Buffer.from(e.userMetadata?.summary?.data ?? new Uint8Array()).toString('utf8')) as string);
    expect(summaries.filter((text) => text.startsWith('status: ')).length).toBeGreaterThanOrEqual(Math.max(1, writes - 1));
    // The write reached the resource: its replicas' ledger moved on.
    const ledgerAfter = (await kube().request<{ status?: { replicaWeights?: { ledgerSequence?: number }[] } }>('GET', statusPath)).status?.replicaWeights?.[0]?.ledgerSequence;
    expect(ledgerAfter).toBeGreaterThan(ledgerBefore ?? 0);
    await handle.terminate('test done');
  });

  it('undoes another manager\'s change of an owned StatefulSet and re-creates a deleted ConfigMap', async () => {
    const handle = await settledPool('drift');
    const statefulSet = `/apis/apps/v1/namespaces/${namespace}/statefulsets/drift`;
    // `kubectl scale` as another manager: Steward's fingerprint of the StatefulSet changes.
    await kube().request('PATCH', statefulSet, { body: { spec: { replicas: 3 } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-scale' } });
    await eventually(() => kube().request<{ spec: { replicas: number } }>('GET', statefulSet), (s) => s.spec.replicas === 1, 30_000, 'the StatefulSet back at 1 replica');
    const configMaps = await kube().request<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces/${namespace}/configmaps`, { query: { labelSelector: 'stellar.org/pool=drift' } });
    const config = configMaps.items.map((c) => c.metadata.name).find((n) => n.startsWith('drift'));
    expect(config).toBeDefined();
    await kube().delete(`/api/v1/namespaces/${namespace}/configmaps/${config}`);
    await eventually(() => kube().getOptional(`/api/v1/namespaces/${namespace}/configmaps/${config}`), (c) => c !== undefined, 30_000, 'the ConfigMap re-created');
    await handle.terminate('test done');
  });
});
