import type { SimPod } from './node-state.js';
import { isLoopbackIPv4, type PodRecord } from './pod-record.js';
import { parseScenario } from './scenario.js';

/** The simulated pods after one snapshot of the cluster, and what deserves a warning. */
export interface PodSync {
  /** By pod uid. */
  pods: Map<string, SimPod>;
  /** Messages naming the pod: unknown scenarios and pod IPs outside loopback (once per change). */
  warnings: string[];
}

/**
 * Merges a full snapshot of the Running stellar-core pods into the simulated pods (level-based: pods
 * missing from the snapshot are dropped). A pod keeps its start time while its uid lives; its scenario restarts its clock whenever the annotation text changes. Warnings are produced only
 * for pods that are new or whose IP or scenario text changed, so a steady cluster logs nothing.
 */
export function syncPods(previous: ReadonlyMap<string, SimPod>, records: readonly PodRecord[], nowMs: number): PodSync {
  const pods = new Map<string, SimPod>();
  const warnings: string[] = [];
  for (const record of records) {
    const before = previous.get(record.uid);
    const scenarioText = record.scenarioText ?? '';
    const scenarioChanged = !before || before.scenarioText !== scenarioText;
    const parsed = parseScenario(scenarioText);
    if (scenarioChanged && parsed.problem) warnings.push(`pod ${record.key}: ${parsed.problem}; simulating it as synced`);
    if ((!before || before.ip !== record.ip) && !isLoopbackIPv4(record.ip)) {
      warnings.push(`pod ${record.key}: IP ${record.ip} is outside 127.0.0.0/8; the simulator does not serve it`);
    }
    pods.set(record.uid, {
      key: record.key,
      uid: record.uid,
      ip: record.ip,
      network: record.network,
      scenarioText,
      scenario: parsed.scenario,
      scenarioSinceMs: !before || scenarioChanged ? nowMs : before.scenarioSinceMs,
      startedOnMs: before?.startedOnMs ?? nowMs,
      ...(record.dnsName ? { dnsName: record.dnsName } : {}),
      ...(record.queryPort ? { queryPort: record.queryPort } : {}),
      ...(record.readinessProbe !== undefined ? { readinessProbe: record.readinessProbe } : {}),
      ...(record.ready !== undefined ? { ready: record.ready } : {}),
      ...(record.containerStatuses ? { containerStatuses: record.containerStatuses } : {}),
      ...(record.refusal ? { refusal: record.refusal } : {}),
    });
  }
  return { pods, warnings };
}

/**
 * True when the simulator listens for this pod: a loopback IPv4 pod IP, a reachable scenario, and a config
 * stellar-core accepts (a refused one makes stellar-core exit before it opens any port).
 */
export function shouldListen(pod: SimPod): boolean {
  return isLoopbackIPv4(pod.ip) && pod.scenario.kind !== 'unreachable' && !pod.refusal;
}

/** Which listeners to open and close to match the simulated pods. */
export interface ListenerPlan {
  /** Pods that should be served and have no listener. */
  open: SimPod[];
  /** Uids of listeners whose pod is gone, must not be served, or moved to another IP. */
  close: string[];
}

/** The listener changes that make `listeners` (pod uid -> IP listened on) match `pods`. */
export function listenerPlan(pods: ReadonlyMap<string, SimPod>, listeners: ReadonlyMap<string, string>): ListenerPlan {
  const close: string[] = [];
  for (const [uid, ip] of listeners) {
    const pod = pods.get(uid);
    if (!pod || !shouldListen(pod) || pod.ip !== ip) close.push(uid);
  }
  const open = [...pods.values()].filter((pod) => shouldListen(pod) && listeners.get(pod.uid) !== pod.ip);
  return { open, close };
}
