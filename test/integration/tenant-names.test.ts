import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { KubeApiError } from '../../kube/rest.js';
import { tenantPoolStatefulSetName } from '../../domain/names.js';
import type { TenantStatus } from '../../domain/tenant-decision.js';
import { objectPath } from '../../kube/paths.js';
import { tenantPoolStatefulSet } from '../../domain/tenant-objects.js';
import type { KubeObject } from '../../domain/pool-objects.js';
import YAML from 'yaml';
import { startTenantTrigger } from '../../worker/resource-triggers.js';
import { createNamespace, eventually, kube, startWorker, temporalClient, workerKube } from './support.js';

interface Owned {
  metadata: { name: string; uid: string; labels?: Record<string, string>; ownerReferences?: { uid: string; controller?: boolean }[] };
}
interface PodResource extends Owned {
  spec: { containers: { env?: { name: string; value?: string; valueFrom?: unknown }[] }[] };
}

describe('Tenant names and one RustFS cluster on the real API server and StatefulSet controller', () => {
  let client: Client;
  let worker: Awaited<ReturnType<typeof startWorker>>;
  let stopTrigger: () => void;
  let ns: string;
  const tenants = () => `/apis/rustfs.com/v1alpha1/namespaces/${ns}/tenants`;
  const sets = () => `/apis/apps/v1/namespaces/${ns}/statefulsets`;
  const pool = (name: string, servers = 1, volumesPerServer = 1) => ({ name, servers, persistence: { volumesPerServer } });
  const tenant = (name: string, pools: unknown[], extra: Record<string, unknown> = {}) =>
    kube().apply<Owned>(`${tenants()}/${name}`, { apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name, namespace: ns }, spec: { image: 'rustfs/rustfs:1.0.0', pools, ...extra } });
  const status = async (name: string) => (await kube().request<{ status?: TenantStatus }>('GET', `${tenants()}/${name}`)).status;
  const ready = (name: string) => eventually(() => status(name), (s) => s?.currentState === 'Ready', 90_000, `tenant ${name} Ready`);
  const setsOf = async (name: string) => (await kube().request<{ items: Owned[] }>('GET', sets(), { query: { labelSelector: `rustfs.tenant=${name}` } })).items;
  const podsOf = async (name: string) => (await kube().request<{ items: PodResource[] }>('GET', `/api/v1/namespaces/${ns}/pods`, { query: { labelSelector: `rustfs.tenant=${name}` } })).items;
  const uidOf = async (name: string) => (await kube().request<Owned>('GET', `${tenants()}/${name}`)).metadata.uid;
  beforeAll(async () => {
    client = await temporalClient();
    ns = await createNamespace('tenant-names');
    // Before any workflow runs: a tenant whose pool runs under the name earlier versions gave it, and a
    // StatefulSet that holds the name another tenant's pool would take.
    await tenant('old', [pool('p')]);
    const legacy = tenantPoolStatefulSet({ namespace: ns, name: 'old', uid: await uidOf('old') }, { image: 'rustfs/rustfs:1.0.0', pools: [pool('p')] }, pool('p'), { name: 'old-p', pools: [] });
    await kube().apply(`${sets()}/old-p`, legacy);
    const held = tenantPoolStatefulSetName('taken', 'p');
    const labels = { app: 'someone-else' };
    await kube().apply(`${sets()}/${held}`, {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: held, namespace: ns, labels },
      spec: { replicas: 0, serviceName: 'none', selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'other', image: 'other:1' }] } } },
    });
    await tenant('taken', [pool('p')]);
    worker = await startWorker();
    stopTrigger = startTenantTrigger(workerKube(), client, { namespaces: [ns], taskQueue: worker.taskQueue, inputDefaults: { intervalSeconds: 2 }, log: () => undefined });
  });
  afterAll(async () => {
    stopTrigger?.();
    await worker?.stop();
    await client?.connection.close();
  });

  it('accepts tenant + pool of 42 characters, and Kubernetes runs its pods; refuses 43, saying the bound', async () => {
    const name = `edge${'e'.repeat(16)}`;
    await tenant(name, [pool('p'.repeat(22))]);
    const sts = tenantPoolStatefulSetName(name, 'p'.repeat(22));
    expect(sts).toHaveLength(52);
    const pods = await eventually(() => podsOf(name), (items) => items.length === 1, 60_000, 'the pod at the limit');
    expect(pods[0]?.metadata.name).toBe(`${sts}-0`);
    expect(pods[0]?.metadata.labels?.['controller-revision-hash']).toMatch(new RegExp(`^${sts}-`));
    const past = tenant(`over${'o'.repeat(16)}`, [pool('p'.repeat(23))]);
    await expect(past).rejects.toBeInstanceOf(KubeApiError);
    await expect(past).rejects.toMatchObject({ status: 422 });
    await expect(past).rejects.toThrow(/tenant name overo{16} plus a pool name may hold at most 42 characters, .*shorten the tenant name or the pool name/);
  });

  it('refuses a tenant name its Services cannot carry', async () => {
    await expect(tenant('1store', [pool('p')])).rejects.toThrow(/tenant name must start with a lowercase letter/);
  });

  it('gives tenant a-b with pool c and tenant a with pool b-c different StatefulSets, each with its own pods', async () => {
    await tenant('a-b', [pool('c', 2)]);
    await tenant('a', [pool('b-c', 2)]);
    await ready('a-b');
    await ready('a');
    const [first, second] = [await setsOf('a-b'), await setsOf('a')];
    expect(first.map((s) => s.metadata.name)).toEqual([tenantPoolStatefulSetName('a-b', 'c')]);
    expect(second.map((s) => s.metadata.name)).toEqual([tenantPoolStatefulSetName('a', 'b-c')]);
    expect(first[0]?.metadata.ownerReferences?.[0]?.uid).toBe(await uidOf('a-b'));
    expect(second[0]?.metadata.ownerReferences?.[0]?.uid).toBe(await uidOf('a'));
    expect((await podsOf('a-b')).map((p) => p.metadata.name).sort()).toEqual([0, 1].map((i) => `${tenantPoolStatefulSetName('a-b', 'c')}-${i}`));
  });

  it("a multi-pool tenant's pods carry the volumes of every pool and the credentials as Secret references", async () => {
    await kube().apply(`/api/v1/namespaces/${ns}/secrets/multi-creds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'multi-creds', namespace: ns }, stringData: { accesskey: 'test-access', secretkey: 'test-secret-key' } });
    await tenant('multi', [pool('x', 2, 2), pool('y', 1, 3)], { credsSecret: { name: 'multi-creds' } });
    await ready('multi');
    const [x, y] = [tenantPoolStatefulSetName('multi', 'x'), tenantPoolStatefulSetName('multi', 'y')];
    const volumes = `http://${x}-{0...1}.multi-hl.${ns}.svc.cluster.local:9000/data/rustfs{0...1} http://${y}-{0...0}.multi-hl.${ns}.svc.cluster.local:9000/data/rustfs{0...2}`;
    const pods = await podsOf('multi');
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      const env = pod.spec.containers[0]?.env ?? [];
      expect(env.find((e) => e.name === 'RUSTFS_VOLUMES')?.value).toBe(volumes);
      expect(env.find((e) => e.name === 'RUSTFS_SECRET_KEY')).toEqual({ name: 'RUSTFS_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'multi-creds', key: 'secretkey', optional: false } } });
    }
  });

  it('keeps a pool on the StatefulSet name it already runs under (an upgrade renames nothing)', async () => {
    const s = await ready('old');
    expect(s?.pools[0]?.ssName).toBe('old-p');
    expect((await setsOf('old')).map((set) => set.metadata.name)).toEqual(['old-p']);
  });

  it('reports a name held by another StatefulSet instead of taking it over, and goes on once it is gone', async () => {
    const held = tenantPoolStatefulSetName('taken', 'p');
    const s = await eventually(() => status('taken'), (v) => v?.currentState === 'Blocked', 30_000, 'taken Blocked');
    const stalled = s?.conditions.find((c) => c.type === 'Stalled');
    expect(stalled).toEqual(expect.objectContaining({ status: 'True', reason: 'StatefulSetNameUnavailable' }));
    expect(stalled?.message).toContain(`pool p: the StatefulSet name ${ns}/${held} is held by a StatefulSet with no controller`);
    const other = await kube().request<Owned>('GET', `${sets()}/${held}`);
    expect(other.metadata.labels).toEqual({ app: 'someone-else' });
    expect(other.metadata.ownerReferences).toBeUndefined();
    await kube().delete(`${sets()}/${held}`);
    await ready('taken');
    expect((await setsOf('taken')).map((set) => set.metadata.name)).toEqual([held]);
  });

  it('examples/tenant.yaml applies as written (in this namespace) and converges, its pods reading the Secret by reference', async () => {
    const file = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'examples', 'tenant.yaml');
    const documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((doc) => doc.toJS() as KubeObject);
    for (const document of documents) {
      const object = { ...document, metadata: { ...document.metadata, namespace: ns } };
      await kube().apply(objectPath(object), object);
    }
    expect(documents.map((d) => d.kind)).toEqual(['Secret', 'Tenant']);
    await ready('archive-store');
    const pods = await podsOf('archive-store');
    expect(pods).toHaveLength(2);
    const env = pods[0]?.spec.containers[0]?.env ?? [];
    expect(env.find((e) => e.name === 'RUSTFS_ACCESS_KEY')?.valueFrom).toEqual({ secretKeyRef: { name: 'archive-store-credentials', key: 'accesskey', optional: false } });
  });
});
