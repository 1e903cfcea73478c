import type { PodRecord } from './pod-record.js';

/** Receives a full snapshot of the Running stellar-core pods (level-based: absent pods are gone). */
export type PodListener = (records: PodRecord[]) => void;

/**
 * Where the simulator learns which pods to simulate: the Kubernetes API in the local stack, a static
 * list in tests. A source calls its listener with full snapshots, as often as it likes.
 */
export interface PodSource {
  /** What the source reads, for logs (e.g. `Kubernetes at https://127.0.0.1:6443`). */
  describe: string;
  start(onPods: PodListener): void;
  /** Stops delivering snapshots; resolves when no further call to the listener can happen. */
  stop(): Promise<void>;
  /**
   * Sets a pod's Ready condition (and its containers' `ready`), as the kubelet does after its readiness
   * probe; a later snapshot shows it. Throws when the write fails (the simulator retries on a later snapshot).
   */
  writeReady?(pod: ReadyTarget, ready: boolean): Promise<void>;
}

/** The pod whose readiness is written: its key, uid (a recreated pod is not touched) and container statuses. */
export interface ReadyTarget {
  key: string;
  uid: string;
  containerStatuses?: Record<string, unknown>[];
}

/** A pod source whose snapshot is set by hand. */
export interface StaticPodSource extends PodSource {
  /** Replaces the snapshot and delivers it at once (when started). */
  set(records: PodRecord[]): void;
}

/** A pod source serving a fixed list of pod records, replaceable with `set` (for tests and demos). */
export function staticPodSource(initial: PodRecord[]): StaticPodSource {
  let records = [...initial];
  let listener: PodListener | undefined;
  return {
    describe: 'a static pod list',
    start(onPods) {
      listener = onPods;
      onPods([...records]);
    },
    set(next) {
      records = [...next];
      listener?.([...records]);
    },
    async writeReady(pod, ready) {
      records = records.map((record) => (record.uid === pod.uid ? { ...record, ready } : record));
      listener?.([...records]);
    },
    async stop() {
      listener = undefined;
    },
  };
}
