import type { ResourceRef } from './names.js';

/** Label every stellar-core pod carries (the local simulator serves exactly these pods). */
export const STELLAR_CORE_LABEL = 'stellar.org/stellar-core';
/** Label naming the pool a pod belongs to. */
export const POOL_LABEL = 'stellar.org/pool';
/** Label the workflow sets to "true" on pods the read Service routes to. */
export const SERVING_LABEL = 'stellar.org/serving';
/** Pod annotations written with each replica's shards. */
export const SHARD_ANNOTATIONS = { shardId: 'stellar.org/shard-id', archiveUrl: 'stellar.org/archive-url', ledgerRange: 'stellar.org/ledger-range' } as const;
/** Pod annotation a person sets to claim a shard for a replica under the Manual strategy. */
export const MANUAL_SHARD_ANNOTATION = 'stellar.org/manual-shard-id';

/** Deterministic names of everything a pool owns. */
export interface PoolNames {
  statefulSet: string;
  headlessService: string;
  readService: string;
  configMap: string;
  /** The ConfigMap with the pool's Prometheus alerting rules (`alerting`). */
  alertsConfigMap: string;
  httpRoute: string;
  /** The NetworkPolicy that keeps the admin port to the worker. */
  networkPolicy: string;
  /** Selector of the pool's pods (never matches another pool's pods). */
  selector: Record<string, string>;
}

/** The names and selector of a pool's objects, derived in one place. */
export function poolNames(pool: ResourceRef): PoolNames {
  return {
    statefulSet: pool.name,
    headlessService: `${pool.name}-hl`,
    readService: `${pool.name}-read`,
    configMap: `${pool.name}-config`,
    alertsConfigMap: `${pool.name}-alerts`,
    httpRoute: `${pool.name}-read`,
    networkPolicy: `${pool.name}-admin`,
    selector: { 'app.kubernetes.io/name': 'stellar-core', [POOL_LABEL]: pool.name },
  };
}

/** The per-replica Service of a replica (GatewayAPI mode): the pod's own name. */
export function replicaServiceName(replica: string): string {
  return replica;
}

/** The ordinal of a StatefulSet pod name (`pool-3` -> 3), or undefined. */
export function podOrdinal(pod: string): number | undefined {
  const match = /-(\d+)$/.exec(pod);
  return match ? Number(match[1]) : undefined;
}
