import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createValidatorActivities } from '../../activities/validator-activities.js';
import { validatorObjectLabels } from '../../domain/validator-objects.js';
import { ObjectCache } from '../../kube/object-cache.js';
import { localSeed } from '../../stack/local-seeds.js';
import { createNamespace, eventually, kube, RequestLog, workerKube } from './support.js';

// A validator set's steady pass reads StellarNodes, Services, pods and the validators' ConfigMaps from the
// worker's cache (every namespace, as a cluster-wide worker watches them), and only the seed Secret from the
// API; a pass woken by a change, and a pass of a workflow from before the cache (no argument), read the API.

// Networks of their own: the suite's other files run validator sets for Mainnet and Testnet on the same
// stack, and a validator of theirs here would join their peers.
const NETWORK_A = 'Validator Cache Test A ; 2026';
const NETWORK_B = 'Validator Cache Test B ; 2026';

describe('validator-set reads from the worker cache', () => {
  let ns: string;
  let cache: ObjectCache;
  const counting = () => new RequestLog(workerKube().config);
  /** The validator's ConfigMap, labelled as Steward labels it, holding a config that names `passphrase`. */
  const liveConfig = (passphrase: string) => kube().apply(`/api/v1/namespaces/${ns}/configmaps/v1-config`, {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name: 'v1-config', namespace: ns, labels: validatorObjectLabels('v1', NETWORK_A) },
    data: { 'stellar-core.cfg': `NETWORK_PASSPHRASE="${passphrase}"\n` },
  });

  beforeAll(async () => {
    ns = await createNamespace('val-cache');
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: { v1: localSeed('stellar-steward validator-cache test v1'), m1: localSeed('stellar-steward validator-cache test m1') },
    });
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/v1`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name: 'v1', namespace: ns },
      spec: { nodeType: 'Validator', network: NETWORK_A, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: 'v1' } } },
    });
    await liveConfig('one');
    await kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/stellarnodes/m1`, {
      apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name: 'm1', namespace: ns },
      spec: { nodeType: 'Validator', network: NETWORK_B, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds', key: 'm1' } } },
    });
    cache = new ObjectCache(workerKube());
  });
  afterAll(async () => {
    cache?.stop();
    await kube().delete(`/api/v1/namespaces/${ns}`);
  });

  it('a steady pass reads only the seed Secret from the API, and sees a change once the watch brings it', async () => {
    const log = counting();
    const activities = createValidatorActivities(log, { cache });
    const steady = await eventually(async () => {
      log.requests = [];
      const observed = await activities.observeValidators({ fresh: false, network: NETWORK_A });
      return { node: observed.nodes.find((n) => n.namespace === ns && n.name === 'v1'), reads: [...log.reads()] };
    }, (r) => r.node !== undefined && r.reads.every((read) => read.includes('/secrets/')), 15_000, 'a steady observation served by the cache');
    // Every read of the API is a seed Secret's GET, ours among them (the observation is cluster-wide).
    expect(steady.reads.every((read) => /^GET \/api\/v1\/namespaces\/[^/]+\/secrets\/[^/]+$/.test(read))).toBe(true);
    expect(steady.reads).toContain(`GET /api/v1/namespaces/${ns}/secrets/seeds`);
    expect(steady.node?.liveConfig).toBe('NETWORK_PASSPHRASE="one"\n');
    expect(steady.node?.publicKey).toMatch(/^G[A-Z2-7]{55}$/);

    await liveConfig('two');
    await eventually(async () => (await activities.observeValidators({ fresh: false, network: NETWORK_A })).nodes.find((n) => n.namespace === ns && n.name === 'v1')?.liveConfig,
      (config) => config === 'NETWORK_PASSPHRASE="two"\n', 10_000, 'the changed ConfigMap in a steady observation');
  });

  it("observes only the set's own network when it names one, and every network for a workflow from before", async () => {
    const activities = createValidatorActivities(counting(), { cache });
    const names = async (reads: { fresh: boolean; network?: string }): Promise<string[]> =>
      (await activities.observeValidators(reads)).nodes.filter((n) => n.namespace === ns).map((n) => n.name).sort();
    expect(await names({ fresh: true, network: NETWORK_A })).toEqual(['v1']);
    expect(await names({ fresh: true, network: NETWORK_B })).toEqual(['m1']);
    expect(await names({ fresh: true })).toEqual(['m1', 'v1']);
  });

  it('a pass woken by a change, and one of a workflow from before the cache, read the API', async () => {
    const log = counting();
    const activities = createValidatorActivities(log, { cache });
    for (const reads of [{ fresh: true }, undefined]) {
      log.requests = [];
      const observed = await activities.observeValidators(reads);
      expect(observed.nodes.some((n) => n.namespace === ns && n.name === 'v1')).toBe(true);
      expect(log.reads()).toEqual(expect.arrayContaining([
        'GET /apis/stellar.org/v1alpha1/stellarnodes', 'GET /api/v1/services', 'GET /api/v1/pods', `GET /api/v1/namespaces/${ns}/configmaps/v1-config`,
      ]));
    }
  });
});
