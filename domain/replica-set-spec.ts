// The PostgresReplicaSet's spec and status shapes, the names derived from it (route label, finalizer)
// and the spec checks the CRD schema cannot express. Pure.
import type { Condition } from './conditions.js';

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
  /**
   * The pods this set may route to (see `effectivePodSelector`): a pod a server names by `podName` gets the
   * route label only when it carries these labels. Unset or empty: the pod must carry
   * `stellar.org/postgres-replica-set=<set name>`.
   */
  podSelector?: { matchLabels?: Record<string, string> };
}

/**
 * A replica's entry in status. `lastHealthCheck`, `responseTimeMs`, `lagBytes` and `lagSeconds` are
 * readings: they are written with any material change, else refreshed at most once per status refresh
 * period (see `decideReplicaSet`), so a steady replica set writes no status.
 */
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

/** The prefix of every PostgresReplicaSet's route label. */
export const ROUTE_LABEL_PREFIX = 'stellar.org/pg-route-';

/** Label the workflow sets on the pods its routing Service selects (value `true`). */
export const routeLabel = (set: string): string => `${ROUTE_LABEL_PREFIX}${set}`;

/**
 * Finalizer the workflow puts on every PostgresReplicaSet it observes: deletion waits until the route
 * labels it set on pods are removed (owner references cannot remove a label from a pod it does not own).
 */
export const ROUTE_LABELS_FINALIZER = 'stellar.org/route-labels';

/** The key of a server: `host:port`. */
export function serverKey(server: PgServerSpec): string {
  return `${server.host}:${server.port}`;
}

/** A label name (the part after `/`) is at most 63 characters. */
const LABEL_NAME_MAX = 63;

/**
 * What is wrong with a spec beyond its schema, as sentences naming the field: a name too long for the route
 * label, a server listed twice (`host:port`), a pod named by two servers. Empty when valid.
 */
export function validateReplicaSetSpec(name: string, spec: ReplicaSetSpec): string[] {
  const label = routeLabelProblem(name);
  const problems: string[] = label ? [label] : [];
  const servers = [spec.primary, ...spec.replicas];
  problems.push(...duplicates(servers.map(serverKey)).map((key) => `server ${key} is listed more than once`));
  const pods = servers.flatMap((s) => (s.podName ? [s.podName] : []));
  problems.push(...duplicates(pods).map((pod) => `pod ${pod} is named by more than one server`));
  return problems;
}

/** Why a set's name cannot make a valid route label (its name part is at most 63 characters), if it cannot. */
export function routeLabelProblem(name: string): string | undefined {
  const labelName = routeLabel(name).slice(routeLabel(name).indexOf('/') + 1);
  if (labelName.length <= LABEL_NAME_MAX) return undefined;
  const allowed = LABEL_NAME_MAX - (labelName.length - name.length);
  return `metadata.name ${name} is too long for the route label ${routeLabel(name)}: use at most ${allowed} characters`;
}

function duplicates(values: readonly string[]): string[] {
  return [...new Set(values.filter((value, index) => values.indexOf(value) !== index))];
}
