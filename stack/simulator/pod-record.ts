import { isIPv4 } from 'node:net';
import { passphraseOf } from './network.js';
import type { ConfigRefusal } from './pod-config.js';
import { SCENARIO_ANNOTATION } from './scenario.js';

/** The label selector of pods the simulator serves (the project's stellar-core label). */
export const STELLAR_CORE_SELECTOR = 'stellar.org/stellar-core=true';

/** The pod annotation that names a pod's network passphrase (wins over the container env). */
export const NETWORK_ANNOTATION = 'stellar.org/network-passphrase';

/** The container env var that names a pod's network passphrase when the annotation is absent. */
export const NETWORK_ENV = 'NETWORK_PASSPHRASE';

/** What the simulator needs to know of one Running stellar-core pod. */
export interface PodRecord {
  /** `namespace/name`. */
  key: string;
  uid: string;
  /** `status.podIP` (may lie outside loopback: the simulator then refuses to serve it). */
  ip: string;
  /** The passphrase of the pod's network. */
  network: string;
  /** The scenario annotation, when present. */
  scenarioText?: string;
  /**
   * The pod's DNS name through its headless Service, `<spec.hostname>.<spec.subdomain>.<namespace>.svc.cluster.local`
   * (what a StatefulSet gives its pods), when the pod has both; what the simulated cluster DNS resolves.
   */
  dnsName?: string;
  /**
   * The port of stellar-core's query server (HTTP_QUERY_PORT): the first container's port named `query`,
   * when it declares one. Validators have none (stellar-core refuses it with NODE_IS_VALIDATOR).
   */
  queryPort?: number;
  /** The first container's `readinessProbe`, as the API returns it (the simulator plays its prober). */
  readinessProbe?: unknown;
  /** The pod's `Ready` condition as the API holds it now (absent: no such condition). */
  ready?: boolean;
  /** `status.containerStatuses` as the API holds them, to rewrite with their `ready` flags. */
  containerStatuses?: Record<string, unknown>[];
  /** Set when stellar-core would refuse the config the pod mounts: the pod is then never served. */
  refusal?: ConfigRefusal;
}

/** The container port name under which a pod declares its query server. */
export const QUERY_PORT_NAME = 'query';

/** The parts of a Kubernetes pod the simulator reads (structurally a subset of `V1Pod`). */
export interface PodLike {
  metadata?: { namespace?: string; name?: string; uid?: string; annotations?: Record<string, string> };
  spec?: {
    hostname?: string;
    subdomain?: string;
    containers?: { env?: { name: string; value?: string }[]; ports?: { name?: string; containerPort: number }[]; readinessProbe?: unknown }[];
  };
  status?: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[]; containerStatuses?: object[] };
}

/**
 * The record of a pod to simulate, or undefined when the pod is not `Running`, has no pod IP or lacks
 * a name or uid. The network is the `stellar.org/network-passphrase` annotation, else the plain `value`
 * of `NETWORK_PASSPHRASE` in the first container's env, else `defaultNetwork` (names such as `Testnet`
 * are turned into passphrases). `spec.hostname` with `spec.subdomain` give its DNS name.
 */
export function podRecordOf(pod: PodLike, defaultNetwork: string): PodRecord | undefined {
  const { namespace, name, uid, annotations = {} } = pod.metadata ?? {};
  const ip = pod.status?.podIP;
  if (pod.status?.phase !== 'Running' || !ip || !name || !uid) return undefined;
  const fromEnv = pod.spec?.containers?.[0]?.env?.find((e) => e.name === NETWORK_ENV)?.value;
  const network = passphraseOf(annotations[NETWORK_ANNOTATION] || fromEnv || defaultNetwork);
  const scenarioText = annotations[SCENARIO_ANNOTATION];
  const { hostname, subdomain } = pod.spec ?? {};
  const dnsName = hostname && subdomain ? `${hostname}.${subdomain}.${namespace ?? 'default'}.svc.cluster.local` : undefined;
  const container = pod.spec?.containers?.[0];
  const queryPort = container?.ports?.find((p) => p.name === QUERY_PORT_NAME)?.containerPort;
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  return {
    key: `${namespace ?? 'default'}/${name}`, uid, ip, network,
    ...(scenarioText !== undefined ? { scenarioText } : {}), ...(dnsName ? { dnsName } : {}), ...(queryPort ? { queryPort } : {}),
    ...(container?.readinessProbe ? { readinessProbe: container.readinessProbe } : {}),
    ...(ready !== undefined ? { ready: ready === 'True' } : {}),
    ...(pod.status?.containerStatuses ? { containerStatuses: pod.status.containerStatuses as Record<string, unknown>[] } : {}),
  };
}

/**
 * True for an IPv4 address inside 127.0.0.0/8: the only addresses the simulator binds and the service
 * proxy serves or dials.
 */
export function isLoopbackIPv4(ip: string | undefined): ip is string {
  return ip !== undefined && isIPv4(ip) && ip.startsWith('127.');
}
