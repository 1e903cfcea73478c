import { setTimeout as sleep } from 'node:timers/promises';
import { bounded } from '../domain/bounded.js';
import type { ProbeError } from '../domain/core-info.js';
import { networkPassphrase, networkSlug, normalizeNetwork, type NetworkInput } from '../domain/network.js';
import type { NodeStatus, ObservedNode, ValidatorObservation } from '../domain/validator-decision.js';
import type { KubeObject } from '../domain/pool-objects.js';
import type { ConnectResult, PeerConnect } from '../domain/validator-connections.js';
import type { QuorumSetSpec } from '../domain/known-quorum-sets.js';
import type { CoreConfigOverride } from '../domain/stellar-core-config.js';
import { NODE_LABEL, validatorObjectSelector } from '../domain/validator-objects.js';
import { publicKeyOfSeed } from './node-key.js';
import { networkPeerKeyNames, type PeerPush } from '../domain/validator-peers.js';
import { applyObjects, unlessGone, type ApplyResult } from '../kube/apply-objects.js';
import { apiReader, type KubeReader } from '../kube/object-cache.js';
import { FIELD_MANAGER, KubeApiError, type KubeRest } from '../kube/rest.js';
import { connectPeer, probeReplica, readCorePeers } from './stellar-core-client.js';
import { activityLog } from './activity-log.js';
import { CLUSTER_SCOPE, DEFAULT_PEERS_NAMESPACE, scopedPaths, type NamespaceScope } from '../kube/namespace-scope.js';

/**
 * The public key of a validator's seed Secret, or undefined when the Secret or key is missing, not
 * readable, or not a valid seed (the node then stays out of the other validators' quorum sets).
 */
async function publicKeyOf(kube: KubeRest, namespace: string, ref: { name: string; key: string }): Promise<string | undefined> {
  try {
    const secret = await kube.getOptional<{ data?: Record<string, string> }>(`/api/v1/namespaces/${namespace}/secrets/${ref.name}`);
    const encoded = secret?.data?.[ref.key];
    return encoded === undefined ? undefined : publicKeyOfSeed(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch (error) {
    if (error instanceof KubeApiError && error.status === 403) return undefined;
    throw error;
  }
}

/** Namespace (the default; see `ValidatorActivityOptions.scope`) and name of the shared peers ConfigMap. */
export const PEERS_CONFIG_MAP = { namespace: DEFAULT_PEERS_NAMESPACE, name: 'stellar-peers' } as const;

interface NodeResource {
  metadata: { name: string; namespace: string; uid: string; generation: number; deletionTimestamp?: string };
  spec: {
    nodeType: string; network: NetworkInput; version?: string; suspended?: boolean;
    storage?: { size?: string | number; storageClass?: string };
    validatorConfig?: {
      seedSecretRef?: { name: string; key?: string }; historyArchiveUrls?: string[]; homeDomain?: string; quorumSet?: QuorumSetSpec; enableHistoryArchive?: boolean;
    };
    coreConfigOverride?: CoreConfigOverride;
  };
  status?: NodeStatus;
}

interface ServiceResource {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { clusterIP?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

interface PodResource {
  metadata: { uid: string; labels?: Record<string, string>; namespace: string; deletionTimestamp?: string };
  status?: { podIP?: string; phase?: string; conditions?: { type: string; status: string }[] };
}

/** Settings of the validator-set activities. */
export interface ValidatorActivityOptions {
  /**
   * The network whose peers the legacy keys `peers.txt` and `peer_count` of `stellar-peers` hold
   * (a name such as `Mainnet`, or a passphrase); empty for none. Default: `STEWARD_LEGACY_PEERS_NETWORK`,
   * else `Mainnet`.
   */
  legacyPeersNetwork?: string;
  /** Milliseconds waited before each `/peers` check of a push (default 0, 100, 200, 400, 800, 1600). */
  verifyDelaysMs?: readonly number[];
  /**
   * The namespaces whose StellarNodes, Services and pods make up the sets, and the namespace of the shared
   * peers ConfigMap (default: all namespaces, `stellar-system`).
   */
  scope?: NamespaceScope;
  /**
   * Where a steady pass (`{ fresh: false }`) reads StellarNodes, Services, pods and ConfigMaps: the worker's
   * shared watch cache. Seed Secrets are always read from the API (the cache holds no Secret).
   */
  cache?: KubeReader;
}

/** What a validator-set pass asks of its reads. */
export interface ValidatorReads {
  /** The API (after a change or the set's own write); false: the worker's cache. */
  fresh?: boolean;
  /**
   * Observe only this network's nodes, their Services and this network's keys of the peers ConfigMap (the
   * decision reads nothing else). Older workflows pass none and get every network's, which shipped every
   * node's config and probes through every set's history: 520 KB per pass with 100 validators in 10 sets.
   */
  network?: string;
}

/** The waits of a push's verification: about 3 s in all, after which the next pass tries again. */
export const VERIFY_DELAYS_MS = [0, 100, 200, 400, 800, 1600] as const;

/**
 * Validator-set activities: observe every StellarNode with its Service, pod, `/info` and `/peers`; apply
 * objects; write this network's keys of the shared peers ConfigMap; connect peers with `/connect` and
 * verify them in `/peers`; write node statuses. A seed Secret is read only to derive the node's public key
 * (its quorum-set entry in the other validators' configs); the seed itself never leaves `publicKeyOf`.
 */
export function createValidatorActivities(kube: KubeRest, options: ValidatorActivityOptions = {}) {
  const legacyPeersNetwork = (options.legacyPeersNetwork ?? process.env.STEWARD_LEGACY_PEERS_NETWORK ?? 'Mainnet').trim() || undefined;
  const verifyDelaysMs = options.verifyDelaysMs ?? VERIFY_DELAYS_MS;
  const { namespaces, peersNamespace } = options.scope ?? CLUSTER_SCOPE;
  const peersPath = `/api/v1/namespaces/${peersNamespace}/configmaps/${PEERS_CONFIG_MAP.name}`;
  const api = apiReader(kube);
  const cached = options.cache ?? api;
  /** Reads of a pass: the API unless the pass says it may read the cache (older workflows pass nothing). */
  const readerFor = (reads: ValidatorReads | undefined): KubeReader => (reads?.fresh === false ? cached : api);
  /** The items of one collection in every namespace of the scope. */
  const listScoped = async <T>(reader: KubeReader, path: (prefix: string) => string, labelSelector?: string): Promise<T[]> => {
    const lists = await Promise.all(scopedPaths(namespaces, path).map((p) => reader.list<T>(p, { labelSelector })));
    return lists.flat();
  };
  return {
    /**
     * Reads the StellarNodes of the scope's namespaces (every network: peers of other networks are kept in
     * the shared map), with their Services and pods, and the shared peers ConfigMap.
     */
    async observeValidators(reads?: ValidatorReads): Promise<ValidatorObservation> {
      const reader = readerFor(reads);
      const [allNodes, allServices, pods, allPeers] = await Promise.all([
        listScoped<NodeResource>(reader, (scope) => `/apis/stellar.org/v1alpha1${scope}/stellarnodes`),
        listScoped<ServiceResource>(reader, (scope) => `/api/v1${scope}/services`, 'app.kubernetes.io/managed-by=stellar-steward'),
        listScoped<PodResource>(reader, (scope) => `/api/v1${scope}/pods`, NODE_LABEL),
        reader.get<{ data?: Record<string, string> }>(peersPath, { labelSelector: 'app.kubernetes.io/managed-by=stellar-steward' }),
      ]);
      const { nodes, services, peersMap } = ofNetwork(reads?.network, allNodes, allServices, allPeers);
      const observed: ObservedNode[] = await Promise.all(nodes.filter((n) => !n.metadata.deletionTimestamp).map(async (node) => {
        const pod = pods.find((p) => p.metadata.namespace === node.metadata.namespace && p.metadata.labels?.[NODE_LABEL] === node.metadata.name && !p.metadata.deletionTimestamp);
        const ready = pod?.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
        const view: ObservedNode = {
          namespace: node.metadata.namespace, name: node.metadata.name, uid: node.metadata.uid, generation: node.metadata.generation,
          nodeType: node.spec.nodeType, network: normalizeNetwork(node.spec.network), suspended: node.spec.suspended ?? false, version: node.spec.version ?? 'latest',
          seedSecret: node.spec.validatorConfig?.seedSecretRef ? { name: node.spec.validatorConfig.seedSecretRef.name, key: node.spec.validatorConfig.seedSecretRef.key ?? 'seed' } : undefined,
          storageSize: String(node.spec.storage?.size ?? '100Gi'), storageClass: node.spec.storage?.storageClass,
          historyArchiveUrls: node.spec.validatorConfig?.historyArchiveUrls ?? [], status: node.status,
          homeDomain: node.spec.validatorConfig?.homeDomain, quorumSet: node.spec.validatorConfig?.quorumSet,
          enableHistoryArchive: node.spec.validatorConfig?.enableHistoryArchive, coreConfigOverride: node.spec.coreConfigOverride,
          pod: pod ? { uid: pod.metadata.uid, ip: pod.status?.podIP, ready } : undefined,
        };
        if (view.seedSecret && node.spec.nodeType === 'Validator') {
          const [publicKey, configMap] = await Promise.all([
            publicKeyOf(kube, node.metadata.namespace, view.seedSecret),
            reader.get<{ data?: Record<string, string> }>(`/api/v1/namespaces/${node.metadata.namespace}/configmaps/${node.metadata.name}-config`, {
              labelSelector: validatorObjectSelector(node.metadata.name, view.network),
            }),
          ]);
          view.publicKey = publicKey;
          view.liveConfig = configMap?.data?.['stellar-core.cfg'];
        }
        if (pod && ready) view.probe = await probeReplica({ name: node.metadata.name, ip: pod.status?.podIP, ready });
        if (view.probe?.info && pod?.status?.podIP) {
          const read = await readCorePeers(pod.status.podIP);
          if (read.peers) view.overlay = read.peers;
          else view.overlayError = read.error;
        }
        return view;
      }));
      return {
        nodes: observed,
        services: services.map((s) => ({
          namespace: s.metadata.namespace, name: s.metadata.name, clusterIP: s.spec.clusterIP,
          loadBalancerAddress: s.status?.loadBalancer?.ingress?.[0]?.ip ?? s.status?.loadBalancer?.ingress?.[0]?.hostname,
        })),
        peersConfigMap: peersMap?.data,
        legacyPeersNetwork,
      };
    },

    /** Applies validators' objects where they differ from the live ones (read from the cache in a steady pass). */
    async applyValidatorObjects(objects: KubeObject[], reads?: ValidatorReads): Promise<ApplyResult> {
      return applyObjects(kube, objects, { reader: reads?.fresh === false ? cached : undefined });
    },

    /**
     * Writes one network's keys of the shared ConfigMap by server-side apply under that network's own
     * field manager (`stellar-steward-peers-<slug>`): networks own disjoint keys, so two networks writing
     * at once never lose each other's update, and keys a network no longer applies (all of them when its
     * last validator is gone: `data` is empty) are removed by the API server. Creates the namespace if
     * missing. Keys still held by the single manager of older versions are released first.
     */
    async writeNetworkPeers(input: { network: string; data: Record<string, string> }): Promise<void> {
      const path = peersPath;
      const metadata = { name: PEERS_CONFIG_MAP.name, namespace: peersNamespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' } };
      await applyObjects(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: peersNamespace } }]);
      const current = await kube.getOptional<{ metadata: { managedFields?: { manager?: string; operation?: string; fieldsV1?: unknown }[] } }>(path);
      const legacyOwner = current?.metadata.managedFields?.some((f) => f.manager === FIELD_MANAGER && f.operation === 'Apply' && JSON.stringify(f.fieldsV1 ?? {}).includes('"f:data"'));
      if (legacyOwner) await applyAs(kube, FIELD_MANAGER, path, { apiVersion: 'v1', kind: 'ConfigMap', metadata });
      await applyAs(kube, peersFieldManager(input.network), path, { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: input.data });
    },

    /**
     * Tells validators of peers with `/connect` and verifies each in the validator's `/peers`: before
     * each try it reads `/peers`; a peer listed as authenticated is done, one listed as pending is waited
     * for, one absent is pushed (only then: stellar-core reports a `/connect` to a peer it already has as
     * an internal bug). Waits grow per `verifyDelaysMs` (about 3 s in all); a peer not authenticated by
     * then is reported unconnected with the last error, and the next pass decides again from `/peers`.
     * One `/peers` read per validator and round, and at most `CONNECT_CONCURRENCY` validators at once:
     * unbounded fan-out (every push at once) made the nodes time out under load.
     */
    async connectPeers(input: { connects: PeerConnect[] }): Promise<ConnectResult[]> {
      return connectAll(input.connects, verifyDelaysMs);
    },

    /** Before patch `validator-peers-observed` (kept so older histories replay): writes the whole shared ConfigMap. */
    async writePeersConfigMap(data: Record<string, string>): Promise<void> {
      await applyObjects(kube, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: peersNamespace } }]);
      await kube.apply(peersPath, {
        apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: PEERS_CONFIG_MAP.name, namespace: peersNamespace, labels: { 'app.kubernetes.io/managed-by': 'stellar-steward' } }, data,
      });
    },

    /**
     * Before patch `validator-peers-observed` (kept so older histories replay): sends `/connect` for each
     * push; returns the pushes stellar-core took (an error body counts as failure; they stay pending).
     */
    async pushPeers(input: { pushes: PeerPush[]; targets: Record<string, string> }): Promise<PeerPush[]> {
      const results = await Promise.all(input.pushes.map(async (push) => {
        const ip = input.targets[push.validator];
        if (!ip) return undefined;
        const outcome = await connectPeer(ip, push.peer, push.port);
        if (outcome.accepted) {
          activityLog().info(`told ${push.validator} of peer ${push.peer}`, { validator: push.validator, peer: push.peer });
          return push;
        }
        activityLog().warn(`cannot tell ${push.validator} of peer ${push.peer}; it stays pending: ${outcome.error.message}`, { validator: push.validator, peer: push.peer });
        return undefined;
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

/** The nodes of `network` with their Services, and the peers ConfigMap's keys of that network; everything when undefined. */
function ofNetwork(network: string | undefined, nodes: NodeResource[], services: ServiceResource[], peers: { data?: Record<string, string> } | undefined) {
  if (network === undefined) return { nodes, services, peersMap: peers };
  const passphrase = networkPassphrase(network);
  const kept = nodes.filter((n) => networkPassphrase(normalizeNetwork(n.spec.network)) === passphrase);
  const names = new Set(kept.map((n) => `${n.metadata.namespace}/${n.metadata.name}`));
  const keys = new Set(networkPeerKeyNames(network, true));
  return {
    nodes: kept,
    services: services.filter((s) => names.has(`${s.metadata.namespace}/${s.metadata.name}`)),
    peersMap: peers && { data: Object.fromEntries(Object.entries(peers.data ?? {}).filter(([key]) => keys.has(key))) },
  };
}

/** The field manager of one network's keys in `stellar-peers`. */
export function peersFieldManager(network: string): string {
  return `${FIELD_MANAGER}-peers-${networkSlug(network)}`;
}

/** Server-side apply under a given field manager (force: the manager takes the fields it applies). */
async function applyAs(kube: KubeRest, fieldManager: string, path: string, object: unknown): Promise<void> {
  await kube.request('PATCH', path, { body: object, contentType: 'application/apply-patch+yaml', query: { fieldManager, force: true } });
}

/** Validators worked on at once by `connectPeers`: a bound, so a large mesh does not flood the nodes. */
export const CONNECT_CONCURRENCY = 8;

/** Connects every push, validator by validator (`CONNECT_CONCURRENCY` validators at once). */
async function connectAll(connects: readonly PeerConnect[], delaysMs: readonly number[]): Promise<ConnectResult[]> {
  const byValidator = new Map<string, PeerConnect[]>();
  for (const connect of connects) byValidator.set(connect.validator, [...(byValidator.get(connect.validator) ?? []), connect]);
  const done = (await bounded([...byValidator.values()], CONNECT_CONCURRENCY, (group) => connectAndVerify(group, delaysMs))).flat();
  return connects.map((c) => done.find((r) => r.validator === c.validator && r.peer === c.peer) as ConnectResult);
}

/**
 * One validator's pushes: each round reads its `/peers` once, settles the peers it lists as authenticated,
 * waits for those pending, and sends `/connect` (one at a time) for those absent; then waits the next delay.
 */
async function connectAndVerify(group: readonly PeerConnect[], delaysMs: readonly number[]): Promise<ConnectResult[]> {
  const validatorIp = group[0]?.validatorIp ?? '';
  const state = new Map(group.map((c) => [c.peer, { connect: c, pushes: 0, connected: false, error: undefined as ProbeError | undefined }]));
  let readError: ProbeError | undefined;
  for (const delayMs of delaysMs) {
    const open = [...state.values()].filter((s) => !s.connected);
    if (open.length === 0) break;
    if (delayMs > 0) await sleep(delayMs);
    const read = await readCorePeers(validatorIp);
    if (!read.peers) {
      readError = read.error;
      continue;
    }
    readError = undefined;
    for (const entry of open) {
      if (read.peers.authenticated.includes(entry.connect.peerIp)) {
        entry.connected = true;
        continue;
      }
      if (read.peers.pending.includes(entry.connect.peerIp)) continue;
      const outcome = await connectPeer(validatorIp, entry.connect.peer, entry.connect.port);
      entry.pushes += 1;
      entry.error = outcome.accepted ? undefined : outcome.error;
    }
  }
  return [...state.values()].map(({ connect, pushes, connected, error }) => {
    const { validator, peer, peerIp } = connect;
    if (connected) {
      activityLog().info(`${validator} is connected to peer ${peer}`, { validator, peer, pushes });
      return { validator, peer, connected, pushes };
    }
    const last = error ?? readError;
    const why = last ? `${last.type}: ${last.message}` : `${peer} (${peerIp}) is not among its authenticated peers`;
    activityLog().warn(`${validator} is not connected to peer ${peer} after ${pushes} /connect calls; the next pass tries again: ${why}`, { validator, peer });
    return { validator, peer, connected, pushes, error: why };
  });
}
