import { mergeConditions, type Condition } from './conditions.js';
import { nextReplicaHealth, type ReplicaCheckResult, type ReplicaHealth } from './replica-health.js';

/** One server of a PostgresReplicaSet spec. */
export interface PgServerSpec {
  host: string;
  port: number;
  database?: string;
  applicationName?: string;
  podName?: string;
}

/** The PostgresReplicaSet spec (stellar.org/v1alpha1). */
export interface ReplicaSetSpec {
  primary: PgServerSpec;
  replicas: PgServerSpec[];
  credentialsSecretRef: { name: string };
  healthCheckIntervalSeconds?: number;
  failureThreshold?: number;
  maxLagBytes?: number;
  maxLagSeconds?: number;
  routingService?: { name: string; port?: number };
}

/** A replica's entry in status. */
export interface ReplicaStatus {
  host: string;
  port: number;
  healthy: boolean;
  reason: string;
  message: string;
  lastHealthCheck?: string;
  failureCount: number;
  responseTimeMs?: number;
  lagBytes?: number;
  lagSeconds?: number;
  streaming?: boolean;
}

/** The PostgresReplicaSet status. */
export interface ReplicaSetStatus {
  observedGeneration: number;
  replicaCount: number;
  healthyReplicas: number;
  /** `host:port` of the servers the routing Service reaches. */
  routingTo: string[];
  replicas: ReplicaStatus[];
  conditions: Condition[];
}

/** One iteration's decision. */
export interface ReplicaSetDecision {
  health: Record<string, ReplicaHealth>;
  status: ReplicaSetStatus;
  /** Pods the routing Service must select (healthy replicas' pods, or the primary's when none is). */
  routedPods: string[];
  /** Transitions for Events. */
  transitions: { type: 'Normal' | 'Warning'; reason: string; message: string }[];
}

/** The key of a server: `host:port`. */
export function serverKey(server: PgServerSpec): string {
  return `${server.host}:${server.port}`;
}

/**
 * Feeds each replica's check through the health state machine (unhealthy after `failureThreshold`
 * consecutive failures or lag over the bounds, healthy again after one good check), then decides the
 * routing (healthy replicas, else the primary), the status and the transition Events. Pure.
 */
export function decideReplicaSet(spec: ReplicaSetSpec, generation: number, previous: Record<string, ReplicaHealth>, checks: Record<string, ReplicaCheckResult>, previousStatus: ReplicaSetStatus | undefined, now: number): ReplicaSetDecision {
  const options = { failureThreshold: spec.failureThreshold ?? 3, maxLagBytes: spec.maxLagBytes, maxLagSeconds: spec.maxLagSeconds };
  const health: Record<string, ReplicaHealth> = {};
  const transitions: ReplicaSetDecision['transitions'] = [];
  const replicas: ReplicaStatus[] = spec.replicas.map((replica) => {
    const key = serverKey(replica);
    const before = previous[key] ?? { healthy: true, reason: 'Unchecked', message: 'not checked yet', failureCount: 0 };
    const check = checks[key];
    const after = check ? nextReplicaHealth(before as ReplicaHealth, check, options) : (before as ReplicaHealth);
    health[key] = after;
    if (before.healthy !== after.healthy) {
      transitions.push(after.healthy
        ? { type: 'Normal', reason: 'ReplicaHealthy', message: `replica ${key} is healthy again` }
        : { type: 'Warning', reason: 'ReplicaUnhealthy', message: `replica ${key} left the routing set: ${after.reason} (${after.message})` });
    }
    return {
      host: replica.host, port: replica.port, healthy: after.healthy, reason: after.reason, message: after.message,
      lastHealthCheck: after.lastHealthCheck === undefined ? undefined : new Date(after.lastHealthCheck).toISOString(),
      failureCount: after.failureCount, responseTimeMs: after.responseTimeMs === undefined ? undefined : Math.round(after.responseTimeMs),
      lagBytes: after.lagBytes === undefined ? undefined : Math.round(after.lagBytes), lagSeconds: after.lagSeconds, streaming: after.streaming,
    };
  });
  const healthy = spec.replicas.filter((r) => health[serverKey(r)]?.healthy);
  const routed = healthy.length > 0 ? healthy : [spec.primary];
  const conditions = mergeConditions(previousStatus?.conditions, [
    healthy.length > 0
      ? { type: 'Ready', status: 'True', reason: 'HealthyReplicas', message: `${healthy.length} of ${spec.replicas.length} replicas healthy`, observedGeneration: generation }
      : { type: 'Ready', status: 'False', reason: 'NoHealthyReplica', message: 'no replica is healthy: reads are routed to the primary', observedGeneration: generation },
    healthy.length < spec.replicas.length
      ? { type: 'Degraded', status: 'True', reason: 'UnhealthyReplicas', message: replicas.filter((r) => !r.healthy).map((r) => `${r.host}:${r.port} ${r.reason}`).join('; '), observedGeneration: generation }
      : { type: 'Degraded', status: 'False', reason: 'AllHealthy', message: 'every replica is healthy', observedGeneration: generation },
  ], new Date(now).toISOString());
  return {
    health,
    transitions,
    routedPods: routed.flatMap((s) => (s.podName ? [s.podName] : [])),
    status: {
      observedGeneration: generation, replicaCount: spec.replicas.length, healthyReplicas: healthy.length,
      routingTo: routed.map(serverKey), replicas, conditions,
    },
  };
}
