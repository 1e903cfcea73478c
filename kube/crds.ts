import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { KubeRest } from './rest.js';

/** The directory of the project's CRD manifests. */
export function crdDir(): string {
  return path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'crds');
}

interface Crd {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/**
 * Applies every CRD in `crds/` and `extraFiles` (server-side apply) and waits until each is Established, i.e. served.
 * Throws naming the CRD that did not become ready, with its conditions.
 */
export async function installCrds(kube: KubeRest, timeoutMs = 30_000, extraFiles: string[] = []): Promise<string[]> {
  const files = [...fs.readdirSync(crdDir()).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml').sort().map((file) => path.join(crdDir(), file)), ...extraFiles];
  const names: string[] = [];
  for (const file of files) {
    for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as Crd | null;
      if (!crd) continue;
      await kube.apply(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`, crd);
      names.push(crd.metadata.name);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const name of names) {
    for (;;) {
      const crd = await kube.request<Crd>('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) {
        throw new Error(`CRD ${name} is not Established after ${timeoutMs / 1000} s: ${JSON.stringify(crd.status?.conditions)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return names;
}
