import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KubeRest } from '../../kube/rest.js';
import type { StackInfo } from '../local-stack.js';
import { imageTag, REPO_ROOT } from './build.js';
import { podman, podmanEnv } from './podman.js';
import { deploymentRun, SERVICE_ACCOUNT_DIR } from './run-args.js';

/** Where the container finds the stack's sources CA (STEWARD_CA_BUNDLE), as the Deployment's comment suggests. */
const CA_BUNDLE_PATH = '/etc/steward/ca/ca.crt';

/** Options of `runImage`. */
export interface ImageRunOptions {
  stack: StackInfo;
  /** The container's name (unique on the machine). */
  name: string;
  image?: string;
  /** Variables set after the Deployment's (STEWARD_TASK_QUEUE, STEWARD_METRICS_ADDRESS, ...). */
  env?: Record<string, string>;
  /** The ServiceAccount whose token is mounted (default the Deployment's, stellar-system/stellar-steward). */
  serviceAccount?: { namespace: string; name: string };
}

/** A running worker container. */
export interface ImageRun {
  container: string;
  process: ChildProcess;
  /** The container's exit code once `podman run` returns. */
  exited: Promise<number | null>;
  /** Sends a signal to the container's PID 1 (the worker) and resolves with its exit code. */
  stop(signal?: string): Promise<number | null>;
  /** Removes the container and its mounted credentials (after it exited). */
  remove(): Promise<void>;
}

/**
 * Runs the worker image as deploy/deployment.yaml runs it (its user, read-only root filesystem, dropped
 * capabilities, emptyDir /tmp, its environment) against a local stack: the ServiceAccount's token, the API
 * server's CA and the namespace are mounted at /var/run/secrets/kubernetes.io/serviceaccount and
 * KUBERNETES_SERVICE_HOST/PORT name the stack's API server, so the worker finds the cluster as in a pod.
 * The container shares the host's network to reach the stack on loopback. Throws when the stack has no Kubernetes.
 */
export async function runImage(options: ImageRunOptions): Promise<ImageRun> {
  const { stack } = options;
  if (!stack.kube) throw new Error('the stack runs no Kubernetes API server: start it with the kube part');
  const run = deploymentRun(fs.readFileSync(path.join(REPO_ROOT, 'deploy', 'deployment.yaml'), 'utf8'));
  const mounts = path.join(stack.stateDir, 'image-run', options.name);
  const admin = KubeRest.fromFile(stack.kube.kubeconfigPath);
  const server = await writeServiceAccountMount(admin, options.serviceAccount ?? { namespace: 'stellar-system', name: 'stellar-steward' }, path.join(mounts, 'serviceaccount'));
  const volumes = [`${path.join(mounts, 'serviceaccount')}:${SERVICE_ACCOUNT_DIR}:ro`];
  const env: Record<string, string> = { ...run.env, TEMPORAL_ADDRESS: stack.temporal.address, KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port };
  if (stack.simulator) {
    const ca = path.join(mounts, 'ca');
    fs.mkdirSync(ca, { recursive: true, mode: 0o755 });
    fs.copyFileSync(stack.simulator.caBundle, path.join(ca, 'ca.crt'));
    fs.chmodSync(path.join(ca, 'ca.crt'), 0o644);
    volumes.push(`${ca}:${path.dirname(CA_BUNDLE_PATH)}:ro`);
    Object.assign(env, { STEWARD_CA_BUNDLE: CA_BUNDLE_PATH, STEWARD_EGRESS: 'loopback' });
  }
  Object.assign(env, options.env);
  const args = ['run', '--name', options.name, '--network=host', ...run.options,
    ...volumes.flatMap((v) => ['--volume', v]), ...Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]), options.image ?? imageTag()];
  const child = spawn('podman', args, { env: podmanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    container: options.name,
    process: child,
    exited,
    async stop(signal = 'TERM') {
      await podman(['kill', '--signal', signal, options.name]).catch(() => undefined);
      return exited;
    },
    async remove() {
      await podman(['rm', '--force', '--ignore', options.name]);
      fs.rmSync(mounts, { recursive: true, force: true });
    },
  };
}

/**
 * Writes what Kubernetes mounts for a pod's ServiceAccount (a token from the TokenRequest API, the API
 * server's CA, the namespace) into `dir`, readable by any user as the kubelet's default mode 0644 makes
 * them; returns the API server's URL.
 */
async function writeServiceAccountMount(admin: KubeRest, account: { namespace: string; name: string }, dir: string): Promise<URL> {
  const request = await admin.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${account.namespace}/serviceaccounts/${account.name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const cluster = admin.config.getCurrentCluster();
  if (!cluster?.caData) throw new Error('the stack\'s admin kubeconfig names no API server CA (certificate-authority-data)');
  fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  const files = { token: request.status.token, 'ca.crt': Buffer.from(cluster.caData, 'base64').toString(), namespace: account.namespace };
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content, { mode: 0o644 });
  return new URL(cluster.server);
}
