import * as k8s from '@kubernetes/client-node';
import { kubeletStatus, type PodStatusLike } from './crash-loop.js';
import { podConfigVerdict, type ConfigVerdict, type NamespaceObjects } from './pod-config.js';
import type { PodRecord } from './pod-record.js';

/** Milliseconds a namespace's ConfigMaps and Secrets are reused before they are read again (the kubelet, too, syncs mounted ConfigMaps with a delay). */
export const OBJECTS_MAX_AGE_MS = 1000;

/**
 * Judges the mounted config of every simulated pod (pod-config.ts) and writes the container status a
 * kubelet would write for it (crash-loop.ts). stellar-core reads its config only when it starts: a pod
 * whose config was accepted keeps running whatever its ConfigMap becomes later, while a refused one is
 * judged again on every pass (each kubelet restart reads the mounted file again, so a fix brings it back). A namespace's ConfigMaps and Secrets are read at most once
 * per {@link OBJECTS_MAX_AGE_MS}, and at once when a pod appears there, so a new pod is never served
 * before its config was checked.
 */
export class PodConfigCheck {
  private readonly objects = new Map<string, { objects: NamespaceObjects; readAtMs: number }>();
  private readonly verdicts = new Map<string, string>();
  private readonly running = new Set<string>();
  private readonly failures = new Map<string, string>();
  private anyWaiting = false;

  constructor(
    private readonly core: k8s.CoreV1Api,
    private readonly log: (message: string) => void,
  ) {}

  /** The records, each with its refusal when stellar-core would refuse the pod's config. */
  async judge(pods: readonly k8s.V1Pod[], records: readonly PodRecord[], nowMs: number): Promise<PodRecord[]> {
    const byUid = new Map(pods.map((pod) => [pod.metadata?.uid ?? '', pod]));
    const fresh = new Set(records.filter((r) => !this.verdicts.has(r.uid)).map((r) => r.key.split('/')[0] ?? ''));
    // Only pods not yet started read their config: a started one keeps the config it started with.
    const namespaces = new Set(this.notStarted(records).map((r) => r.key.split('/')[0] ?? ''));
    await Promise.all([...namespaces].map((ns) => this.refresh(ns, fresh.has(ns), nowMs)));
    const judged: PodRecord[] = [];
    for (const record of records) {
      const pod = byUid.get(record.uid);
      const objects = this.objects.get(record.key.split('/')[0] ?? '')?.objects;
      const started = this.running.has(record.uid);
      const verdict: ConfigVerdict = started ? { checked: true } : pod && objects ? podConfigVerdict(pod.spec, record.network, objects) : { checked: false };
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

  private async refresh(namespace: string, now: boolean, nowMs: number): Promise<void> {
    const cached = this.objects.get(namespace);
    if (cached && !now && nowMs - cached.readAtMs < OBJECTS_MAX_AGE_MS) return;
    const [configMaps, secrets] = await Promise.all([this.core.listNamespacedConfigMap({ namespace }), this.core.listNamespacedSecret({ namespace })]);
    this.objects.set(namespace, {
      readAtMs: nowMs,
      objects: {
        configMaps: new Map(configMaps.items.map((c) => [c.metadata?.name ?? '', c.data ?? {}])),
        secrets: new Map(secrets.items.map((s) => [s.metadata?.name ?? '', s.data ?? {}])),
      },
    });
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
