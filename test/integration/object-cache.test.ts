import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ObjectCache } from '../../kube/object-cache.js';
import { createNamespace, eventually, kube, RequestLog, workerKube } from './support.js';

// The worker's shared read cache against the real API server: a write shows in it once the watch brings
// it, a reader sees no stale object after the watch fails (reads go to the API until the relist), the
// relist drops what was deleted meanwhile, and a synced collection is read without any API request.

const LABELS = 'stellar.org/pool=cache-test';

function configMap(namespace: string, name: string, value: string): unknown {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { 'stellar.org/pool': 'cache-test' } }, data: { value } };
}

describe('the shared object cache', () => {
  let counting: RequestLog;
  let cache: ObjectCache;
  let namespace: string;
  let lost = 0;

  beforeAll(async () => {
    namespace = await createNamespace('cache');
    counting = new RequestLog(workerKube().config);
    // A 2 s first retry: long enough to change the cluster between a cut watch and its relist.
    cache = new ObjectCache(counting, { watch: { backoff: { initialMs: 2000, maxMs: 2000, factor: 1, jitter: 0 }, onLost: () => { lost += 1; } } });
  });
  afterAll(() => cache?.stop());

  const collection = (): string => `/api/v1/namespaces/${namespace}/configmaps`;
  const apiList = async <T>(path: string): Promise<T[]> => (await kube().request<{ items: T[] }>('GET', path, { query: { labelSelector: LABELS } })).items;
  const synced = async (): Promise<void> => {
    await cache.list(collection(), { labelSelector: LABELS });
    await eventually(async () => cache.stats().lists, (lists) => lists >= 1, 15_000, 'the first list');
  };

  it('shows an object after it is written, and its change after it is changed', async () => {
    await synced();
    await kube().apply(`${collection()}/a`, configMap(namespace, 'a', 'one'));
    const seen = await eventually(() => cache.get<{ data: { value: string } }>(`${collection()}/a`, { labelSelector: LABELS }), (o) => o?.data.value === 'one', 10_000, 'a in the cache');
    expect(seen && 'managedFields' in (seen as unknown as { metadata: object }).metadata).toBe(false);
    const before = await cache.fieldsDigest(`${collection()}/a`, { labelSelector: LABELS });
    // Another manager changes a field Steward set (as `kubectl edit` would): Steward's fingerprint changes.
    await kube().request('PATCH', `${collection()}/a`, { body: { data: { value: 'two' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });
    await eventually(() => cache.get<{ data: { value: string } }>(`${collection()}/a`, { labelSelector: LABELS }), (o) => o?.data.value === 'two', 10_000, 'the change in the cache');
    expect(await cache.fieldsDigest(`${collection()}/a`, { labelSelector: LABELS })).not.toBe(before);
    await kube().delete(`${collection()}/a`);
    await eventually(() => cache.get(`${collection()}/a`, { labelSelector: LABELS }), (o) => o === undefined, 10_000, 'a gone from the cache');
  });

  it('reads a synced collection without a request to the API server', async () => {
    await synced();
    await kube().apply(`${collection()}/b`, configMap(namespace, 'b', 'b'));
    await eventually(() => cache.list(collection(), { labelSelector: LABELS }), (items) => items.length === 1, 10_000, 'b listed');
    counting.requests = [];
    for (let i = 0; i < 20; i += 1) {
      await cache.get(`${collection()}/b`, { labelSelector: LABELS });
      await cache.list(collection(), { labelSelector: LABELS });
      await cache.fieldsDigest(`${collection()}/missing`, { labelSelector: LABELS });
    }
    expect(counting.requests).toEqual([]);
    // Another namespace of the same collection is in the same watch: also no request, and not mixed in.
    expect(await cache.list(`/api/v1/namespaces/${namespace}-other/configmaps`, { labelSelector: LABELS })).toEqual([]);
    expect(counting.requests).toEqual([]);
  });

  it('after its watch fails, reads go to the API until the relist, which drops what was deleted meanwhile', async () => {
    await synced();
    await kube().apply(`${collection()}/c`, configMap(namespace, 'c', 'c'));
    await eventually(() => cache.list<{ metadata: { name: string } }>(collection(), { labelSelector: LABELS }), (items) => items.some((i) => i.metadata.name === 'c'), 10_000, 'c listed');
    const lists = cache.stats().lists;
    const lostBefore = lost;
    cache.interruptWatches();
    await eventually(async () => lost, (n) => n > lostBefore, 5000, 'the watch noticed as lost');
    // Deleted while no watch runs: no event will ever say so.
    await kube().delete(`${collection()}/c`);
    counting.requests = [];
    const during = await cache.list<{ metadata: { name: string } }>(collection(), { labelSelector: LABELS });
    expect(during.map((i) => i.metadata.name)).not.toContain('c');
    expect(counting.requests.length).toBeGreaterThan(0);
    // The relist brings the collection back, from memory, without c.
    await eventually(async () => cache.stats().lists, (n) => n > lists, 15_000, 'the relist');
    counting.requests = [];
    const after = await cache.list<{ metadata: { name: string } }>(collection(), { labelSelector: LABELS });
    expect(after.map((i) => i.metadata.name)).toEqual(['b']);
    expect(counting.requests).toEqual([]);
    // Listed items have the shape of watched ones and of a GET (a list names its kind only once).
    expect(after[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
  });

  it('says when it shows a change: a written resourceVersion or newer, a deletion; not one it has not seen, nor while its watch is lost', async () => {
    await synced();
    const path = `${collection()}/e`;
    const options = (waitMs: number) => ({ labelSelector: LABELS, waitMs });
    type Versioned = { metadata: { resourceVersion: string } };
    const first = await kube().apply<Versioned>(path, configMap(namespace, 'e', 'one'));
    const written = { path, resourceVersion: first.metadata.resourceVersion };
    expect(await cache.reflects(written, options(10_000))).toBe(true);
    expect((await cache.get<Versioned>(path, { labelSelector: LABELS }))?.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    // A version the API server has not reached: never shown, so the reader goes to the API.
    const future = { path, resourceVersion: String(BigInt(first.metadata.resourceVersion) + 1_000_000n) };
    expect(await cache.reflects(future, options(300))).toBe(false);
    // A later write shows the earlier version as seen too.
    const second = await kube().apply<Versioned>(path, configMap(namespace, 'e', 'two'));
    expect(await cache.reflects({ path, resourceVersion: second.metadata.resourceVersion }, options(10_000))).toBe(true);
    expect(await cache.reflects(written, options(0))).toBe(true);
    // While the watch is lost the cache cannot say, even for what it held.
    const lostBefore = lost;
    cache.interruptWatches();
    await eventually(async () => lost, (n) => n > lostBefore, 5000, 'the watch noticed as lost');
    expect(await cache.reflects(written, options(0))).toBe(false);
    await kube().delete(path);
    expect(await cache.reflects({ ...written, resourceVersion: second.metadata.resourceVersion, deleted: true }, options(15_000))).toBe(true);
    expect(await cache.get(path, { labelSelector: LABELS })).toBeUndefined();
  });

  it('lists a collection in every namespace from the same watch; a cache scoped to namespaces asks the API', async () => {
    await synced();
    const other = await createNamespace('cache-other');
    await kube().apply(`/api/v1/namespaces/${other}/configmaps/d`, configMap(other, 'd', 'd'));
    const everywhere = '/api/v1/configmaps';
    type Listed = { metadata: { namespace: string; name: string } };
    const ours = (items: Listed[]): string[] => items.filter((i) => [namespace, other].includes(i.metadata.namespace)).map((i) => `${i.metadata.namespace}/${i.metadata.name}`).sort();
    await eventually(() => cache.list<Listed>(everywhere, { labelSelector: LABELS }), (items) => ours(items).includes(`${other}/d`), 10_000, 'd listed in every namespace');
    counting.requests = [];
    const listed = ours(await cache.list<Listed>(everywhere, { labelSelector: LABELS }));
    expect(counting.requests).toEqual([]);
    expect(listed).toContain(`${other}/d`);
    expect(listed).toEqual(ours(await apiList(everywhere)));
    const scoped = new ObjectCache(counting, { namespaces: [namespace] });
    try {
      counting.requests = [];
      expect(ours(await scoped.list<Listed>(everywhere, { labelSelector: LABELS }))).toEqual(listed);
      expect(counting.requests.length).toBe(1);
    } finally {
      scoped.stop();
    }
  });

  it('reads a kind the cluster does not serve as empty', async () => {
    // As an administrator: RBAC answers 403 before the API server can say 404 for an unknown group.
    const admin = new RequestLog(kube().config);
    const adminCache = new ObjectCache(admin);
    try {
      const path = `/apis/nothing.example.com/v1/namespaces/${namespace}/widgets`;
      expect(await adminCache.list(path)).toEqual([]);
      await eventually(async () => {
        admin.requests = [];
        const item = await adminCache.get(`${path}/w`);
        return { item, requests: admin.requests.length };
      }, (r) => r.item === undefined && r.requests === 0, 15_000, 'an unserved kind answered from the cache');
    } finally {
      adminCache.stop();
    }
  });
});
