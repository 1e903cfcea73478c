import pg from 'pg';
import type { ResourceRef } from '../domain/names.js';
import type { ReplicaCheckResult } from '../domain/replica-health.js';
import { serverKey, type ReplicaSetSpec, type ReplicaSetStatus } from '../domain/replica-set.js';
import { checkReplica, readPrimaryLsn } from '../router/health-check.js';
import { applyObjects, unlessGone } from './kube/apply-objects.js';
import { recordEvents, type KubeEvent } from './kube/events.js';
import type { KubeRest } from './kube/rest.js';

/** Label the workflow sets on the pods its routing Service selects. */
export const routeLabel = (set: string): string => `stellar.org/pg-route-${set}`;

interface ReplicaSetResource {
  metadata: { uid: string; generation: number };
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

/** What the workflow reads of a PostgresReplicaSet (no credentials: only the Secret's name). */
export interface ObservedReplicaSet {
  uid: string;
  generation: number;
  spec: ReplicaSetSpec;
  status?: ReplicaSetStatus;
}

const CHECK_TIMEOUT_MS = 2000;

/**
 * PostgresReplicaSet activities. Credentials are read from the referenced Secret inside `checkReplicas`
 * and never returned, so no password enters workflow history.
 */
export function createPostgresActivities(kube: KubeRest) {
  const setPath = (ref: ResourceRef): string => `/apis/stellar.org/v1alpha1/namespaces/${ref.namespace}/postgresreplicasets/${ref.name}`;
  return {
    /** Reads the resource; undefined when it was deleted. */
    async observeReplicaSet(ref: ResourceRef): Promise<ObservedReplicaSet | undefined> {
      const set = await kube.getOptional<ReplicaSetResource>(setPath(ref));
      return set ? { uid: set.metadata.uid, generation: set.metadata.generation, spec: set.spec, status: set.status } : undefined;
    },

    /**
     * Health-checks every replica in parallel (connect, SELECT 1, recovery, WAL receiver streaming, lag in
     * bytes against the primary's current LSN and in time), each bounded by 2 s. A failing replica is a
     * result. Throws (to be retried) only when the credentials Secret cannot be read, naming it.
     */
    async checkReplicas(input: { namespace: string; spec: ReplicaSetSpec }): Promise<Record<string, ReplicaCheckResult>> {
      const secretName = input.spec.credentialsSecretRef.name;
      const secret = await kube.getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${input.namespace}/secrets/${secretName}`);
      const decode = (key: string): string | undefined => (secret?.data?.[key] ? Buffer.from(secret.data[key] as string, 'base64').toString('utf8') : undefined);
      const user = decode('username');
      if (!secret || !user) throw new Error(`Secret ${input.namespace}/${secretName} is missing or has no 'username' key: create it with keys username and password`);
      const password = decode('password');
      const primary = input.spec.primary;
      const primaryPool = new pg.Pool({ host: primary.host, port: primary.port, database: primary.database ?? 'postgres', user, password, max: 1, connectionTimeoutMillis: CHECK_TIMEOUT_MS });
      primaryPool.on('error', () => undefined);
      try {
        const lsn = await readPrimaryLsn(primaryPool, CHECK_TIMEOUT_MS);
        const results = await Promise.all(input.spec.replicas.map(async (replica) => [serverKey(replica), await checkReplica({
          host: replica.host, port: replica.port, database: replica.database ?? 'postgres', user, password, applicationName: replica.applicationName ?? 'stellar-steward-health',
        }, lsn, CHECK_TIMEOUT_MS, Date.now)] as const));
        return Object.fromEntries(results);
      } finally {
        await primaryPool.end().catch(() => undefined);
      }
    },

    /** Labels the routed pods and applies the routing Service selecting them (when the spec names one). */
    async applyReplicaRouting(input: ResourceRef & { uid: string; spec: ReplicaSetSpec; routedPods: string[] }): Promise<string[]> {
      const label = routeLabel(input.name);
      const pods = [input.spec.primary, ...input.spec.replicas].flatMap((s) => (s.podName ? [s.podName] : []));
      const changed: string[] = [];
      for (const pod of pods) {
        const routed = input.routedPods.includes(pod);
        const current = await kube.getOptional<{ metadata: { labels?: Record<string, string> } }>(`/api/v1/namespaces/${input.namespace}/pods/${pod}`);
        if (!current || (current.metadata.labels?.[label] === 'true') === routed) continue;
        await unlessGone(async () => {
          await kube.apply(`/api/v1/namespaces/${input.namespace}/pods/${pod}`, {
            apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace: input.namespace, labels: routed ? { [label]: 'true' } : {} },
          });
          changed.push(pod);
        });
      }
      const service = input.spec.routingService;
      if (service) {
        await applyObjects(kube, [{
          apiVersion: 'v1', kind: 'Service',
          metadata: {
            name: service.name, namespace: input.namespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' },
            ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', name: input.name, uid: input.uid, controller: true, blockOwnerDeletion: true }],
          },
          spec: { selector: { [label]: 'true' }, ports: [{ name: 'postgres', port: service.port ?? 5432, targetPort: service.port ?? 5432 }] },
        }]);
      }
      return changed;
    },

    /** Writes the status (skipped when the resource was deleted meanwhile). */
    async writeReplicaSetStatus(input: ResourceRef & { status: ReplicaSetStatus }): Promise<void> {
      await unlessGone(() => kube.apply(`${setPath(input)}/status`, { apiVersion: 'stellar.org/v1alpha1', kind: 'PostgresReplicaSet', metadata: { name: input.name, namespace: input.namespace }, status: input.status }));
    },

    /** Records transition Events on the resource. */
    async recordReplicaSetEvents(input: ResourceRef & { uid: string; events: KubeEvent[] }): Promise<void> {
      await unlessGone(() => recordEvents(kube, { kind: 'PostgresReplicaSet', apiVersion: 'stellar.org/v1alpha1', ...input }));
    },
  };
}
