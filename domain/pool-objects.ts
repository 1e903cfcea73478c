import type { ClaimTemplate } from './claim-templates.js';
import { knownQuorumSet } from './known-quorum-sets.js';
import { networkPassphrase } from './network.js';
import type { ResourceRef } from './names.js';
import type { ParentRef, PoolSpec } from './pool-spec.js';
import { fnv1a32 } from './network.js';
import { poolNames, SERVING_LABEL, SHARD_ANNOTATIONS, STELLAR_CORE_LABEL } from './pool-names.js';
import { adminPortPolicy } from './network-policy.js';
import { HTTP_QUERY_PORT } from './query-server.js';
import { syncedReadinessProbe } from './readiness-probe.js';
import { HTTP_PORT, PEER_PORT, renderCoreConfig } from './stellar-core-config.js';

/** The owning pool: its reference and uid, for owner references. */
export interface PoolOwner extends ResourceRef {
  uid: string;
}

/** A Kubernetes object to apply, as plain JSON. */
export type KubeObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } & Record<string, unknown> } & Record<string, unknown>;

const MANAGED = { 'app.kubernetes.io/managed-by': 'stellar-steward' };

function metadata(owner: PoolOwner, name: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return {
    name,
    namespace: owner.namespace,
    labels: { ...MANAGED, ...poolNames(owner).selector, ...labels },
    ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'ReadOnlyPool', name: owner.name, uid: owner.uid, controller: true, blockOwnerDeletion: true }],
  };
}

/**
 * The pool's stellar-core configuration: a watcher (not a validator) with the network's well-known quorum
 * set or the spec's `quorumSet`, KNOWN_PEERS = the stable DNS names of every ordinal the pool may run
 * (up to `maxReplicas`, so scaling never changes the config), and `coreConfigOverride` merged last.
 */
export function poolCoreConfig(owner: PoolOwner, spec: PoolSpec): string {
  const names = poolNames(owner);
  const knownPeers = Array.from({ length: spec.maxReplicas }, (_, i) => `${names.statefulSet}-${i}.${names.headlessService}.${owner.namespace}.svc.cluster.local:${PEER_PORT}`);
  return renderCoreConfig({
    network: spec.network, historyArchiveUrls: spec.historyArchiveUrls, knownPeers, quorumSet: spec.quorumSet ?? knownQuorumSet(spec.network), override: spec.coreConfigOverride, queryServer: true,
  });
}

/** The key of the config file in the pool's ConfigMap. */
export const POOL_CONFIG_KEY = 'stellar-core.cfg';

/**
 * The ConfigMap with the pool's stellar-core configuration (`stellar-core.cfg`): `config`, by default the
 * one `poolCoreConfig` generates (see domain/config-choice.ts for when the live one is kept instead).
 */
export function poolConfigMap(owner: PoolOwner, spec: PoolSpec, config: string = poolCoreConfig(owner, spec)): KubeObject {
  const names = poolNames(owner);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(owner, names.configMap), data: { [POOL_CONFIG_KEY]: config } };
}

/**
 * The ports of a pool's stellar-core container: peer, the query server (reads) and the admin port, which
 * the worker dials on the pod IP and the NetworkPolicy keeps to the worker.
 */
export const POOL_CONTAINER_PORTS = [
  { name: 'peer', containerPort: PEER_PORT },
  { name: 'query', containerPort: HTTP_QUERY_PORT },
  { name: 'admin', containerPort: HTTP_PORT },
];

/** The pool's claim template `data` (one volume per replica) from `storage`. */
export function poolClaimTemplates(spec: PoolSpec): ClaimTemplate[] {
  return [{
    metadata: { name: 'data' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      ...(spec.storage.storageClass ? { storageClassName: spec.storage.storageClass } : {}),
      resources: { requests: { storage: spec.storage.size } },
    },
  }];
}

/**
 * The StatefulSet of the pool: stable identities, one volume per replica from `storage` (or the given
 * claim templates: the live ones, which Kubernetes does not let change), PVC retention following
 * `retentionPolicy`, the config mounted read-only, and a template annotation with the hash of `config` (the
 * one the ConfigMap holds) so that a config change rolls the pods (no timestamps: nothing rolls without a
 * change). With shard balancing, each replica's shards reach the container as files (`SHARD_FILES`).
 */
export function poolStatefulSet(
  owner: PoolOwner,
  spec: PoolSpec,
  replicas: number,
  claimTemplates: ClaimTemplate[] = poolClaimTemplates(spec),
  config: string = poolCoreConfig(owner, spec),
): KubeObject {
  const names = poolNames(owner);
  const configHash = fnv1a32(config).toString(16);
  const retention = spec.storage.retentionPolicy;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(owner, names.statefulSet),
    spec: {
      replicas,
      serviceName: names.headlessService,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: names.selector },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: retention, whenScaled: retention },
      template: {
        metadata: { labels: { ...MANAGED, ...names.selector, [STELLAR_CORE_LABEL]: 'true' }, annotations: { 'stellar.org/config-hash': configHash } },
        spec: {
          containers: [{
            name: 'stellar-core',
            image: `stellar/stellar-core:${spec.version}`,
            args: ['run', '--conf', '/etc/stellar/stellar-core.cfg'],
            env: [{ name: 'NETWORK_PASSPHRASE', value: networkPassphrase(spec.network) }],
            ports: POOL_CONTAINER_PORTS,
            readinessProbe: syncedReadinessProbe(),
            resources: spec.resources ?? {},
            volumeMounts: [
              { name: 'data', mountPath: '/data' },
              { name: 'config', mountPath: '/etc/stellar', readOnly: true },
              ...(spec.shardBalancing.enabled ? [{ name: SHARD_VOLUME, mountPath: SHARD_FILES.directory, readOnly: true }] : []),
            ],
          }],
          volumes: [{ name: 'config', configMap: { name: names.configMap } }, ...(spec.shardBalancing.enabled ? [shardVolume()] : [])],
        },
      },
      volumeClaimTemplates: claimTemplates,
    },
  };
}

/** The query server's Service port: what read clients, Gateways and the HTTPRoute address. Never the admin port. */
const QUERY_SERVICE_PORT = { name: 'query', port: HTTP_QUERY_PORT, targetPort: HTTP_QUERY_PORT };

const SHARD_VOLUME = 'shard';

/**
 * Where a replica finds its shards: a Downward API volume of the pod's shard annotations, one file each
 * (`shard-id`, `archive-url`, `ledger-range`; comma-separated when it holds several, empty when none).
 * A volume and not env: the workflow annotates a pod after it starts and again on every rebalance, and
 * the kubelet refreshes Downward API files in place, while env is fixed when the container starts.
 */
export const SHARD_FILES = {
  directory: '/etc/stellar-shard',
  files: { shardId: 'shard-id', archiveUrl: 'archive-url', ledgerRange: 'ledger-range' },
} as const;

function shardVolume(): Record<string, unknown> {
  const items = (Object.keys(SHARD_FILES.files) as (keyof typeof SHARD_FILES.files)[]).map((key) => ({
    path: SHARD_FILES.files[key],
    fieldRef: { fieldPath: `metadata.annotations['${SHARD_ANNOTATIONS[key]}']` },
  }));
  return { name: SHARD_VOLUME, downwardAPI: { items } };
}

/** The headless Service giving each replica a stable DNS name (peer and query ports; the admin port stays off Services). */
export function poolHeadlessService(owner: PoolOwner): KubeObject {
  const names = poolNames(owner);
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, names.headlessService),
    spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: names.selector, ports: [{ name: 'peer', port: PEER_PORT, targetPort: PEER_PORT }, QUERY_SERVICE_PORT] },
  };
}

/**
 * The read Service on the query port: selects the pods the workflow labels as serving; Kubernetes adds
 * only those whose readiness probe passes (Synced!) to its endpoints, so a lagging pod leaves even while
 * the worker is down.
 */
export function poolReadService(owner: PoolOwner): KubeObject {
  const names = poolNames(owner);
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, names.readService),
    spec: { selector: { ...names.selector, [SERVING_LABEL]: 'true' }, ports: [QUERY_SERVICE_PORT] },
  };
}

/** A per-replica Service (GatewayAPI mode) on the query port: selects exactly one pod of the StatefulSet. */
export function replicaService(owner: PoolOwner, replica: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, replica),
    spec: { selector: { ...poolNames(owner).selector, 'statefulset.kubernetes.io/pod-name': replica }, ports: [QUERY_SERVICE_PORT] },
  };
}

/**
 * The pool's HTTPRoute (GatewayAPI mode): one backendRef per replica Service on the query port, carrying
 * the replica's weight, so a Gateway splits traffic by freshness. A replica of weight 0 gets no traffic.
 * `parentRefs` attach the route to the Gateways that serve it; without them no Gateway picks it up.
 */
export function poolHttpRoute(owner: PoolOwner, weights: readonly { replica: string; weight: number }[], parentRefs: readonly ParentRef[] = []): KubeObject {
  const rules = [{ backendRefs: weights.map((w) => ({ name: w.replica, port: HTTP_QUERY_PORT, weight: w.weight })) }];
  return {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: metadata(owner, poolNames(owner).httpRoute),
    spec: parentRefs.length > 0 ? { parentRefs: parentRefs.map((ref) => ({ ...ref })), rules } : { rules },
  };
}

/**
 * The pool's NetworkPolicy: the peer and query ports are open, the admin port admits only the worker
 * (which dials it on the pod IP to observe `/info`).
 */
export function poolNetworkPolicy(owner: PoolOwner): KubeObject {
  const names = poolNames(owner);
  return adminPortPolicy(metadata(owner, names.networkPolicy), names.selector, [{ port: PEER_PORT }, { port: HTTP_QUERY_PORT }]);
}

/** Metadata of an object the pool owns: its name and namespace, the pool's labels and controller reference. */
export function poolOwnedMetadata(owner: PoolOwner, name: string, labels: Record<string, string> = {}): KubeObject['metadata'] {
  return metadata(owner, name, labels);
}
