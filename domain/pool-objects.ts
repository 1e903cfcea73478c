import type { ClaimTemplate } from './claim-templates.js';
import { knownQuorumSet } from './known-quorum-sets.js';
import { networkPassphrase } from './network.js';
import type { ResourceRef } from './names.js';
import type { PoolSpec } from './pool-spec.js';
import { fnv1a32 } from './network.js';
import { poolNames, SERVING_LABEL, STELLAR_CORE_LABEL } from './pool-names.js';
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
    network: spec.network, historyArchiveUrls: spec.historyArchiveUrls, knownPeers, quorumSet: spec.quorumSet ?? knownQuorumSet(spec.network), override: spec.coreConfigOverride,
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
 * one the ConfigMap holds) so that a config change rolls the pods (no timestamps: nothing rolls without a change).
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
            ports: [{ name: 'peer', containerPort: PEER_PORT }, { name: 'http', containerPort: HTTP_PORT }],
            resources: spec.resources ?? {},
            volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/stellar', readOnly: true }],
          }],
          volumes: [{ name: 'config', configMap: { name: names.configMap } }],
        },
      },
      volumeClaimTemplates: claimTemplates,
    },
  };
}

const SERVICE_PORTS = [{ name: 'peer', port: PEER_PORT, targetPort: PEER_PORT }, { name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT }];

/** The headless Service giving each replica a stable DNS name. */
export function poolHeadlessService(owner: PoolOwner): KubeObject {
  const names = poolNames(owner);
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, names.headlessService),
    spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: names.selector, ports: SERVICE_PORTS },
  };
}

/** The read Service: routes only to pods the workflow labels as serving. */
export function poolReadService(owner: PoolOwner): KubeObject {
  const names = poolNames(owner);
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, names.readService),
    spec: { selector: { ...names.selector, [SERVING_LABEL]: 'true' }, ports: SERVICE_PORTS },
  };
}

/** A per-replica Service (GatewayAPI mode): selects exactly one pod of the StatefulSet. */
export function replicaService(owner: PoolOwner, replica: string): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: metadata(owner, replica),
    spec: { selector: { ...poolNames(owner).selector, 'statefulset.kubernetes.io/pod-name': replica }, ports: SERVICE_PORTS },
  };
}

/**
 * The pool's HTTPRoute (GatewayAPI mode): one backendRef per replica Service on the admin port, carrying
 * the replica's weight, so a Gateway splits traffic by freshness. A replica of weight 0 gets no traffic.
 */
export function poolHttpRoute(owner: PoolOwner, weights: readonly { replica: string; weight: number }[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: metadata(owner, poolNames(owner).httpRoute),
    spec: { rules: [{ backendRefs: weights.map((w) => ({ name: w.replica, port: HTTP_PORT, weight: w.weight })) }] },
  };
}
