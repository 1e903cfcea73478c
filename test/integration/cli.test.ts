import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TASK_QUEUE } from '../../domain/names.js';
import { createWorker } from '../../worker/worker.js';
import { createNamespace, kube, stack, temporalClient } from './support.js';

const BIN = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'bin', 'steward.js');

function steward(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { ...process.env, TEMPORAL_ADDRESS: stack().temporal.address, ...env }, timeout: 60_000 }, (error, out, err) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, out, err });
    });
  });
}

describe('the steward CLI against the local stack', () => {
  let stopWorker: () => Promise<void>;
  let ns: string;

  beforeAll(async () => {
    const { address, namespace } = stack().temporal;
    const worker = await createWorker({ address, namespace, connection: { address } }, { kube: kube() }, TASK_QUEUE);
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
    };
    ns = await createNamespace('cli');
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/p`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', metadata: { name: 'p', namespace: ns },
      spec: { network: 'Testnet', minReplicas: 1, targetReplicas: 1, loadBalancing: { updateIntervalSeconds: 1 } },
    });
  });
  afterAll(async () => {
    await stopWorker?.();
  });

  it('start, status, signal, list and stop a pool workflow, each printing its Web UI link', async () => {
    const start = await steward(['start', 'pool', `${ns}/p`]);
    expect(start).toEqual(expect.objectContaining({ code: 0 }));
    expect(start.out).toContain(`workflow readonlypool/${ns}/p running`);
    expect(start.out).toContain(`/workflows/${encodeURIComponent(`readonlypool/${ns}/p`)}`);

    let status = await steward(['status', 'pool', `${ns}/p`]);
    for (let i = 0; i < 50 && !status.out.includes(`${ns}/p`); i += 1) status = await steward(['status', 'pool', `${ns}/p`]);
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/REPLICA\s+FRESH\s+WEIGHT/);
    const json = JSON.parse((await steward(['status', 'pool', `${ns}/p`, '--json'])).out) as { namespace: string; iterations: number };
    expect(json.namespace).toBe(ns);

    expect((await steward(['signal', 'rebalance', 'pool', `${ns}/p`])).code).toBe(0);
    const client = await temporalClient();
    const found: string[] = [];
    for await (const w of client.workflow.list({ query: `StewardKind = 'readonlypool' AND StewardNamespace = '${ns}' AND StewardName = 'p'` })) found.push(w.workflowId);
    await client.connection.close();
    expect(found).toEqual([`readonlypool/${ns}/p`]);
    expect((await steward(['list'])).out).toContain(`readonlypool/${ns}/p`);
    expect((await steward(['stop', 'pool', `${ns}/p`])).code).toBe(0);
    const after = await steward(['status', 'pool', `${ns}/p`]);
    expect(after.code).toBe(3);
    expect(after.err).toContain('is not running');
  });

  it.each([
    [['status', 'pool', 'no-slash'], 2, /expected <namespace>\/<name>/],
    [['signal', 'explode', 'pool', 'a/b'], 2, /signal needs one of rebalance/],
    [['frobnicate'], 2, /unknown command 'frobnicate'/],
    [['status', 'pool', 'nowhere/none'], 3, /workflow readonlypool\/nowhere\/none is not running: start it with 'steward start pool nowhere\/none'/],
  ])('%j exits %i saying what is wrong', async (args, code, message) => {
    const result = await steward(args);
    expect(result.code).toBe(code);
    expect(result.err).toMatch(message);
  });

  it('says Temporal is unreachable and what to do, with exit code 1', async () => {
    const result = await steward(['list'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/cannot reach Temporal at 127.0.0.1:1 .*steward stack up/);
  });
});
