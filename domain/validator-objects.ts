import { networkPassphrase, networkSlug } from './network.js';
import { adminPortPolicy } from './network-policy.js';
import type { KubeObject } from './pool-objects.js';
import { STELLAR_CORE_LABEL } from './pool-names.js';
import { syncedReadinessProbe } from './readiness-probe.js';
import { HTTP_PORT, PEER_PORT, renderCoreConfig } from './stellar-core-config.js';

/** Label naming the StellarNode a pod belongs to. */
export const NODE_LABEL = 'stellar.org/node';
/** Label with the network slug of a validator's objects. */
export const NETWORK_LABEL = 'stellar.org/network';

/** A validator as its objects need it. */
export interface ValidatorSpec {
  namespace: string;
  name: string;
  uid: string;
  network: string;
  version: string;
  suspended: boolean;
  seedSecret: { name: string; key: string };
  storageSize: string;
  storageClass?: string;
  historyArchiveUrls: string[];
}

function metadata(v: ValidatorSpec, name: string): KubeObject['metadata'] {
  return {
    name,
    namespace: v.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'stellar-steward', [NODE_LABEL]: v.name, [NETWORK_LABEL]: networkSlug(v.network) },
    ownerReferences: [{ apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', name: v.name, uid: v.uid, controller: true, blockOwnerDeletion: true }],
  };
}

/**
 * A validator's Services carry only the peer port: the admin port is never a Service target (the worker
 * dials it on the pod IP), and a validator runs no query server (stellar-core refuses HTTP_QUERY_PORT with
 * NODE_IS_VALIDATOR, src/main/ApplicationImpl.cpp).
 */
const PORTS = [{ name: 'peer', port: PEER_PORT, targetPort: PEER_PORT }];

/**
 * A validator's objects: a ConfigMap with its stellar-core configuration (KNOWN_PEERS = the other
 * validators' stable DNS names), a one-replica StatefulSet (zero when suspended), a Service named after
 * the node, a headless Service for per-pod DNS, and a NetworkPolicy `<name>-admin` that opens the peer
 * port and keeps the admin port to the worker. The seed comes from the referenced Secret as the
 * environment variable NODE_SEED and is prepended to the config at start: it never passes through here.
 */
export function validatorObjects(v: ValidatorSpec, knownPeers: readonly string[]): KubeObject[] {
  const selector = { 'app.kubernetes.io/name': 'stellar-core', [NODE_LABEL]: v.name };
  const config = renderCoreConfig({ network: v.network, historyArchiveUrls: v.historyArchiveUrls, knownPeers: [...knownPeers], validator: true });
  const start = 'set -e; { echo "NODE_SEED=\\"$NODE_SEED self\\""; cat /etc/stellar/stellar-core.cfg; } > /data/stellar-core.cfg; exec stellar-core run --conf /data/stellar-core.cfg';
  return [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(v, `${v.name}-config`), data: { 'stellar-core.cfg': config } },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(v, v.name), spec: { selector, ports: PORTS } },
    { apiVersion: 'v1', kind: 'Service', metadata: metadata(v, `${v.name}-hl`), spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports: PORTS } },
    adminPortPolicy(metadata(v, `${v.name}-admin`), selector, [{ port: PEER_PORT }]),
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: metadata(v, v.name),
      spec: {
        replicas: v.suspended ? 0 : 1,
        serviceName: `${v.name}-hl`,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels: { ...selector, [STELLAR_CORE_LABEL]: 'true', [NETWORK_LABEL]: networkSlug(v.network) } },
          spec: {
            containers: [{
              name: 'stellar-core',
              image: `stellar/stellar-core:${v.version}`,
              command: ['/bin/sh', '-c', start],
              env: [
                { name: 'NETWORK_PASSPHRASE', value: networkPassphrase(v.network) },
                { name: 'NODE_SEED', valueFrom: { secretKeyRef: { name: v.seedSecret.name, key: v.seedSecret.key } } },
              ],
              ports: [{ name: 'peer', containerPort: PEER_PORT }, { name: 'admin', containerPort: HTTP_PORT }],
              readinessProbe: syncedReadinessProbe(),
              volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/stellar', readOnly: true }],
            }],
            volumes: [{ name: 'config', configMap: { name: `${v.name}-config` } }],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], ...(v.storageClass ? { storageClassName: v.storageClass } : {}), resources: { requests: { storage: v.storageSize } } },
        }],
      },
    },
  ];
}
