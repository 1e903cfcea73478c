import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { KubeRest } from '../../kube/rest.js';
import { writeServiceAccountKubeconfig } from '../../stack/deploy.js';
import { chartDir, helm } from '../../stack/helm.js';
import { apiStatusOf as statusOf, createNamespace, eventually, kube, stack, temporalClient, uniqueName } from './support.js';

// `helm install` of deploy/helm/stellar-steward into the suite's API server (real kube-apiserver and
// controllers, pods on KWOK nodes), in both RBAC modes; each release names its objects after itself, so
// it sits beside the deploy/ objects that global-setup applied. The CRDs exist already: Helm skips them.

interface Deployment {
  spec: { template: { spec: { serviceAccountName: string } } };
  status?: { readyReplicas?: number };
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const releases: string[] = [];
const workflows: string[] = [];
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'steward-helm-it-'));
let worker: ChildProcess | undefined;

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
 * Runs the worker entry point with a kubeconfig, watching one namespace and electing its leader through a Lease
 * in the release's namespace (as the chart's Deployment does); returns what it logs so far.
 */
function runWorker(kubeconfig: string, watched: string, taskQueue: string, leaseNamespace: string): () => string {
  let stderr = '';
  worker = spawn(process.execPath, ['dist/worker/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, TEMPORAL_ADDRESS: stack().temporal.address, KUBECONFIG: kubeconfig,
      STEWARD_TASK_QUEUE: taskQueue, STEWARD_WATCH_NAMESPACE: watched, STEWARD_METRICS_PORT: '0', STEWARD_LOG_FORMAT: 'json',
      STEWARD_EGRESS: 'loopback', STEWARD_LEASE_NAMESPACE: leaseNamespace,
    },
  });
  worker.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return () => stderr;
}

afterAll(async () => {
  if (worker && worker.exitCode === null) worker.kill('SIGKILL');
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
    const log = runWorker(await serviceAccountKubeconfig(namespace, `${release}-stellar-steward`), watched, taskQueue, namespace);
    await eventually(async () => log(), (text) => text.includes('Steward worker running') || worker?.exitCode !== null, 60_000, 'the worker to start');
    expect({ exitCode: worker?.exitCode, log: worker?.exitCode === null ? '' : log() }).toEqual({ exitCode: null, log: '' });

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
});
