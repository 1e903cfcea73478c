import type { NodeStatus, ObservedNode, ValidatorObservation } from '../domain/validator-decision.js';
import type { KubeObject } from '../domain/pool-objects.js';
import { NODE_LABEL } from '../domain/validator-objects.js';
import type { PeerPush } from '../domain/validator-peers.js';
import { applyObjects, unlessGone, type ApplyResult } from './kube/apply-objects.js';
import type { KubeRest } from './kube/rest.js';
import { connectPeer, probeReplica } from './stellar-core-client.js';
import { activityLog } from './activity-log.js';

/** Namespace and name of the shared peers ConfigMap. */
export const PEERS_CONFIG_MAP = { namespace: 'stellar-system', name: 'stellar-peers' } as const;

interface NodeResource {
  metadata: { name: string; namespace: string; uid: string; generation: number; deletionTimestamp?: string };
  spec: {
    nodeType: string; network: string; version?: string; suspended?: boolean;
    storage?: { size?: string; storageClass?: string };
    validatorConfig?: { seedSecretRef?: { name: string; key?: string }; historyArchiveUrls?: string[] };
  };
  status?: NodeStatus;
}

interface PodResource {
  metadata: { uid: string; labels?: Record<string, string>; namespace: string; deletionTimestamp?: string };
  status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

/**
 * Validator-set activities: observe every StellarNode with its Service, pod and `/info`; apply objects;
 * write the shared peers ConfigMap; push peers with `/connect`; write node statuses. The seed Secret is
 * referenced by name only: no secret value is ever read here.
 */
export function createValidatorActivities(kube: KubeRest) {
  return {
    /** Reads all StellarNodes (every network: peers of other networks are kept in the shared map). */
    async observeValidators(): Promise<ValidatorObservation> {
      const [nodes, services, pods, peersMap] = await Promise.all([
        kube.request<{ items: NodeResource[] }>('GET', '/apis/stellar.org/v1alpha1/stellarnodes'),
        kube.request<{ items: { metadata: { name: string; namespace: string; labels?: Record<string, string> }; spec: { clusterIP?: string }; status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } }[] }>(
          'GET', '/api/v1/services', { query: { labelSelector: 'app.kubernetes.io/managed-by=stellar-steward' } }),
        kube.request<{ items: PodResource[] }>('GET', '/api/v1/pods', { query: { labelSelector: NODE_LABEL } }),
        kube.getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${PEERS_CONFIG_MAP.namespace}/configmaps/${PEERS_CONFIG_MAP.name}`),
      ]);
      const observed: ObservedNode[] = await Promise.all(nodes.items.filter((n) => !n.metadata.deletionTimestamp).map(async (node) => {
        const pod = pods.items.find((p) => p.metadata.namespace === node.metadata.namespace && p.metadata.labels?.[NODE_LABEL] === node.metadata.name && !p.metadata.deletionTimestamp);
        const ready = pod?.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        const view: ObservedNode = {
          namespace: node.metadata.namespace, name: node.metadata.name, uid: node.metadata.uid, generation: node.metadata.generation,
          nodeType: node.spec.nodeType, network: node.spec.network, suspended: node.spec.suspended ?? false, version: node.spec.version ?? 'latest',
          seedSecret: node.spec.validatorConfig?.seedSecretRef ? { name: node.spec.validatorConfig.seedSecretRef.name, key: node.spec.validatorConfig.seedSecretRef.key ?? 'seed' } : undefined,
          storageSize: node.spec.storage?.size ?? '100Gi', storageClass: node.spec.storage?.storageClass,
          historyArchiveUrls: node.spec.validatorConfig?.historyArchiveUrls ?? [], status: node.status,
          pod: pod ? { uid: pod.metadata.uid, ip: pod.status?.podIP, ready } : undefined,
        };
        if (pod && ready) view.probe = await probeReplica({ name: node.metadata.name, ip: pod.status?.podIP, ready });
        return view;
      }));
      return {
        nodes: observed,
        services: services.items.map((s) => ({
          namespace: s.metadata.namespace, name: s.metadata.name, clusterIP: s.spec.clusterIP,
          loadBalancerAddress: s.status?.loadBalancer?.ingress?.[0]?.ip ?? s.status?.loadBalancer?.ingress?.[0]?.hostname,
        })),
        peersConfigMap: peersMap?.data,
      };
    },

    /** Applies validators' objects where they differ. */
    async applyValidatorObjects(objects: KubeObject[]): Promise<ApplyResult> {
      return applyObjects(kube, objects);
    },

    /** Writes the shared ConfigMap, creating its namespace if missing. */
    async writePeersConfigMap(data: Record<string, string>): Promise<void> {
      const { namespace, name } = PEERS_CONFIG_MAP;
      await applyObjects(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }]);
      await kube.apply(`/api/v1/namespaces/${namespace}/configmaps/${name}`, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' } }, data,
      });
    },

    /** Sends `/connect` for each push; returns the pushes that succeeded (failures stay pending). */
    async pushPeers(input: { pushes: PeerPush[]; targets: Record<string, string> }): Promise<PeerPush[]> {
      const results = await Promise.all(input.pushes.map(async (push) => {
        const ip = input.targets[push.validator];
        if (!ip) return undefined;
        try {
          await connectPeer(ip, push.peer, push.port);
          activityLog().info(`told ${push.validator} of peer ${push.peer}`, { validator: push.validator, peer: push.peer });
          return push;
        } catch (error) {
          activityLog().warn(`cannot tell ${push.validator} of peer ${push.peer}; it stays pending: ${(error as Error).message}`, { validator: push.validator, peer: push.peer });
          return undefined;
        }
      }));
      return results.filter((r): r is PeerPush => r !== undefined);
    },

    /** Writes StellarNode statuses through the status subresource (a node deleted meanwhile is skipped). */
    async writeNodeStatuses(statuses: { namespace: string; name: string; status: NodeStatus }[]): Promise<void> {
      await Promise.all(statuses.map(async ({ namespace, name, status }) => {
        await unlessGone(() => kube.apply(`/apis/stellar.org/v1alpha1/namespaces/${namespace}/stellarnodes/${name}/status`, {
            apiVersion: 'stellar.org/v1alpha1', kind: 'StellarNode', metadata: { name, namespace }, status,
        }));
      }));
    },
  };
}
