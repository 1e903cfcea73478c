import fs from 'node:fs';
import path from 'node:path';
import { POOL_LABEL, SERVING_LABEL } from '../domain/pool-names.js';
import type { StackInfo } from '../stack/index.js';
import { binDir } from '../stack/paths.js';
import type { DemoResources } from './demo/resources.js';

/** What a shell needs to run the local stack's kubectl against the stack's API server. */
export interface KubectlSetup {
  /** The stack's kubeconfig (admin). */
  kubeconfigPath: string;
  /** The directory holding the stack's kubectl, when it is installed there; absent: the user's own kubectl. */
  kubectlDir?: string;
}

/** Quotes a word for a POSIX shell when it holds anything but plain path characters. */
export function shellWord(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The line to paste into a shell: `export PATH=<kubectl dir>:$PATH KUBECONFIG=<kubeconfig>`, or only
 * `export KUBECONFIG=...` when the stack has no kubectl of its own (a user-provided cluster).
 */
export function kubectlEnvLine(setup: KubectlSetup): string {
  const kubeconfig = `KUBECONFIG=${shellWord(setup.kubeconfigPath)}`;
  return setup.kubectlDir ? `export PATH=${shellWord(setup.kubectlDir)}:"$PATH" ${kubeconfig}` : `export ${kubeconfig}`;
}

/** The demo's resources, by name, in its namespace. */
export interface DemoNames {
  namespace: string;
  pool: string;
  validator: string;
  tenant: string;
  replicaSet: string;
}

/** The names of the demo's resources (the first validator stands for all of them). */
export function demoNames(r: DemoResources): DemoNames {
  const validator = r.validators[0] ?? r.joiningValidator;
  return { namespace: r.namespace, pool: r.pool.metadata.name, validator: validator.metadata.name, tenant: r.tenant.metadata.name, replicaSet: r.replicaSet.metadata.name };
}

/** The kubectl commands to try on the demo's resources: the printer columns of each kind, then the conditions and Events of each. */
export function kubectlTryLines(names: DemoNames): string[] {
  const ns = `-n ${names.namespace}`;
  return [
    `kubectl get rop,sn,tenant,pgrs ${ns}`,
    `kubectl describe rop ${names.pool} ${ns}`,
    `kubectl describe sn ${names.validator} ${ns}`,
    `kubectl describe tenant ${names.tenant} ${ns}`,
    `kubectl describe pgrs ${names.replicaSet} ${ns}`,
    `kubectl get pods -l ${POOL_LABEL}=${names.pool} -L ${SERVING_LABEL} ${ns}`,
  ];
}

/**
 * The kubectl setup of a running stack: its kubeconfig, and the cache's bin directory when the install script
 * built kubectl there (`bash stack/install/install-binaries.sh kubectl`). Undefined when the stack has no Kubernetes.
 */
export function stackKubectl(info: Pick<StackInfo, 'kube'>): KubectlSetup | undefined {
  if (!info.kube) return undefined;
  const dir = binDir();
  return { kubeconfigPath: info.kube.kubeconfigPath, kubectlDir: fs.existsSync(path.join(dir, 'kubectl')) ? dir : undefined };
}
