import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { networkSlug } from '../../domain/network.js';
import { localSeed } from '../../stack/local-seeds.js';
import { startValidatorTrigger } from '../../worker/resource-triggers.js';
import { peersQuery, resyncSignal } from '../../workflows/contract.js';
import { allow, refuse } from './admission.js';
import { createNamespace, eventually, historyText, kube, listPods, mergePatch, setScenario, stack, startWorker, temporalClient, workerKube } from './support.js';

// Each validator its own valid seed (the Secret's key named after it): the strict simulator refuses a
// config stellar-core would refuse, and two validators sharing a seed would be one node to stellar-core.
const NAMES = ['v1', 'v2', 'v3', 'v4', 't1'];
const SEEDS = Object.fromEntries(NAMES.map((name) => [name, localSeed(`stellar-steward validator-set test ${name}`)]));
const PEERS = '/api/v1/namespaces/stellar-system/configmaps/stellar-peers';

interface ConfigMap {
  metadata: { resourceVersion: string };
  data?: Record<string, string>;
}

interface Connect {
  pod: string;
  peer: string;
  port: number;
  outcome: string;
}

function simulatorUrl(): string {
  const simulator = stack().simulator;
  if (!simulator) throw new Error('needs the simulator');
  return simulator.controlUrl;
}

/** The /connect calls a validator's pod received (recorded by the simulator). */
async function connects(namespace: string, node: string): Promise<Connect[]> {
  const response = await fetch(`${simulatorUrl()}/_sim/connects?pod=${namespace}/${node}-0`);
  return (await response.json()) as Connect[];
}

/** The validators a validator's pod is connected to, as its stellar-core (simulated) /peers shows them. */
async function linkedTo(namespace: string, node: string): Promise<string[]> {
  const pods = (await (await fetch(`${simulatorUrl()}/_sim/pods`)).json()) as { pod: string; peers: string[] }[];
  return (pods.find((p) => p.pod === `${namespace}/${node}-0`)?.peers ?? []).map((p) => p.replace(/^[^/]+\//, '').replace(/-0$/, '')).sort();
}

const dns = (ns: string, name: string): string => `${name}-0.${name}-hl.${ns}.svc.cluster.local`;

/** Every /connect sent to a pod that was already connected to its peer (stellar-core logs these as internal bugs). */
async function duplicates(): Promise<Connect[]> {
  return ((await (await fetch(`${simulatorUrl()}/_sim/connects`)).json()) as Connect[]).filter((c) => c.outcome === 'already-connected');
}

describe('validator set on the local stack: peer discovery, shared ConfigMap and /connect pushes', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let ns: string;

  const validator = async (name: string, network = 'Mainnet') => {
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/${name}`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name, namespace: ns },
      spec: { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: name } } },
    });
  };
  const peersOf = async (slug: string) => (await kube().getOptional<ConfigMap>(PEERS))?.data?.[`peers-${slug}.txt`] ?? '';

  beforeAll(async () => {
    client = await temporalClient();
    worker = await startWorker();
    ns = await createNamespace('val');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: SEEDS });
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
    await eventually(() => linkedTo(ns, 'v1'), (peers) => peers.join() === 'v2,v3', 30_000, 'v1 connected to v2 and v3');
    await eventually(() => linkedTo(ns, 'v2'), (peers) => peers.join() === 'v1,v3', 30_000, 'v2 connected to v1 and v3');
    // Connections are made before the configs are applied in a pass: the config may follow a moment later.
    const knownPeers = `KNOWN_PEERS=["${dns(ns, 'v2')}:11625", "${dns(ns, 'v3')}:11625"]`;
    await eventually(() => kube().request<ConfigMap>('GET', `/api/v1/namespaces/${ns}/configmaps/v1-config`), (c) => (c.data?.['stellar-core.cfg'] ?? '').includes(knownPeers), 15_000, 'v1 config lists v2 and v3');

    await setScenario(ns, 'v3-0', 'booting');
    await eventually(() => linkedTo(ns, 'v3'), (peers) => peers.length === 0, 15_000, 'v3 loses its connections while booting');
    await validator('v4');
    await eventually(() => peersOf('mainnet'), (txt) => txt.includes(dns(ns, 'v4')), 30_000, 'v4 in the ConfigMap');
    for (const name of ['v1', 'v2']) {
      await eventually(() => connects(ns, name), (c) => c.some((x) => x.peer === dns(ns, 'v4') && x.port === 11625 && x.outcome === 'connected'), 30_000, `${name} told of v4`);
    }
    await eventually(() => linkedTo(ns, 'v4'), (peers) => peers.join() === 'v1,v2', 15_000, 'v4 connected to v1 and v2');
    expect((await connects(ns, 'v3')).some((x) => x.peer === dns(ns, 'v4'))).toBe(false);
    const view = await eventually(() => client.workflow.getHandle('validator-set/mainnet').query(peersQuery), (v) => (v.pending[`${ns}/v3`] ?? []).includes(dns(ns, 'v4')), 15_000, 'v4 pending for v3');
    expect(view.told[`${ns}/v3`] ?? []).not.toContain(dns(ns, 'v4'));

    await setScenario(ns, 'v3-0', 'synced');
    await eventually(() => linkedTo(ns, 'v3'), (peers) => peers.join() === 'v1,v2,v4', 30_000, 'v3 connected again to v1, v2 and v4 after turning healthy');
    const settled = await eventually(() => client.workflow.getHandle('validator-set/mainnet').query(peersQuery), (v) => Object.values(v.pending).every((p) => p.length === 0), 15_000, 'nothing pending');
    expect(settled.told[`${ns}/v3`]).toEqual([dns(ns, 'v1'), dns(ns, 'v2'), dns(ns, 'v4')]);
    expect(await duplicates()).toEqual([]);
  });

  it('a validator that lost its connections while its pod lived is connected again (level-based, not a memory of pushes)', async () => {
    // Booting again keeps the pod (same uid) but drops every connection, as a container restart does.
    await setScenario(ns, 'v1-0', 'booting');
    await eventually(() => linkedTo(ns, 'v1'), (peers) => peers.length === 0, 15_000, 'v1 disconnected');
    await setScenario(ns, 'v1-0', 'synced');
    await eventually(() => linkedTo(ns, 'v1'), (peers) => peers.join() === 'v2,v3,v4', 30_000, 'v1 connected again');
    expect(await duplicates()).toEqual([]);
  });

  it('the legacy keys peers.txt and peer_count hold the Mainnet peers only (the default legacy network)', async () => {
    const data = (await kube().request<ConfigMap>('GET', PEERS)).data ?? {};
    expect(data['peers.txt']).toBe(data['peers-mainnet.txt']);
    expect(data.peer_count).toBe(data['peer_count-mainnet']);
    expect(JSON.parse(data['peers-mainnet.json'] ?? '[]')).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'v1', namespace: ns, dnsName: dns(ns, 'v1'), port: 11625 })]));
  });

  it('a validator of another network never appears among Mainnet peers, nor in the legacy keys; its keys go with its last validator', async () => {
    const other = `Validator Test Network ; ${ns}`;
    const slug = networkSlug(other);
    await validator('t1', other);
    await eventually(() => peersOf(slug), (txt) => txt.includes(dns(ns, 't1')), 30_000, `${slug} peer`);
    const data = (await kube().request<ConfigMap>('GET', PEERS)).data ?? {};
    expect(data['peers-mainnet.txt']).not.toContain(dns(ns, 't1'));
    expect(data['peers.txt']).not.toContain(dns(ns, 't1'));
    expect((await connects(ns, 'v1')).some((x) => x.peer === dns(ns, 't1'))).toBe(false);
    await kube().delete(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/t1`);
    const after = await eventually(async () => (await kube().request<ConfigMap>('GET', PEERS)).data ?? {}, (d) => !Object.keys(d).some((k) => k.includes(slug)), 30_000, `${slug} keys removed`);
    expect(after['peers-mainnet.txt']).toContain(dns(ns, 'v1'));
    await client.workflow.getHandle(`validator-set/${slug}`).terminate().catch(() => undefined);
  });

  it("a refused change of a validator's StatefulSet shows as Stalled on that StellarNode, with one Warning Event", async () => {
    const node = `/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v4`;
    const policy = `${ns}-v4-frozen`;
    await refuse({ name: policy, namespace: ns, resource: 'statefulsets', apiGroup: 'apps', expression: "!has(object.metadata.labels) || !('stellar.org/node' in object.metadata.labels) || object.metadata.labels['stellar.org/node'] != 'v4'", message: 'v4 is frozen by policy', reason: 'Invalid' },
      { path: `/apis/apps/v1/namespaces/${ns}/statefulsets/v4`, patch: { metadata: { annotations: { 'test.steward/probe': 'x' } } } });
    interface Node { status?: { conditions?: { type: string; status: string; reason: string; message: string }[] } }
    const stalled = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Stalled');
    try {
      await mergePatch(node, { spec: { version: 'v22.1.0' } });
      const seen = await eventually(() => kube().request<Node>('GET', node), (n) => stalled(n)?.status === 'True', 60_000, 'Stalled=True on v4');
      expect(stalled(seen)).toEqual(expect.objectContaining({ reason: 'ChangeRefused', message: expect.stringContaining('v4 is frozen by policy') }));
      const events = await eventually(() => kube().request<{ items: { reason: string; type: string; involvedObject: { name: string } }[] }>('GET', `/api/v1/namespaces/${ns}/events`),
        (l) => l.items.some((e) => e.involvedObject.name === 'v4' && e.reason === 'ChangeRefused'), 15_000, 'a Warning Event on v4');
      expect(events.items.filter((e) => e.involvedObject.name === 'v4' && e.reason === 'ChangeRefused' && e.type === 'Warning')).toHaveLength(1);
      // The others go on: v1 is not stalled.
      expect(stalled(await kube().request<Node>('GET', `/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v1`))?.status).toBe('False');
    } finally {
      await allow(policy);
    }
    await eventually(() => kube().request<Node>('GET', node), (n) => stalled(n)?.status === 'False', 60_000, 'Stalled=False on v4 once allowed');
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
    for (const seed of Object.values(SEEDS)) expect(history).not.toContain(seed);
  });
});
