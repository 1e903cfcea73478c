import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { KubeObject } from '../../domain/pool-objects.js';
import { applyObjects } from '../../kube/apply-objects.js';
import { ObjectCache } from '../../kube/object-cache.js';
import { objectPath } from '../../kube/paths.js';
import { stewardFieldsDigest } from '../../kube/steward-fields.js';
import { createNamespace, eventually, kube, mergePatch, RequestLog, workerKube } from './support.js';

// An apply reports each object's fingerprint (Steward's fields and uid) as it left it, from the write's
// answer or from the read that found it holding, so that the pool's apply reads nothing after its writes.
// Against the real API server, each must be what a read right after the apply shows.

const LABELS = { 'stellar.org/pool': 'fingerprints' };

describe('an apply\'s fingerprints', () => {
  let namespace: string;
  const configMap = (name: string, value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: LABELS }, data: { value } });
  const service = (name: string, port: number): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: LABELS }, spec: { selector: LABELS, ports: [{ name: 'http', port }] } });
  /** The fingerprint of `object` as a read from the API shows it now ('absent' when there is none). */
  const readBack = async (object: KubeObject): Promise<string> => {
    const live = await kube().getOptional<unknown>(objectPath(object));
    return live === undefined ? 'absent' : stewardFieldsDigest(live);
  };
  const readBackAll = async (objects: KubeObject[]): Promise<Record<string, string>> =>
    Object.fromEntries(await Promise.all(objects.map(async (o) => [objectPath(o), await readBack(o)] as const)));

  beforeAll(async () => {
    namespace = await createNamespace('fingerprints');
  });
  afterAll(async () => {
    if (namespace) await kube().delete(`/api/v1/namespaces/${namespace}`).catch(() => undefined);
  });

  it('are those a read shows right after: for objects created, changed, holding, and refused', async () => {
    const created = [configMap('a', 'one'), service('s', 80)];
    const first = new Map<string, string>();
    expect((await applyObjects(workerKube(), created, { fingerprints: first })).applied).toHaveLength(2);
    expect(Object.fromEntries(first)).toEqual(await readBackAll(created));

    // Another manager takes a field (Steward's fingerprint changes); the apply takes it back.
    await mergePatch(objectPath(created[0] as KubeObject), { data: { value: 'edited' } });
    expect(await readBack(created[0] as KubeObject)).not.toBe(first.get(objectPath(created[0] as KubeObject)));
    const changed = [configMap('a', 'one'), service('s', 80)];
    const second = new Map<string, string>();
    const result = await applyObjects(workerKube(), changed, { fingerprints: second });
    expect(result).toEqual(expect.objectContaining({ applied: ['ConfigMap/a'], unchanged: 1 }));
    expect(Object.fromEntries(second)).toEqual(await readBackAll(changed));

    // A port Kubernetes refuses (422): the object stays as it was, and so does its fingerprint.
    const refused = [service('s', 70_000), configMap('never', 'x'), service('never-svc', 70_000)];
    const third = new Map<string, string>();
    const outcome = await applyObjects(workerKube(), refused, { fingerprints: third });
    expect(outcome.refused?.map((r) => r.object).sort()).toEqual(['Service/never-svc', 'Service/s']);
    expect(Object.fromEntries(third)).toEqual(await readBackAll(refused));
    expect(third.get(objectPath(refused[2] as KubeObject))).toBe('absent');
  });

  it('read through the worker\'s cache, are those the API shows', async () => {
    const cache = new ObjectCache(new RequestLog(workerKube().config));
    try {
      const objects = [configMap('a', 'one'), configMap('never', 'x'), service('s', 80)];
      const selector = Object.entries(LABELS).map(([k, v]) => `${k}=${v}`).join(',');
      // The cache holds what the API holds (the first test's writes) before the apply reads it: both
      // collections listed (a read before that goes to the API), then showing the same fingerprints.
      await Promise.all(objects.map((o) => cache.fieldsDigest(objectPath(o), { labelSelector: selector })));
      await eventually(async () => cache.stats().lists, (lists) => lists >= 2, 15_000, 'ConfigMaps and Services listed');
      const expected = await readBackAll(objects);
      await eventually(async () => Object.fromEntries(await Promise.all(objects.map(async (o) => [objectPath(o), await cache.fieldsDigest(objectPath(o), { labelSelector: selector })] as const))),
        (prints) => JSON.stringify(prints) === JSON.stringify(expected), 15_000, 'the cache showing the API\'s objects');
      const prints = new Map<string, string>();
      const misses = cache.stats().misses;
      const result = await applyObjects(workerKube(), objects, { reader: cache, fingerprints: prints });
      expect(result).toEqual(expect.objectContaining({ applied: [], unchanged: 3 }));
      expect(Object.fromEntries(prints)).toEqual(expected);
      expect(cache.stats().misses).toBe(misses);
    } finally {
      cache.stop();
    }
  });
});
