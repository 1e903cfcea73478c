import * as k8s from '@kubernetes/client-node';
import { sleep } from '../process.js';
import { PodConfigCheck } from './config-check.js';
import { podRecordOf, STELLAR_CORE_SELECTOR, type PodRecord } from './pod-record.js';
import { KubeRest } from '../../kube/rest.js';
import type { PodSource, ReadyTarget } from './pod-source.js';

/** Options of `kubePodSource`. */
export interface KubePodSourceOptions {
  kubeconfigPath: string;
  /** Passphrase for pods that name no network. */
  defaultNetwork: string;
  /** Milliseconds between two lists of the pods (default 250). */
  pollIntervalMs?: number;
  log: (message: string) => void;
}

/** Default milliseconds between two pod lists. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/**
 * A pod source that lists the pods labelled `stellar.org/stellar-core=true` in all namespaces every
 * `pollIntervalMs` and delivers the Running ones with a pod IP, each judged on its mounted config
 * (config-check.ts: a refused config makes the pod crash-loop and go unserved). Polling a full list is level-based and
 * needs no resume logic; a failed list is logged (once per distinct error) and the last snapshot stays.
 * Throws when the kubeconfig's API server is not on a loopback address (the simulator dials nothing else).
 */
export function kubePodSource(options: KubePodSourceOptions): PodSource {
  const config = new k8s.KubeConfig();
  config.loadFromFile(options.kubeconfigPath);
  const server = config.getCurrentCluster()?.server ?? '';
  if (!isLoopbackUrl(server)) {
    throw new Error(`kubeconfig ${options.kubeconfigPath} points at ${server || 'no server'}; the simulator only dials loopback`);
  }
  const core = config.makeApiClient(k8s.CoreV1Api);
  const configs = new PodConfigCheck(core, options.log);
  const list = async (): Promise<PodRecord[]> => {
    const pods = await core.listPodForAllNamespaces({ labelSelector: STELLAR_CORE_SELECTOR });
    const records = pods.items.flatMap((pod) => podRecordOf(pod, options.defaultNetwork) ?? []);
    return configs.judge(pods.items, records, Date.now());
  };
  const rest = new KubeRest(config);
  let stopped = false;
  let loop: Promise<void> = Promise.resolve();
  return {
    describe: `Kubernetes at ${server}`,
    writeReady: (pod, ready) => writeReady(rest, pod, ready),
    start(onPods) {
      loop = pollPods(list, onPods, () => stopped, options);
    },
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

/** The field manager of the simulator's kubelet writes. */
export const SIMULATOR_FIELD_MANAGER = 'stellar-steward-simulator';

/**
 * Sets a pod's `Ready` and `ContainersReady` conditions and its containers' `ready` through the status
 * subresource, as the kubelet reports a readiness probe (a strategic merge patch: conditions merge by
 * type). The patch names the pod's uid, so a pod recreated under the same name is left alone (409).
 */
async function writeReady(rest: KubeRest, pod: ReadyTarget, ready: boolean): Promise<void> {
  const [namespace, name] = pod.key.split('/');
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const condition = (type: string): Record<string, unknown> => ({
    type, status: ready ? 'True' : 'False', lastTransitionTime: now, ...(ready ? {} : { reason: 'ContainersNotReady', message: 'readiness probe failed' }),
  });
  const patch = {
    metadata: { uid: pod.uid },
    status: {
      conditions: [condition('Ready'), condition('ContainersReady')],
      ...(pod.containerStatuses ? { containerStatuses: pod.containerStatuses.map((status) => ({ ...status, ready })) } : {}),
    },
  };
  await rest.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${name}/status`, {
    body: patch, contentType: 'application/strategic-merge-patch+json', query: { fieldManager: SIMULATOR_FIELD_MANAGER },
  });
}

async function pollPods(list: () => Promise<PodRecord[]>, onPods: (records: PodRecord[]) => void, stopped: () => boolean, options: KubePodSourceOptions): Promise<void> {
  let lastError = '';
  while (!stopped()) {
    try {
      const records = await list();
      if (!stopped()) onPods(records);
      if (lastError) options.log('listing pods works again');
      lastError = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastError) options.log(`listing stellar-core pods failed (will retry): ${message}`);
      lastError = message;
    }
    await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }
}

/** True when a URL's host is `localhost`, `::1` or inside 127.0.0.0/8. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}
