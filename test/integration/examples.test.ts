// Tried as a new user would: every file of examples/ is applied unchanged (server-side apply, as
// `kubectl apply --server-side` does it), the worker process runs, and everything converges on the
// local stack with no internet. The examples name hosts on the internet (history.stellar.org) and
// cluster DNS names (horizon-db-primary.stellar.svc): the worker runs with STEWARD_EGRESS=loopback, so
// nothing leaves the machine, and those sources must show as unreachable on status, named.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import YAML from 'yaml';
import { WorkerProcess } from '../../bench/worker-process.js';
import { eventually, kube, listPods, stack, uniqueName } from './support.js';

const EXAMPLES = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..', 'examples');
const NS = 'stellar';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Resource {
  metadata: { generation?: number; finalizers?: string[] };
  status?: { observedGeneration?: number; conditions?: Condition[] } & Record<string, unknown>;
}

/** The URL of a manifest's object, as kubectl derives it (plural = lower-case kind + s, as our CRDs and core kinds here are named). */
function objectPath(m: Manifest): string {
  const plural = `${m.kind.toLowerCase()}s`;
  const base = m.apiVersion.includes('/') ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  return `${base}/namespaces/${m.metadata.namespace ?? NS}/${plural}/${m.metadata.name}`;
}

/** Every document of every file in examples/, as read. */
function exampleManifests(): { file: string; manifest: Manifest }[] {
  return fs
    .readdirSync(EXAMPLES)
    .filter((file) => /\.ya?ml$/.test(file))
    .sort()
    .flatMap((file) =>
      YAML.parseAllDocuments(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'))
        .map((doc) => doc.toJS() as Manifest | null)
        .filter((m): m is Manifest => !!m)
        .map((manifest) => ({ file, manifest })),
    );
}

function condition(resource: Resource | undefined, type: string): Condition | undefined {
  return resource?.status?.conditions?.find((c) => c.type === type);
}

function settled(resource: Resource | undefined): boolean {
  return !!resource && resource.status?.observedGeneration === resource.metadata.generation;
}

const STEWARD_KINDS = ['stellar.org/v1alpha1/readonlypools', 'stellar.org/v1alpha1/stellarnodes', 'rustfs.com/v1alpha1/tenants', 'stellar.org/v1alpha1/postgresreplicasets'];

/**
 * A new user starts from a namespace without Steward resources: deletes every one an earlier test (the
 * demo, which also adds a fourth validator) left in it, finalizers included, and what else has the
 * examples' names.
 */
async function removeLeftovers(manifests: Manifest[]): Promise<void> {
  const urls = new Set(manifests.map(objectPath));
  for (const kind of STEWARD_KINDS) {
    const list = await kube().request<{ items: { metadata: { name: string } }[] }>('GET', `/apis/${kind.replace(/\/([a-z]+)$/, `/namespaces/${NS}/$1`)}`);
    for (const item of list.items) urls.add(`/apis/${kind.replace(/\/([a-z]+)$/, `/namespaces/${NS}/$1`)}/${item.metadata.name}`);
  }
  for (const url of urls) {
    const found = await kube().getOptional<Resource>(url);
    if (!found) continue;
    if (found.metadata.finalizers?.length) await kube().mergePatch(url, { metadata: { finalizers: null } });
    await kube().delete(url);
  }
  for (const url of urls) await eventually(() => kube().getOptional(url), (o) => !o, 60_000, `${url} to be gone`);
}

describe('examples/, applied unchanged, converge on the local stack with no internet', () => {
  const manifests = exampleManifests();
  let worker: WorkerProcess;
  let logFile: string;

  beforeAll(async () => {
    await kube().apply(`/api/v1/namespaces/${NS}`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    await removeLeftovers(manifests.map((m) => m.manifest));
    // Server-side apply of each document exactly as read, under kubectl's field manager.
    for (const { file, manifest } of manifests) {
      await kube()
        .request('PATCH', objectPath(manifest), { body: manifest, contentType: 'application/apply-patch+yaml', query: { fieldManager: 'kubectl', force: false } })
        .catch((error: unknown) => {
          throw new Error(`examples/${file}: ${manifest.kind} ${manifest.metadata.name} was refused: ${String(error)}`);
        });
    }
    logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'examples-')), 'worker.log');
    process.env.STEWARD_CLUSTER = uniqueName('examples');
    worker = new WorkerProcess({
      temporalAddress: stack().temporal.address,
      temporalNamespace: stack().temporal.namespace,
      kubeconfigPath: path.join(stack().stateDir, 'worker-kubeconfig.yaml'),
      taskQueue: uniqueName('examples-queue'),
      namespace: NS,
      logFile,
    });
    worker.start();
    await worker.ready();
  });

  afterAll(async () => {
    // Delete while the worker still runs, so finalizers are honoured, then stop it.
    for (const { manifest } of [...manifests].reverse()) await kube().delete(objectPath(manifest)).catch(() => undefined);
    for (const { manifest } of manifests) {
      await eventually(() => kube().getOptional(objectPath(manifest)), (o) => !o, 60_000, `${manifest.kind} ${manifest.metadata.name} to be deleted`).catch(() => undefined);
    }
    await worker?.stop();
    delete process.env.STEWARD_CLUSTER;
  });

  it('the ReadOnlyPool gets its StatefulSet and status, with the unreachable archive named in Degraded', async () => {
    const pool = manifests.find((m) => m.manifest.kind === 'ReadOnlyPool')!.manifest;
    const sts = `/apis/apps/v1/namespaces/${NS}/statefulsets/${pool.metadata.name}`;
    await eventually(() => kube().getOptional<{ status?: { readyReplicas?: number } }>(sts), (s) => s?.status?.readyReplicas === 3, 120_000, 'the pool StatefulSet with 3 ready replicas');
    const status = await eventually(
      () => kube().getOptional<Resource>(objectPath(pool)),
      (p) => settled(p) && condition(p, 'Degraded')?.status === 'True' && /history\.stellar\.org/.test(condition(p, 'Degraded')?.message ?? ''),
      120_000,
      'the pool status naming the unreachable archive',
    );
    expect(condition(status, 'Degraded')?.message).toContain('archive https://history.stellar.org/prd/core-testnet/core_testnet_001 unreadable: EgressDenied');
    expect(condition(status, 'Degraded')?.message).toMatch(/egress is limited to loopback/);
  });

  it('the validators converge: each one connected to the two others, the peers ConfigMap lists the three', async () => {
    const nodes = manifests.filter((m) => m.manifest.kind === 'StellarNode').map((m) => m.manifest.metadata.name);
    expect(nodes).toHaveLength(3);
    // The validator set spans the cluster's Testnet validators: earlier tests may leave others, so the three
    // must be among the listed peers (not necessarily all of them).
    const dns = nodes.map((name) => `${name}-0.${name}-hl.${NS}.svc.cluster.local`);
    const peers = await eventually(
      () => kube().getOptional<{ data?: Record<string, string> }>('/api/v1/namespaces/stellar-system/configmaps/stellar-peers'),
      (cm) => dns.every((name) => cm?.data?.['peers-testnet.txt']?.includes(name) ?? false),
      120_000,
      'the three Testnet validators in stellar-system/stellar-peers',
    );
    for (const name of nodes) expect(peers?.data?.['peers-testnet.txt']).toContain(`${name}-0.${name}-hl.${NS}.svc.cluster.local`);
    // What the nodes show, not what the workflow believes: each node's /peers lists the two others.
    // Each pod's IP once it has one (a pod just scheduled has none yet).
    const ips = await eventually(
      () => Promise.all(nodes.map(async (name) => (await listPods(NS, `stellar.org/node=${name}`))[0]?.status?.podIP)),
      (found) => found.every((ip) => ip !== undefined && ip !== ''),
      60_000,
      'an IP for each validator pod',
    );
    for (const ip of ips) {
      const others = ips.filter((other) => other !== ip);
      await eventually(
        async () => JSON.stringify(await (await fetch(`http://${ip}:11626/peers`)).json()),
        (body) => others.every((other) => body.includes(`"${other}:`)),
        120_000,
        `the node at ${ip} connected to ${others.join(', ')}`,
      );
    }
  });

  it('the Tenant rolls out its pool', async () => {
    const tenant = manifests.find((m) => m.manifest.kind === 'Tenant')!.manifest;
    await eventually(() => kube().getOptional<Resource>(objectPath(tenant)), (t) => settled(t) && condition(t, 'Ready')?.status === 'True', 120_000, 'the tenant Ready');
  });

  it('the PostgresReplicaSet reports its placeholder hosts as unreachable, named, without dialing them', async () => {
    const set = manifests.find((m) => m.manifest.kind === 'PostgresReplicaSet')!.manifest;
    // Every replica starts healthy until `failureThreshold` (3) checks 5 s apart have failed.
    const status = await eventually(() => kube().getOptional<Resource>(objectPath(set)), (r) => settled(r) && condition(r, 'Ready')?.status === 'False', 120_000, 'the replica set not Ready');
    expect(condition(status, 'Degraded')?.message).toBe('horizon-db-replica-1.stellar.svc:5432 Unreachable; horizon-db-replica-2.stellar.svc:5432 Unreachable');
    const replicas = (status?.status?.replicas ?? []) as { host: string; healthy: boolean; message: string }[];
    expect(replicas.map((r) => r.host)).toEqual(['horizon-db-replica-1.stellar.svc', 'horizon-db-replica-2.stellar.svc']);
    for (const r of replicas) expect(r.message).toMatch(new RegExp(`PostgreSQL ${r.host.replace(/\./g, '\\.')}:5432 not contacted: egress is limited to loopback`));
  });
});
