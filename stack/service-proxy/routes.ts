import { isLoopbackIPv4 } from '../simulator/pod-record.js';

/** The fields of a Service the proxy reads. */
export interface ServiceSnapshot {
  metadata: { namespace: string; name: string };
  spec?: {
    clusterIP?: string;
    selector?: Record<string, string>;
    ports?: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  };
}

/** The fields of a Pod the proxy reads. */
export interface PodSnapshot {
  metadata: { namespace: string; name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

/** One Service port on its ClusterIP and the pod addresses behind it (empty when no pod is Ready). */
export interface ServiceRoute {
  /** `namespace/name:port`, for messages. */
  service: string;
  ip: string;
  port: number;
  targets: { pod: string; ip: string; port: number }[];
}

/** The stack's one loopback test (the simulator's), for the proxy's callers. */
export { isLoopbackIPv4 };

/**
 * The routes kube-proxy would program for these Services: every TCP port of a Service with a selector
 * and a loopback ClusterIP, to the Ready, Running, not-terminating pods of its namespace that match the
 * selector and have a loopback IP. A named `targetPort` is looked up in the pod's container ports (a pod
 * without that name is left out, as kube-proxy does); no `targetPort` means the Service port. Services
 * whose ClusterIP is outside loopback are left out: nothing on this machine dials other addresses.
 * Pure; ordered by ClusterIP and port, targets by pod name.
 */
export function serviceRoutes(services: readonly ServiceSnapshot[], pods: readonly PodSnapshot[]): ServiceRoute[] {
  const ready = pods.filter(isServing);
  const routes: ServiceRoute[] = [];
  for (const service of services) {
    const selector = service.spec?.selector ?? {};
    const clusterIP = service.spec?.clusterIP;
    if (!isLoopbackIPv4(clusterIP) || Object.keys(selector).length === 0) continue;
    const selected = ready
      .filter((pod) => pod.metadata.namespace === service.metadata.namespace && Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const port of service.spec?.ports ?? []) {
      if ((port.protocol ?? 'TCP') !== 'TCP') continue;
      const targets = selected.flatMap((pod) => {
        const target = targetPortOf(pod, port.targetPort ?? port.port);
        return target === undefined ? [] : [{ pod: pod.metadata.name, ip: pod.status?.podIP as string, port: target }];
      });
      routes.push({ service: `${service.metadata.namespace}/${service.metadata.name}:${port.port}`, ip: clusterIP, port: port.port, targets });
    }
  }
  return routes.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

function isServing(pod: PodSnapshot): boolean {
  const ready = (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return !pod.metadata.deletionTimestamp && pod.status?.phase === 'Running' && ready && isLoopbackIPv4(pod.status.podIP);
}

function targetPortOf(pod: PodSnapshot, target: number | string): number | undefined {
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const ports = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
  return ports.find((p) => p.name === target)?.containerPort;
}
