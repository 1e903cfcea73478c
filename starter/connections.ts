import { Client, Connection } from '@temporalio/client';
import { KubeApiError, KubeRest } from '../kube/rest.js';
import { readStack } from '../stack/index.js';
import { temporalSettings, type TemporalSettings } from '../worker/temporal-settings.js';
import { NotFoundError } from './output.js';

/** The local stack the CLI falls back to when no TEMPORAL_ADDRESS / KUBECONFIG is set (`STEWARD_STACK`, default `demo`). */
function localStack(): ReturnType<typeof readStack> {
  return readStack(process.env.STEWARD_STACK ?? 'demo');
}

/** Temporal settings: TEMPORAL_* variables, else the running local stack's server, else 127.0.0.1:7233. */
export function cliTemporalSettings(): TemporalSettings {
  const local = process.env.TEMPORAL_ADDRESS ? undefined : localStack();
  if (local) return temporalSettings({ ...process.env, TEMPORAL_ADDRESS: local.temporal.address });
  return temporalSettings();
}

/** The Web UI base: TEMPORAL_UI_URL, else the local stack's, else http://127.0.0.1:8233. */
export function uiBase(): string {
  return process.env.TEMPORAL_UI_URL ?? (process.env.TEMPORAL_ADDRESS ? undefined : localStack()?.temporal.uiUrl) ?? 'http://127.0.0.1:8233';
}

/** The Web UI's workflow list of the Temporal namespace. */
export function uiWorkflows(): string {
  return `${uiBase()}/namespaces/${process.env.TEMPORAL_NAMESPACE ?? 'default'}/workflows`;
}

/** The Temporal Web UI link of a workflow. */
export function uiLink(id: string): string {
  return `Web UI: ${uiWorkflows()}/${encodeURIComponent(id)}`;
}

/** A Temporal client; throws saying where Temporal was looked for and what to do. */
export async function connectTemporal(): Promise<Client> {
  const settings = cliTemporalSettings();
  try {
    const connection = await Connection.connect({ ...settings.connection, connectTimeout: 3000 });
    return new Client({ connection, namespace: settings.namespace });
  } catch (error) {
    throw new Error(`cannot reach Temporal at ${settings.address} (${(error as Error).message}): ` +
      `start the local stack with 'steward stack up' or set TEMPORAL_ADDRESS`);
  }
}

/** The Kubernetes API: KUBECONFIG, else the running local stack's, else ~/.kube/config or in-cluster. */
export function cliKube(): KubeRest {
  const local = process.env.KUBECONFIG ? undefined : localStack()?.kube?.kubeconfigPath;
  return KubeRest.fromFile(local ?? process.env.KUBECONFIG);
}

/**
 * GETs `path` from the cluster, turning failures into errors a person can act on: a missing object
 * or CRD is a NotFoundError naming `what`; an unreachable API server names the server and KUBECONFIG.
 */
export async function kubeGet<T>(kube: KubeRest, path: string, what: string, hint: string): Promise<T> {
  try {
    return await kube.request<T>('GET', path, { timeoutMs: 5000 });
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 404) throw new NotFoundError(`${what} not found in the cluster at ${kube.server}: ${hint}`);
    if (error instanceof KubeApiError && error.status === 403) throw new Error(`not allowed to read ${what} at ${kube.server} (${error.apiMessage}): use credentials that may`);
    if (error instanceof KubeApiError) throw error;
    throw new Error(`cannot reach Kubernetes at ${kube.server} (${(error as Error).message}): set KUBECONFIG, or start the local stack with 'steward stack up'`);
  }
}
