import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { objectPath } from '../kube/paths.js';
import type { KubeRest } from '../kube/rest.js';
import type { KubeObject } from '../domain/pool-objects.js';

/** The directory of the shipped deployment manifests (`deploy/`, a kustomization). */
export function deployDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'deploy');
}

/**
 * The objects of a kustomization as `kubectl apply -k` would apply them, for kustomizations that only
 * list resources (files or directories holding a kustomization); the image tag is applied as written.
 * Throws naming a listed file that does not exist.
 */
export function loadKustomization(dir: string): KubeObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  const kustomization = YAML.parse(fs.readFileSync(file, 'utf8')) as { resources?: string[] };
  const objects: KubeObject[] = [];
  for (const resource of kustomization.resources ?? []) {
    const target = path.resolve(dir, resource);
    if (!fs.existsSync(target)) throw new Error(`${file} lists ${resource}, which does not exist`);
    if (fs.statSync(target).isDirectory()) {
      objects.push(...loadKustomization(target));
      continue;
    }
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(target, 'utf8'))) {
      const object = doc.toJS() as KubeObject | null;
      if (object) objects.push(object);
    }
  }
  return objects;
}

/** Applies objects in order (server-side apply); returns their paths. */
export async function applyAll(kube: KubeRest, objects: KubeObject[]): Promise<string[]> {
  const paths: string[] = [];
  for (const object of objects) {
    const objectUrl = objectPath(object);
    await kube.apply(objectUrl, object);
    paths.push(objectUrl);
  }
  return paths;
}

/**
 * Writes a kubeconfig that authenticates as a ServiceAccount with a bound token from the TokenRequest
 * API (valid `seconds`), reusing the admin kubeconfig's server and CA. The worker runs with it in the
 * tests, so it has exactly the permissions the shipped ClusterRole grants.
 */
export async function writeServiceAccountKubeconfig(kube: KubeRest, account: { namespace: string; name: string }, file: string, seconds = 86_400): Promise<void> {
  const request = await kube.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${account.namespace}/serviceaccounts/${account.name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: seconds } },
  });
  const cluster = kube.config.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const user = `system:serviceaccount:${account.namespace}:${account.name}`;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'steward-local', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
    users: [{ name: user, user: { token: request.status.token } }],
    contexts: [{ name: 'steward-local', context: { cluster: 'steward-local', user } }],
    'current-context': 'steward-local',
  };
  fs.writeFileSync(file, YAML.stringify(config), { mode: 0o600 });
}
