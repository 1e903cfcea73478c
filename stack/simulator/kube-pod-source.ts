import * as k8s from '@kubernetes/client-node';
import { sleep } from '../process.js';
import { PodConfigCheck, type ObjectReader } from './config-check.js';
import { podRecordOf, STELLAR_CORE_SELECTOR, type PodRecord } from './pod-record.js';
import { KubeRest } from '../../kube/rest.js';
import { watchCollection, type RunningWatch } from '../../kube/resource-watcher.js';
import type { PodSource, ReadyTarget } from './pod-source.js';

/** Options of `kubePodSource`. */
export interface KubePodSourceOptions {
  kubeconfigPath: string;
  /** Passphrase for pods that name no network. */
  defaultNetwork: string;
  /** Milliseconds between two snapshots, at most (default 250). */
  pollIntervalMs?: number;
  log: (message: string) => void;
}

/** Default milliseconds between two snapshots. */
export const DEFAULT_POLL_INTERVAL_MS = 250;

/** Milliseconds between two snapshots when nothing changed. */
const RESYNC_MS = 1000;

/**
 * A pod source that watches the pods labelled `stellar.org/stellar-core=true` in all namespaces, as a
 * kubelet watches its pods, and delivers the Running ones with a pod IP, each judged on its mounted config
 * (config-check.ts: a refused config makes the pod crash-loop and go unserved). A snapshot is built from
 * what the watch holds, at most every `pollIntervalMs`, when a pod changed or while a pod waits on its
 * config (a fixed ConfigMap brings it back), and at least every second. The watch relists after any failure, so the snapshot is
 * level-based; while the API cannot be reached the last snapshot stays. Before, the source listed every
 * pod every 250 ms: at 1,000 pods that list kept the simulator's event loop busy, and every pod's `/info`
 * answered hundreds of ms late, as no stellar-core does.
 * Throws when the kubeconfig's API server is not on a loopback address (the simulator dials nothing else).
 */
export function kubePodSource(options: KubePodSourceOptions): PodSource {
  const config = new k8s.KubeConfig();
  config.loadFromFile(options.kubeconfigPath);
  const server = config.getCurrentCluster()?.server ?? '';
  if (!isLoopbackUrl(server)) {
    throw new Error(`kubeconfig ${options.kubeconfigPath} points at ${server || 'no server'}; the simulator only dials loopback`);
  }
  const rest = new KubeRest(config);
  const configs = new PodConfigCheck(config.makeApiClient(k8s.CoreV1Api), objectReader(rest), options.log);
  const pods = new Map<string, k8s.V1Pod>();
  const state = { changed: false, listed: false, stopped: false };
  let watch: RunningWatch | undefined;
  let loop: Promise<void> = Promise.resolve();
  const snapshot = async (): Promise<PodRecord[]> => {
    const items = [...pods.values()];
    const records = items.flatMap((pod) => podRecordOf(pod, options.defaultNetwork) ?? []);
    return configs.judge(items, records, Date.now());
  };
  return {
    describe: `Kubernetes at ${server}`,
    writeReady: (pod, ready) => writeReady(rest, pod, ready),
    start(onPods) {
      watch = watchCollection(rest, { path: '/api/v1/pods', labelSelector: STELLAR_CORE_SELECTOR }, (change) => {
        const key = `${change.namespace}/${change.name}`;
        if (change.type === 'DELETED') pods.delete(key);
        else pods.set(key, change.object as k8s.V1Pod);
        state.changed = true;
      }, options.log, {
        // A complete list is a snapshot to deliver, even of no pods.
        onListed: () => Object.assign(state, { listed: true, changed: true }),
      });
      // Besides every change, a snapshot each RESYNC_MS, as the kubelet's housekeeping resyncs its pods:
      // the server retries there what failed (a pod address still held by the pod that had it before).
      loop = deliverSnapshots(snapshot, onPods, (sinceLastMs) => snapshotDue({ ...state, waiting: configs.waiting(), sinceLastMs }), state, options);
    },
    async stop() {
      state.stopped = true;
      watch?.stop();
      await loop;
    },
  };
}

/**
 * Whether the pod source delivers a snapshot now: never before the watch's first complete list; then when a
 * pod changed, while a pod waits on its config, and RESYNC_MS after the last one.
 */
export function snapshotDue(now: { listed: boolean; changed: boolean; waiting: boolean; sinceLastMs: number }): boolean {
  return now.listed && (now.changed || now.waiting || now.sinceLastMs >= RESYNC_MS);
}

/**
 * Every `pollIntervalMs`, delivers a snapshot when `due(ms since the last one)`; a failed snapshot (its
 * ConfigMap reads) is logged once per distinct error and tried again on the next tick.
 */
async function deliverSnapshots(snapshot: () => Promise<PodRecord[]>, onPods: (records: PodRecord[]) => void, due: (sinceLastMs: number) => boolean, state: { changed: boolean; stopped: boolean }, options: KubePodSourceOptions): Promise<void> {
  let lastError = '';
  let lastAt = 0;
  while (!state.stopped) {
    if (due(Date.now() - lastAt)) {
      state.changed = false;
      try {
        const records = await snapshot();
        lastAt = Date.now();
        if (!state.stopped) onPods(records);
        if (lastError) options.log('judging pods works again');
        lastError = '';
      } catch (error) {
        state.changed = true;
        const message = error instanceof Error ? error.message : String(error);
        if (message !== lastError) options.log(`judging stellar-core pods failed (will retry): ${message}`);
        lastError = message;
      }
    }
    await sleep(options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
  }
}

/** Reads a ConfigMap's or Secret's `data` by name (`{}` when it has none); undefined when it does not exist. */
function objectReader(rest: KubeRest): ObjectReader {
  return async (kind, namespace, name) => {
    const object = await rest.getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${encodeURIComponent(namespace)}/${kind}/${encodeURIComponent(name)}`);
    return object ? object.data ?? {} : undefined;
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

/** True when a URL's host is `localhost`, `::1` or inside 127.0.0.0/8. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  } catch {
    return false;
  }
}
