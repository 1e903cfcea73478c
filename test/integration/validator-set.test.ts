import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { startValidatorTrigger } from '../../worker/resource-triggers.js';
import { peersQuery, resyncSignal } from '../../workflows/contract.js';
import { createNamespace, eventually, historyText, kube, listPods, mergePatch, setScenario, stack, startWorker, temporalClient, workerKube } from './support.js';

const SEED = 'SBSECRETSEEDVALUEFORTESTSONLYDONOTLEAKXXXXXXXXXXXXXXXXXXX';
const PEERS = '/api/v1/namespaces/stellar-system/configmaps/stellar-peers';

interface ConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
}

interface Connect {
  pod: string;
  peer: string;
  port: number;
}

async function connects(namespace: string, node: string): Promise<Connect[]> {
  const simulator = stack().simulator;
  if (!simulator) throw new Error('needs the simulator');
  const response = await fetch(`${simulator.controlUrl}/_sim/connects?pod=${namespace}/${node}-0`);
  return (await response.json()) as Connect[];
}

const dns = (ns: string, name: string) => `${name}-0.${name}-hl.${ns}.svc.cluster.local`;

describe('validator set on the local stack: peer discovery, shared ConfigMap and /connect pushes', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let ns: string;

  const validator = async (name: string, network = 'Mainnet') => {
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/${name}`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name, namespace: ns },
      spec: { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: 'seed' } } },
    });
  };
  const peersOf = async (slug: string) => (await kube().getOptional<ConfigMap>(PEERS))?.data?.[`peers-${slug}.txt`] ?? '';

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('val');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: { seed: SEED } });
    stopTrigger = startValidatorTrigger(workerKube(), client, { taskQueue: worker.taskQueue, inputDefaults: { resyncSeconds: 2 }, log: () => undefined });
  });
  afterAll(async () => {
    stopTrigger?.();
    // These workflows ran on this file's own task queue; leaving them running would strand later
    // signal-with-starts of the same IDs (the demo's Testnet validators) on a queue nobody polls.
    for (const id of ['validator-set/mainnet', 'validator-set/testnet']) await client?.workflow.getHandle(id).terminate().catch(() => undefined);
    await worker?.stop();
    await client?.connection.close();
  });

  it('three validators discover each other; a fourth is pushed to the healthy ones; an unhealthy one gets it once healthy', async () => {
    for (const name of ['v1', 'v2', 'v3']) await validator(name);
    await eventually(() => peersOf('mainnet'), (txt) => ['v1', 'v2', 'v3'].every((n) => txt.includes(dns(ns, n))), 60_000, 'three mainnet peers');
    await eventually(() => listPods(ns, 'stellar.org/node'), (pods) => pods.length === 3 && pods.every((p) => p.status?.phase === 'Running'), 60_000, 'three validator pods');
    await eventually(() => connects(ns, 'v1'), (c) => c.some((x) => x.peer === dns(ns, 'v2')) && c.some((x) => x.peer === dns(ns, 'v3')), 30_000, 'v1 told of v2 and v3');
    const config = await kube().request<ConfigMap>('GET', `/api/v1/namespaces/${ns}/configmaps/v1-config`);
    expect(config.data?.['stellar-core.cfg']).toContain(`KNOWN_PEERS=["${dns(ns, 'v2')}:11625", "${dns(ns, 'v3')}:11625"]`);

    await setScenario(ns, 'v3-0', 'booting');
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await validator('v4');
    await eventually(() => peersOf('mainnet'), (txt) => txt.includes(dns(ns, 'v4')), 30_000, 'v4 in the ConfigMap');
    for (const name of ['v1', 'v2']) {
      await eventually(() => connects(ns, name), (c) => c.some((x) => x.peer === dns(ns, 'v4') && x.port === 11625), 30_000, `${name} told of v4`);
    }
    expect((await connects(ns, 'v3')).some((x) => x.peer === dns(ns, 'v4'))).toBe(false);
    // The view is updated at the end of an iteration, after the pushes the test just saw.
    const view = await eventually(() => client.workflow.getHandle('validator-set/mainnet').query(peersQuery), (v) => (v.pending[`${ns}/v3`] ?? []).includes(dns(ns, 'v4')), 15_000, 'v4 pending for v3');
    expect(view.told[`${ns}/v3`] ?? []).not.toContain(dns(ns, 'v4'));

    await setScenario(ns, 'v3-0', 'synced');
    await eventually(() => connects(ns, 'v3'), (c) => c.some((x) => x.peer === dns(ns, 'v4')), 30_000, 'v3 told of v4 after turning healthy');
  });

  it('a Testnet validator never appears among Mainnet peers', async () => {
    await validator('t1', 'Testnet');
    await eventually(() => peersOf('testnet'), (txt) => txt.includes(dns(ns, 't1')), 30_000, 'testnet peer');
    expect(await peersOf('mainnet')).not.toContain(dns(ns, 't1'));
    expect((await connects(ns, 'v1')).some((x) => x.peer === dns(ns, 't1'))).toBe(false);
  });

  it('suspending or deleting a validator removes it from the peers', async () => {
    await mergePatch(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v2`, { spec: { suspended: true } });
    await eventually(() => peersOf('mainnet'), (txt) => !txt.includes(dns(ns, 'v2')), 30_000, 'v2 gone after suspend');
    await kube().delete(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v4`);
    await eventually(() => peersOf('mainnet'), (txt) => !txt.includes(dns(ns, 'v4')) && txt.includes(dns(ns, 'v1')), 30_000, 'v4 gone after delete');
  });

  it('a no-op pass leaves the shared ConfigMap untouched, and no seed appears in the workflow history', async () => {
    const handle = client.workflow.getHandle('validator-set/mainnet');
    const before = await kube().request<ConfigMap>('GET', PEERS);
    const iterations = (await handle.query(peersQuery)).iterations;
    await handle.signal(resyncSignal);
    await eventually(() => handle.query(peersQuery), (v) => v.iterations >= iterations + 2, 30_000, 'two more iterations');
    expect((await kube().request<ConfigMap>('GET', PEERS)).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    const history = await historyText(client, 'validator-set/mainnet');
    expect(history).toContain('seeds');
    expect(history).not.toContain(SEED);
  });
});
