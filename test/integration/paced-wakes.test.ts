import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { workflowId } from '../../domain/names.js';
import { startPoolTrigger } from '../../worker/resource-triggers.js';
import { WakePacer } from '../../worker/wake-pacer.js';
import { archiveUrl, createNamespace, eventually, kube, mergePatch, startWorker, temporalClient, workerKube } from './support.js';

// The trigger paces wake-ups that waited out their debounce window (a new leader's relist, a fleet created at
// once), but an edit of a resource wakes its workflow at once, ahead of that backlog: a spec change must not
// wait behind 1,000 pools' start-ups.
const POOLS = 6;
/** One wake-up every 4 s after the first: the backlog of 6 creations takes 20 s to drain. */
const WAKES_PER_SECOND = 0.25;

describe('paced wake-ups against the local API server', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  const pacer = new WakePacer(WAKES_PER_SECOND, 1);
  let ns: string;
  const poolPath = (name: string): string => `/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/${name}`;
  const names = Array.from({ length: POOLS }, (_, i) => `p${i}`);

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('paced');
    stopTrigger = startPoolTrigger(workerKube(), client, {
      namespaces: [ns], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 3600 }, log: () => undefined, pacer,
    });
  });
  afterAll(async () => {
    stopTrigger?.();
    pacer.clear();
    await worker?.stop();
    await client?.connection.close();
  });

  /** When the pool's workflow started, or undefined while it has none. */
  const startedAt = async (name: string): Promise<number | undefined> => {
    const described = await client.workflow.getHandle(workflowId('readonlypool', { namespace: ns, name })).describe().catch(() => undefined);
    return described?.startTime.getTime();
  };

  it('starts created pools one per token, and a pool edited meanwhile at once, ahead of the backlog', async () => {
    for (const name of names) {
      await kube().apply(poolPath(name), {
        apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name, namespace: ns },
        spec: { network: 'Testnet', minReplicas: 1, maxReplicas: 1, targetReplicas: 1, historyArchiveUrls: [archiveUrl('testnet')], storage: { size: '1Gi' } },
      });
    }
    const last = names[POOLS - 1] as string;
    // The creations wait out the debounce window, then queue at the pacer; this edit goes at once.
    await eventually(() => startedAt(names[0] as string), (t) => t !== undefined, 30_000, `the first pool's workflow in ${ns}`);
    const editedAt = Date.now();
    await mergePatch(poolPath(last), { spec: { maxReplicas: 2 } });
    const lastStarted = await eventually(() => startedAt(last), (t) => t !== undefined, 30_000, `the edited pool ${ns}/${last}'s workflow`);
    const starts = await eventually(async () => Promise.all(names.map(startedAt)), (all) => all.every((t) => t !== undefined), 60_000, `every pool's workflow in ${ns}`) as number[];

    // The edited pool started within seconds of its edit, before the pools created ahead of it.
    expect((lastStarted as number) - editedAt).toBeLessThan(3000);
    const others = starts.slice(0, POOLS - 1);
    expect(others.filter((t) => t > (lastStarted as number)).length).toBeGreaterThanOrEqual(2);
    // The others went one per token: the backlog took at least (POOLS - 2) more tokens after the first.
    const sorted = [...others].sort((a, b) => a - b);
    expect((sorted[sorted.length - 1] as number) - (sorted[0] as number)).toBeGreaterThanOrEqual(((POOLS - 3) * 1000) / WAKES_PER_SECOND);
  });
});
