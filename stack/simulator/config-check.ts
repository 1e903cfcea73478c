import * as k8s from '@kubernetes/client-node';
import { bounded } from '../../domain/bounded.js';
import { kubeletStatus, type PodStatusLike } from './crash-loop.js';
import { podConfigSources, podConfigVerdict, type ConfigVerdict, type NamespaceObjects } from './pod-config.js';
import type { PodRecord } from './pod-record.js';

/** Milliseconds a ConfigMap or Secret is reused before it is read again (the kubelet, too, syncs mounted ConfigMaps with a delay). */
export const OBJECTS_MAX_AGE_MS = 1000;

/** Reads at once, at most, when many pods wait on their config (a fleet starting). */
const READ_CONCURRENCY = 16;

/** Reads one ConfigMap's or Secret's `data`; undefined when it does not exist. */
export type ObjectReader = (kind: 'configmaps' | 'secrets', namespace: string, name: string) => Promise<Record<string, string> | undefined>;

/**
 * Judges the mounted config of every simulated pod (pod-config.ts) and writes the container status a
 * kubelet would write for it (crash-loop.ts). stellar-core reads its config only when it starts: a pod
 * whose config was accepted keeps running whatever its ConfigMap becomes later, while a refused one is
 * judged again on every pass (each kubelet restart reads the mounted file again, so a fix brings it back).
 * As a kubelet does, it reads only the ConfigMap and Secret a waiting pod references, each by name: at most
 * once per {@link OBJECTS_MAX_AGE_MS}, and at once for a pod it has not judged yet, so a new pod is never
 * served before its config was checked. (Listing the namespace's ConfigMaps instead, 3.3 MB at 1,000 pools,
 * loaded the API server and held up the snapshot each time a pod started.)
 */
export class PodConfigCheck {
  /** Objects read for waiting pods, by `kind/namespace/name`; undefined data: it does not exist. */
  private readonly objects = new Map<string, { data: Record<string, string> | undefined; readAtMs: number }>();
  private readonly verdicts = new Map<string, string>();
  private readonly running = new Set<string>();
  private readonly failures = new Map<string, string>();
  private anyWaiting = false;

  constructor(
    private readonly core: k8s.CoreV1Api,
    private readonly read: ObjectReader,
    private readonly log: (message: string) => void,
  ) {}

  /** The records, each with its refusal when stellar-core would refuse the pod's config. */
  async judge(pods: readonly k8s.V1Pod[], records: readonly PodRecord[], nowMs: number): Promise<PodRecord[]> {
    const byUid = new Map(pods.map((pod) => [pod.metadata?.uid ?? '', pod]));
    // Only pods not yet started read their config: a started one keeps the config it started with.
    const waiting = this.notStarted(records).flatMap((r) => byUid.get(r.uid) ?? []);
    await this.refresh(waiting, nowMs);
    const judged: PodRecord[] = [];
    for (const record of records) {
      const pod = byUid.get(record.uid);
      const started = this.running.has(record.uid);
      const verdict: ConfigVerdict = started ? { checked: true } : pod ? podConfigVerdict(pod.spec, record.network, this.objectsOf(pod)) : { checked: false };
      if (verdict.checked && !verdict.refusal) this.running.add(record.uid);
      this.note(record, verdict);
      if (pod) await this.writeStatus(pod, verdict, nowMs);
      judged.push(verdict.refusal ? { ...record, refusal: verdict.refusal } : record);
    }
    for (const uid of [...this.verdicts.keys()]) if (!byUid.has(uid)) this.verdicts.delete(uid);
    for (const uid of [...this.running]) if (!byUid.has(uid)) this.running.delete(uid);
    this.anyWaiting = this.notStarted(records).length > 0;
    return judged;
  }

  private notStarted(records: readonly PodRecord[]): PodRecord[] {
    return records.filter((r) => !this.running.has(r.uid));
  }

  /** True when the last judgement left a pod not started (refused or unchecked): the next must judge it again. */
  waiting(): boolean {
    return this.anyWaiting;
  }

  /**
   * Reads what the waiting pods reference: an object older than OBJECTS_MAX_AGE_MS, and every object of a
   * pod not judged yet. Forgets the objects no waiting pod references.
   */
  private async refresh(waiting: readonly k8s.V1Pod[], nowMs: number): Promise<void> {
    const due = new Map<string, { kind: 'configmaps' | 'secrets'; namespace: string; name: string }>();
    const referenced = new Set<string>();
    for (const pod of waiting) {
      const fresh = !this.verdicts.has(pod.metadata?.uid ?? '');
      for (const ref of objectRefs(pod)) {
        const key = objectKey(ref);
        referenced.add(key);
        const cached = this.objects.get(key);
        if (!cached || fresh || nowMs - cached.readAtMs >= OBJECTS_MAX_AGE_MS) due.set(key, ref);
      }
    }
    for (const key of [...this.objects.keys()]) if (!referenced.has(key)) this.objects.delete(key);
    await bounded([...due.entries()], READ_CONCURRENCY, async ([key, ref]) => {
      this.objects.set(key, { data: await this.read(ref.kind, ref.namespace, ref.name), readAtMs: nowMs });
    });
  }

  /** The objects a pod references, as read (absent ones left out, as the API would not find them). */
  private objectsOf(pod: k8s.V1Pod): NamespaceObjects {
    const configMaps = new Map<string, Record<string, string>>();
    const secrets = new Map<string, Record<string, string>>();
    for (const ref of objectRefs(pod)) {
      const data = this.objects.get(objectKey(ref))?.data;
      if (data) (ref.kind === 'configmaps' ? configMaps : secrets).set(ref.name, data);
    }
    return { configMaps, secrets };
  }

  /** Logs a pod's verdict when it changes: one line when its config is refused, one when accepted again. */
  private note(record: PodRecord, verdict: ConfigVerdict): void {
    const text = verdict.refusal ? `${verdict.refusal.waiting} (rule ${verdict.refusal.rule}): ${verdict.refusal.message}` : 'accepted';
    const before = this.verdicts.get(record.uid);
    this.verdicts.set(record.uid, text);
    if (before === text || (before === undefined && !verdict.refusal)) return;
    this.log(verdict.refusal ? `${record.key}: stellar-core refuses its config: ${text}` : `${record.key}: its config is accepted now`);
  }

  private async writeStatus(pod: k8s.V1Pod, verdict: ConfigVerdict, nowMs: number): Promise<void> {
    const { name = '', namespace = 'default', uid = '' } = pod.metadata ?? {};
    const status = kubeletStatus(pod.status as PodStatusLike, verdict.refusal, nowMs, `${name}_${namespace}(${uid})`);
    if (!status) return;
    try {
      await this.core.patchNamespacedPodStatus({ name, namespace, body: { status } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      this.failures.delete(uid);
    } catch (error) {
      const message = `cannot write the status of pod ${namespace}/${name}: ${(error as Error).message}`;
      if (this.failures.get(uid) !== message) this.log(`warning: ${message} (will retry)`);
      this.failures.set(uid, message);
    }
  }
}

/** The ConfigMaps and Secrets a pod's config check reads, in its namespace. */
function objectRefs(pod: k8s.V1Pod): { kind: 'configmaps' | 'secrets'; namespace: string; name: string }[] {
  const namespace = pod.metadata?.namespace ?? 'default';
  const { configMaps, secrets } = podConfigSources(pod.spec);
  return [
    ...configMaps.map((name) => ({ kind: 'configmaps' as const, namespace, name })),
    ...secrets.map((name) => ({ kind: 'secrets' as const, namespace, name })),
  ];
}

function objectKey(ref: { kind: string; namespace: string; name: string }): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}
