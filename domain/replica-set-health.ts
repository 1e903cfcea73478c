// The health a PostgresReplicaSet's workflow decided, published in a ConfigMap it owns so that applications
// (the router) follow the same truth as the routing Service. Only verdicts, no readings: the document
// changes, and is written, only when a verdict or the routing changes. Pure.
import type { ReplicaHealth, ReplicaHealthReason } from './replica-health.js';
import type { ReplicaSetStatus } from './replica-set-spec.js';

/** The ConfigMap key holding the document (the file name where an application mounts it). */
export const HEALTH_KEY = 'health.json';

/** The name of the ConfigMap a set publishes its health in: `<name>-health`. */
export const healthConfigMapName = (set: string): string => `${set}-health`;

/** One replica's verdict as published. */
export interface PublishedReplica {
  /** `host:port`, as in the spec. */
  server: string;
  healthy: boolean;
  reason: ReplicaHealthReason;
}

/** The published document (`health.json`). */
export interface PublishedHealth {
  /** `namespace/name` of the PostgresReplicaSet. */
  replicaSet: string;
  /** The servers the routing Service reaches (`host:port`): the healthy replicas, else the primary. */
  routingTo: string[];
  replicas: PublishedReplica[];
}

const REASONS: readonly ReplicaHealthReason[] = ['Unchecked', 'Healthy', 'Unreachable', 'NotInRecovery', 'NotStreaming', 'LagBytes', 'LagSeconds'];

/** Thrown by `parsePublishedHealth` for text that is not a published health document. */
export class PublishedHealthError extends Error {
  override readonly name = 'PublishedHealthError';
}

/** The document for `status`, as text (stable: equal verdicts give equal text). */
export function publishedHealthText(namespace: string, name: string, status: ReplicaSetStatus): string {
  const health: PublishedHealth = {
    replicaSet: `${namespace}/${name}`,
    routingTo: status.routingTo,
    replicas: status.replicas.map((r) => ({ server: `${r.host}:${r.port}`, healthy: r.healthy, reason: r.reason as ReplicaHealthReason })),
  };
  return `${JSON.stringify(health, null, 2)}\n`;
}

/** Parses a published document. Throws `PublishedHealthError` naming what is wrong. */
export function parsePublishedHealth(text: string): PublishedHealth {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PublishedHealthError('published health is not JSON', { cause: error });
  }
  const doc = parsed as Partial<PublishedHealth> | null;
  if (typeof doc !== 'object' || doc === null || typeof doc.replicaSet !== 'string') throw new PublishedHealthError('published health has no replicaSet');
  if (!Array.isArray(doc.routingTo) || !doc.routingTo.every((s) => typeof s === 'string')) throw new PublishedHealthError('published health has no routingTo list');
  if (!Array.isArray(doc.replicas)) throw new PublishedHealthError('published health has no replicas list');
  const replicas = doc.replicas.map((r: unknown, index) => publishedReplica(r, index));
  return { replicaSet: doc.replicaSet, routingTo: doc.routingTo, replicas };
}

function publishedReplica(entry: unknown, index: number): PublishedReplica {
  const r = entry as Partial<PublishedReplica> | null;
  if (typeof r !== 'object' || r === null || typeof r.server !== 'string' || typeof r.healthy !== 'boolean') {
    throw new PublishedHealthError(`published health replicas[${index}] needs server and healthy`);
  }
  const reason = REASONS.includes(r.reason as ReplicaHealthReason) ? (r.reason as ReplicaHealthReason) : r.healthy ? 'Healthy' : 'Unreachable';
  return { server: r.server, healthy: r.healthy, reason };
}

/**
 * The health a follower of `published` gives the replica `server` (`host:port`): the published verdict, or
 * unhealthy (`Unreachable`) when the set does not list the server, so that a follower never reads from a
 * server the routing Service does not reach. Keeps `previous`'s readings.
 */
export function followedReplicaHealth(published: PublishedHealth, server: string, previous: ReplicaHealth): ReplicaHealth {
  const verdict = published.replicas.find((r) => r.server === server);
  const source = `PostgresReplicaSet ${published.replicaSet}`;
  if (!verdict) return { ...previous, healthy: false, reason: 'Unreachable', message: `${source} does not list ${server}`, failureCount: 0 };
  return { ...previous, healthy: verdict.healthy, reason: verdict.reason, message: `${verdict.reason}, as published by ${source}`, failureCount: 0 };
}
