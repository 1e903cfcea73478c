import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { WorkflowNotFoundError } from '@temporalio/client';
import { networkSlug } from '../../domain/network.js';
import { KubeRest } from '../../kube/rest.js';
import { writeServiceAccountKubeconfig } from '../../stack/deploy.js';
import { chartDir, helm } from '../../stack/helm.js';
import { localSeed } from '../../stack/local-seeds.js';
import { apiStatusOf as statusOf, archiveUrl, createNamespace, eventually, kube, stack, temporalClient, uniqueName } from './support.js';
import { WORKER_NODE_ARGS } from '../../worker/entry-point.js';

// `helm install` of deploy/helm/stellar-steward into the suite's API server (real kube-apiserver and
// controllers, pods on KWOK nodes), in both RBAC modes; each release names its objects after itself, so
// it sits beside the deploy/ objects that global-setup applied. The CRDs exist already: Helm skips them.

interface Deployment {
  spec: { template: { spec: { serviceAccountName: string } } };
  status?: { readyReplicas?: number };
}

interface Managed {
  metadata: { generation: number };
  status?: { observedGeneration?: number; freshReplicas?: number; state?: string };
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const releases: string[] = [];
const workflows: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-helm-it-'));
const workers: ChildProcess[] = [];

/** Installs a release of the chart into `default` and waits until its Deployment is ready. */
function install(release: string, set: string[]): void {
  releases.push(release);
  const kubeconfig = stack().kube?.kubeconfigPath;
  if (!kubeconfig) throw new Error('the suite stack has no Kubernetes part');
  const values = set.flatMap((value) => ['--set', value]);
  helm(['install', release, chartDir(), '--namespace', 'default', '--kubeconfig', kubeconfig, '--wait', '--timeout', '120s', ...values]);
}

/** A kubeconfig of a release's ServiceAccount (a bound token), to act with exactly what its RBAC grants. */
async function serviceAccountKubeconfig(namespace: string, name: string): Promise<string> {
  const file = path.join(scratch, `${namespace}-${name}.yaml`);
  await writeServiceAccountKubeconfig(kube(), { namespace, name }, file, 3600);
  return file;
}

async function asServiceAccount(namespace: string, name: string): Promise<KubeRest> {
  return KubeRest.fromFile(await serviceAccountKubeconfig(namespace, name));
}

/**
 * Runs the worker entry point with a kubeconfig and more environment (the watched namespaces), waits until
 * it runs, and returns what it logs so far. Throws with its log when it exits instead.
 */
async function runWorker(kubeconfig: string, taskQueue: string, env: Record<string, string>): Promise<() => string> {
  let stderr = '';
  const worker = spawn(process.execPath, WORKER_NODE_ARGS, {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: kubeconfig,
      STEWARD_TASK_QUEUE: taskQueue, STEWARD_METRICS_PORT: '0', STEWARD_LOG_FORMAT: 'json', STEWARD_EGRESS: 'loopback',
      ...(process.env.STEWARD_CA_BUNDLE ? { STEWARD_CA_BUNDLE: process.env.STEWARD_CA_BUNDLE } : {}), ...env,
    },
  });
  workers.push(worker);
  worker.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await eventually(async () => stderr, (text) => text.includes('Steward worker running') || worker.exitCode !== null, 60_000, 'the worker to start');
  expect({ exitCode: worker.exitCode, log: worker.exitCode === null ? '' : stderr }).toEqual({ exitCode: null, log: '' });
  return () => stderr;
}

afterAll(async () => {
  for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
  const client = await temporalClient();
  for (const id of workflows) await client.workflow.getHandle(id).terminate().catch(() => undefined);
  await client.connection.close();
  const kubeconfig = stack().kube?.kubeconfigPath ?? '';
  for (const release of releases) helm(['uninstall', release, '--namespace', 'default', '--kubeconfig', kubeconfig, '--wait', '--timeout', '60s']);
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('helm install deploy/helm/stellar-steward', () => {
  it('with cluster RBAC: creates the namespace and the worker Deployment, rolled out under the chart’s ServiceAccount', async () => {
    const release = uniqueName('helm');
    const namespace = uniqueName('helm-worker');
    install(release, [`namespace.name=${namespace}`]);
    const name = `${release}-stellar-steward`;
    const deployment = await eventually(() => kube().request<Deployment>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`),
      (d) => d.status?.readyReplicas === 1, 60_000, 'the chart’s worker Deployment ready');
    expect(deployment.spec.template.spec.serviceAccountName).toBe(name);

    const account = await asServiceAccount(namespace, name);
    expect(await statusOf(account.request('GET', '/apis/stellar.org/v1alpha1/readonlypools'))).toBe(200);
    expect(await statusOf(account.request('GET', '/api/v1/namespaces/stellar-system'))).toBe(200);
    expect(await statusOf(account.request('GET', '/api/v1/secrets'))).toBe(403);
  });

  it('with namespaced RBAC: the ServiceAccount reaches the watched and the peers namespace, and no other', async () => {
    const release = uniqueName('helm');
    const namespace = uniqueName('helm-worker');
    const watched = await createNamespace('helm-watched');
    const other = await createNamespace('helm-other');
    install(release, [`namespace.name=${namespace}`, 'rbac.mode=namespaced', `watchNamespaces={${watched}}`]);
    const name = `${release}-stellar-steward`;
    await eventually(() => kube().request<Deployment>('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/${name}`),
      (d) => d.status?.readyReplicas === 1, 60_000, 'the chart’s worker Deployment ready');

    const account = await asServiceAccount(namespace, name);
    expect(await statusOf(account.request('GET', `/apis/stellar.org/v1alpha1/namespaces/${watched}/readonlypools`))).toBe(200);
    expect(await statusOf(account.request('GET', `/apis/apps/v1/namespaces/${watched}/statefulsets`))).toBe(200);
    expect(await statusOf(account.request('GET', '/api/v1/namespaces/stellar-system/configmaps/stellar-peers'))).not.toBe(403);
    expect(await statusOf(account.request('GET', '/api/v1/namespaces/stellar-system'))).toBe(200);
    expect(await statusOf(account.request('GET', `/apis/stellar.org/v1alpha1/namespaces/${other}/readonlypools`))).toBe(403);
    expect(await statusOf(account.request('GET', '/apis/stellar.org/v1alpha1/readonlypools'))).toBe(403);
    expect(await statusOf(account.request('GET', `/api/v1/namespaces/${watched}`))).toBe(403);
  });

  it('with namespaced RBAC: a worker under the chart’s ServiceAccount brings a Tenant in its namespace to Ready', async () => {
    const release = uniqueName('helm');
    const namespace = uniqueName('helm-worker');
    const watched = await createNamespace('helm-watched');
    install(release, [`namespace.name=${namespace}`, 'rbac.mode=namespaced', `watchNamespaces={${watched}}`]);
    const taskQueue = uniqueName('helm-queue');
    const log = await runWorker(await serviceAccountKubeconfig(namespace, `${release}-stellar-steward`), taskQueue, { STEWARD_WATCH_NAMESPACE: watched, STEWARD_LEASE_NAMESPACE: namespace });

    workflows.push(`tenant/${watched}/t`);
    await kube().apply(`/apis/rustfs.com/v1alpha1/namespaces/${watched}/tenants/t`, {
      apiVersion: 'rustfs.com/v1alpha1', kind: 'Tenant', metadata: { name: 't', namespace: watched },
      spec: { image: 'rustfs/rustfs:1.0.0', pools: [{ name: 'a', servers: 1, persistence: { volumesPerServer: 1 } }] },
    });
    const tenant = await eventually(() => kube().request<{ status?: { currentState?: string } }>('GET', `/apis/rustfs.com/v1alpha1/namespaces/${watched}/tenants/t`),
      (t) => t.status?.currentState === 'Ready', 90_000, `Tenant ${watched}/t Ready`).catch((error: unknown) => {
      throw new Error(`the worker under the chart's ServiceAccount did not bring the Tenant to Ready; its log ends: ${log().slice(-1500)}`, { cause: error });
    });
    expect(tenant.status?.currentState).toBe('Ready');
    const client = await temporalClient();
    const described = await client.workflow.getHandle(`tenant/${watched}/t`).describe();
    await client.connection.close();
    expect(described.taskQueue).toBe(taskQueue); // run by this worker, not by another test's
  });

  it('with namespaced RBAC in two namespaces: a worker under the chart’s ServiceAccount reconciles a pool and a validator set there, and touches nothing in a third', async () => {
    const release = uniqueName('helm');
    const namespace = uniqueName('helm-worker');
    const [teamA, teamB, outside, peers] = [await createNamespace('ns-a'), await createNamespace('ns-b'), await createNamespace('ns-out'), await createNamespace('ns-peers')];
    install(release, [`namespace.name=${namespace}`, 'rbac.mode=namespaced', `watchNamespaces={${teamA},${teamB}}`, `peersNamespace=${peers}`]);
    const taskQueue = uniqueName('helm-queue');
    const log = await runWorker(await serviceAccountKubeconfig(namespace, `${release}-stellar-steward`), taskQueue, {
      STEWARD_WATCH_NAMESPACES: `${teamA},${teamB}`, STEWARD_PEERS_NAMESPACE: peers, STEWARD_LEASE_NAMESPACE: namespace,
    });

    // The same resources in each namespace: a pool, and a validator of one network (its own, so no other
    // file's set shares it) with its seed. The validator set spans teamA and teamB; outside is not watched.
    const network = `Validator Test Network ; ${teamA}`;
    const slug = networkSlug(network);
    const apply = (ns: string, plural: string, kind: string, name: string, spec: unknown) =>
      kube().apply(`/apis/stellar.org/v1alpha1/namespaces/${ns}/${plural}/${name}`, { apiVersion: 'stellar.org/v1alpha1', kind, metadata: { name, namespace: ns }, spec });
    for (const [ns, node] of [[teamA, 'va'], [teamB, 'vb'], [outside, 'vo']] as const) {
      await kube().apply(`/api/v1/namespaces/${ns}/secrets/seeds`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'seeds', namespace: ns }, stringData: { seed: localSeed(`namespaced mode ${ns}`) } });
      workflows.push(`readonlypool/${ns}/p`);
      await apply(ns, 'readonlypools', 'ReadOnlyPool', 'p', { network: 'Testnet', minReplicas: 1, targetReplicas: 1, historyArchiveUrls: [archiveUrl('testnet')], loadBalancing: { updateIntervalSeconds: 1 } });
      await apply(ns, 'stellarnodes', 'StellarNode', node, { nodeType: 'Validator', network, storage: { size: '1Gi' }, validatorConfig: { seedSecretRef: { name: 'seeds' } } });
    }
    workflows.push(`validator-set/${slug}`);

    const settled = (path: string, what: string, accept: (object: Managed) => boolean = () => true) =>
      eventually(() => kube().request<Managed>('GET', path), (o) => o.status?.observedGeneration === o.metadata.generation && accept(o), 90_000, what).catch((error: unknown) => {
        throw new Error(`${what} not reached under the chart's namespaced ServiceAccount; the worker's log ends: ${log().slice(-1500)}`, { cause: error });
      });
    for (const ns of [teamA, teamB]) await settled(`/apis/stellar.org/v1alpha1/namespaces/${ns}/readonlypools/p`, `pool ${ns}/p with a fresh replica`, (p) => p.status?.freshReplicas === 1);
    await settled(`/apis/stellar.org/v1alpha1/namespaces/${teamA}/stellarnodes/va`, `validator ${teamA}/va reconciled`);
    await settled(`/apis/stellar.org/v1alpha1/namespaces/${teamB}/stellarnodes/vb`, `validator ${teamB}/vb reconciled`);
    const peersMap = await eventually(() => kube().getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${peers}/configmaps/stellar-peers`),
      (c) => [teamA, teamB].every((ns) => (c?.data?.[`peers-${slug}.txt`] ?? '').includes(`.${ns}.svc`)), 60_000, `both validators in ${peers}/stellar-peers`).catch((error: unknown) => {
      throw new Error(`the validator set did not write ${peers}/stellar-peers; the worker's log ends: ${log().slice(-3000)}`, { cause: error });
    });
    for (const ns of [teamA, teamB]) {
      const names = (await kube().request<{ items: { metadata: { name: string } }[] }>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets`)).items.map((s) => s.metadata.name);
      expect({ ns, names: names.sort() }).toEqual({ ns, names: ns === teamA ? ['p', 'va'] : ['p', 'vb'] });
    }

    // The third namespace: no StatefulSet, no status, not among the peers, no workflow of its resources.
    expect((await kube().request<{ items: unknown[] }>('GET', `/apis/apps/v1/namespaces/${outside}/statefulsets`)).items).toEqual([]);
    expect((await kube().request<Managed>('GET', `/apis/stellar.org/v1alpha1/namespaces/${outside}/readonlypools/p`)).status).toBeUndefined();
    expect((await kube().request<Managed>('GET', `/apis/stellar.org/v1alpha1/namespaces/${outside}/stellarnodes/vo`)).status).toBeUndefined();
    expect(peersMap?.data?.[`peers-${slug}.txt`]).not.toContain(`.${outside}.svc`);
    const client = await temporalClient();
    const described = await client.workflow.getHandle(`readonlypool/${outside}/p`).describe().catch((error: unknown) => error);
    const ours: string[] = [];
    for await (const execution of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) ours.push(execution.workflowId);
    await client.connection.close();
    expect(described).toBeInstanceOf(WorkflowNotFoundError);
    expect(ours.sort()).toEqual([`readonlypool/${teamA}/p`, `readonlypool/${teamB}/p`, `validator-set/${slug}`].sort());
    // Every list and watch stayed where the Roles reach: nothing was refused.
    expect(log().split('\n').filter((line) => /\b403\b|forbidden/i.test(line))).toEqual([]);
  });
});
