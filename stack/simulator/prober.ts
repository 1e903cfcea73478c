import type { SimPod } from './node-state.js';
import { isLoopbackIPv4 } from './pod-record.js';
import type { ReadyTarget } from './pod-source.js';
import { nextTrack, parseReadinessProbe, probeDue, probePasses, type ProbeObservation, type ProbeTrack, type ReadinessProbe } from './readiness.js';

/** What a probe run needs from the simulator: what the node answers on a port and path (undefined: nothing listens). */
export type ProbeTarget = (pod: SimPod, port: number, path: string, nowMs: number) => { status: number; body: string; delayMs: number } | undefined;

/**
 * The kubelet's prober as the simulator plays it, with the kubelet's memory: each pod's probe track, the
 * pods whose probe it cannot judge (warned about once), and the Ready values written but not yet seen in
 * a snapshot (so a stale snapshot does not write them twice).
 */
export class Prober {
  private readonly tracks = new Map<string, ProbeTrack>();
  private readonly unsupported = new Set<string>();
  private readonly written = new Map<string, boolean>();

  constructor(
    private readonly target: ProbeTarget,
    private readonly log: (message: string) => void,
  ) {}

  /**
   * Runs each due readiness probe of the served pods (loopback IPs) and writes a pod's Ready when it
   * differs from what the API holds. A failed write is logged and retried on a later run (level-based).
   */
  async run(pods: ReadonlyMap<string, SimPod>, writeReady: ((pod: ReadyTarget, ready: boolean) => Promise<void>) | undefined, nowMs: number): Promise<void> {
    for (const memory of [this.tracks, this.written]) for (const uid of memory.keys()) if (!pods.has(uid)) memory.delete(uid);
    const writes: Promise<void>[] = [];
    for (const pod of pods.values()) {
      if (!isLoopbackIPv4(pod.ip)) continue;
      const ready = this.readiness(pod, parseReadinessProbe(pod.readinessProbe), nowMs);
      if (this.written.get(pod.uid) === pod.ready) this.written.delete(pod.uid);
      if (!writeReady || ready === pod.ready || this.written.get(pod.uid) === ready) continue;
      this.written.set(pod.uid, ready);
      const write = writeReady(pod, ready).then(
        () => this.log(`${pod.key}: readiness probe ${ready ? 'passes: Ready' : 'fails: not Ready'}`),
        (error: unknown) => {
          this.written.delete(pod.uid);
          this.log(`warning: cannot set ${pod.key} Ready=${ready} (will retry): ${(error as Error).message}`);
        },
      );
      writes.push(write);
    }
    await Promise.all(writes);
  }

  /** The Ready the kubelet would report for a pod now, running its probe when due. */
  private readiness(pod: SimPod, probe: ReadinessProbe, nowMs: number): boolean {
    if (probe.kind === 'none') return true;
    if (probe.kind === 'unsupported') {
      if (!this.unsupported.has(pod.uid)) this.log(`warning: pod ${pod.key}: ${probe.reason}; it stays not Ready`);
      this.unsupported.add(pod.uid);
      return false;
    }
    const track = this.tracks.get(pod.uid);
    if (!probeDue(track, probe.timing, nowMs)) return track?.ready ?? false;
    const next = nextTrack(track, probePasses(probe, this.observe(pod, probe, nowMs)), probe.timing, nowMs);
    this.tracks.set(pod.uid, next);
    return next.ready;
  }

  /** What the probe's curl gets: nothing when the node does not listen there or answers after the timeout. */
  private observe(pod: SimPod, probe: Extract<ReadinessProbe, { kind: 'http-grep' }>, nowMs: number): ProbeObservation {
    const answer = this.target(pod, probe.port, probe.path, nowMs);
    if (!answer || answer.delayMs >= probe.timing.timeoutMs) return { answered: false };
    return { answered: true, status: answer.status, body: answer.body };
  }
}
