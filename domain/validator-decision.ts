import { mergeConditions, type Condition, type ConditionInput } from './conditions.js';
import { chooseConfig, configRefusedCondition, type ConfigChoice } from './config-choice.js';
import type { ProbeError, ReplicaProbe } from './core-info.js';
import type { CorePeers } from './core-peers.js';
import { networkPassphrase } from './network.js';
import type { KubeObject } from './pool-objects.js';
import { sameJson } from './pool-status.js';
import { PEER_PORT } from './stellar-core-config.js';
import type { QuorumSetSpec } from './known-quorum-sets.js';
import type { CoreConfigOverride } from './stellar-core-config.js';
import { defaultHomeDomain, validatorConfig, validatorObjects, type SetMember, type ValidatorSpec } from './validator-objects.js';
import { planConnections, type ConnectionPlan, type OverlayMember } from './validator-connections.js';
import {
  extractPeers, networkPeerKeysToWrite, pendingPushes, renderPeersConfigMap, type NodeServiceView, type PeerPush, type PeerRecord, type PushLedger, type StellarNodeView,
  type ValidatorHealth,
} from './validator-peers.js';

/** A StellarNode as observed, with what the validator set needs. */
export interface ObservedNode extends StellarNodeView {
  uid: string;
  generation: number;
  version: string;
  seedSecret?: { name: string; key: string };
  storageSize: string;
  storageClass?: string;
  historyArchiveUrls: string[];
  /** `validatorConfig.homeDomain`, when set. */
  homeDomain?: string;
  /** `validatorConfig.quorumSet`, when set. */
  quorumSet?: QuorumSetSpec;
  enableHistoryArchive?: boolean;
  coreConfigOverride?: CoreConfigOverride;
  /** The node's public key, derived from its seed by the observing activity (never the seed itself). */
  publicKey?: string;
  /** The config its ConfigMap holds now (`stellar-core.cfg`), when the ConfigMap exists. */
  liveConfig?: string;
  status?: NodeStatus;
  /** The validator's pod, when it exists. */
  pod?: { uid: string; ip?: string; ready: boolean };
  probe?: ReplicaProbe;
  /** Its `GET /peers` (read only when `/info` answered), or why it could not be read. */
  overlay?: CorePeers;
  overlayError?: ProbeError;
}

/** Everything one validator-set iteration needs. */
export interface ValidatorObservation {
  nodes: ObservedNode[];
  services: NodeServiceView[];
  /** Data of the shared ConfigMap `stellar-system/stellar-peers`, if it exists. */
  peersConfigMap?: Record<string, string>;
  /**
   * The network whose peers the legacy keys `peers.txt` and `peer_count` hold (the worker's
   * `STEWARD_LEGACY_PEERS_NETWORK`); undefined when no network writes them.
   */
  legacyPeersNetwork?: string;
}

/** The StellarNode status. */
export interface NodeStatus {
  observedGeneration: number;
  state: string;
  ledgerSequence?: number;
  endpoint?: string;
  peerCount: number;
  conditions: Condition[];
}

/** One iteration's decision for a network's validator set. */
export interface ValidatorDecision {
  peers: PeerRecord[];
  objects: KubeObject[];
  /** Before patch `validator-peers-observed`: new data for the whole shared ConfigMap, or undefined when unchanged. */
  peersConfigMap?: Record<string, string>;
  /** Before patch `validator-peers-observed`: `/connect` pushes from the ledger. */
  pushes: PeerPush[];
  /** Before patch `validator-peers-observed`: peers not yet pushed, per validator. */
  pending: Record<string, string[]>;
  /**
   * This network's keys of the shared ConfigMap (per-network keys, and the legacy keys when this is the
   * legacy network), or undefined when the map already holds exactly them. An empty `data` removes them.
   */
  networkPeers?: { network: string; data: Record<string, string> };
  /** The `/connect` calls due from what each validator's `/peers` shows, and who misses whom. */
  connections: ConnectionPlan;
  /** The validators of the peer list, as the connection plan saw them. */
  members: OverlayMember[];
  statuses: { namespace: string; name: string; status: NodeStatus }[];
  /** Pod IPs of validators that receive pushes, by `namespace/name`. */
  pushTargets: Record<string, string>;
  /** Each validator's pod and health, for the push ledger. */
  health: ValidatorHealth[];
}

/**
 * Decides a network's validator set: peers (validators of this network, not suspended, with a
 * Service), each validator's objects with KNOWN_PEERS, this network's keys of the shared ConfigMap (only
 * when they change), the `/connect` calls due from what each validator's `/peers` shows, and each node's
 * status. `ledger` and the fields marked "before patch" serve only older histories.
 */
export function decideValidators(network: string, observed: ValidatorObservation, ledger: PushLedger, now: number): ValidatorDecision {
  const passphrase = networkPassphrase(network);
  const mine = observed.nodes.filter((n) => networkPassphrase(n.network) === passphrase);
  const validators = mine.filter((n) => n.nodeType === 'Validator' && n.seedSecret);
  const peers = extractPeers(network, observed.nodes, observed.services);
  const members: SetMember[] = peers.map((p) => {
    const node = validators.find((v) => v.namespace === p.namespace && v.name === p.name);
    return { namespace: p.namespace, name: p.name, homeDomain: node ? toSpec(node).homeDomain : defaultHomeDomain(p.namespace), publicKey: node?.publicKey, address: `${p.dnsName}:${p.port}` };
  });
  const choices = new Map<string, ConfigChoice>();
  const objects = validators.flatMap((v) => {
    const spec = toSpec(v);
    const knownPeers = peers.filter((p) => p.name !== v.name || p.namespace !== v.namespace).map((p) => `${p.dnsName}:${p.port}`);
    const choice = chooseConfig(validatorConfig(spec, members, knownPeers), v.liveConfig, { network: passphrase, selfPublicKey: v.publicKey });
    choices.set(`${v.namespace}/${v.name}`, choice);
    return validatorObjects(spec, knownPeers, members, choice.config);
  });
  const data = renderPeersConfigMap(network, peers, observed.peersConfigMap ?? {});
  const health = validators.map((v) => ({ key: `${v.namespace}/${v.name}`, podUid: v.pod?.uid, healthy: isHealthy(v, passphrase) }));
  const { due, pending } = pendingPushes(peers, health.filter((h) => peers.some((p) => `${p.namespace}/${p.name}` === h.key)), ledger);
  const pushTargets: Record<string, string> = {};
  for (const v of validators) if (v.pod?.ip) pushTargets[`${v.namespace}/${v.name}`] = v.pod.ip;
  const overlayMembers: OverlayMember[] = peers.map((p) => {
    const node = validators.find((v) => v.namespace === p.namespace && v.name === p.name);
    return { key: `${p.namespace}/${p.name}`, dnsName: p.dnsName, ip: node?.pod?.ip, healthy: node ? isHealthy(node, passphrase) : false, overlay: node?.overlay };
  });
  const legacy = observed.legacyPeersNetwork !== undefined && networkPassphrase(observed.legacyPeersNetwork) === passphrase;
  const networkData = networkPeerKeysToWrite(network, peers, legacy, observed.peersConfigMap ?? {});
  const stamp = new Date(now).toISOString();
  const statuses = mine.map((n) => ({ namespace: n.namespace, name: n.name, status: nodeStatus(n, passphrase, peers.length, stamp, choices.get(`${n.namespace}/${n.name}`)) }));
  return {
    peers,
    objects,
    peersConfigMap: observed.peersConfigMap && sameJson(observed.peersConfigMap, data) ? undefined : data,
    pushes: due,
    pending,
    statuses,
    pushTargets,
    health,
    networkPeers: networkData ? { network: passphrase, data: networkData } : undefined,
    connections: planConnections(overlayMembers, PEER_PORT),
    members: overlayMembers,
  };
}

function toSpec(v: ObservedNode): ValidatorSpec {
  return {
    namespace: v.namespace, name: v.name, uid: v.uid, network: v.network, version: v.version, suspended: v.suspended,
    seedSecret: v.seedSecret as { name: string; key: string }, storageSize: v.storageSize, storageClass: v.storageClass, historyArchiveUrls: v.historyArchiveUrls,
    homeDomain: v.homeDomain ?? defaultHomeDomain(v.namespace), quorumSet: v.quorumSet, enableHistoryArchive: v.enableHistoryArchive ?? false,
    coreConfigOverride: v.coreConfigOverride,
  };
}

/** Healthy: its pod is Ready and stellar-core reports `Synced!` on the right network. */
export function isHealthy(node: ObservedNode, passphrase: string): boolean {
  return Boolean(node.pod?.ready && node.probe?.info?.state === 'Synced!' && node.probe.info.network === passphrase);
}

function nodeStatus(node: ObservedNode, passphrase: string, peerCount: number, stamp: string, choice?: ConfigChoice): NodeStatus {
  const generation = node.generation;
  const endpoint = `${node.name}-0.${node.name}-hl.${node.namespace}.svc.cluster.local:11625`;
  let state: string;
  let ready: { status: 'True' | 'False'; reason: string; message: string };
  if (node.nodeType !== 'Validator') {
    state = 'NotManaged';
    ready = { status: 'False', reason: 'NotManaged', message: `${node.nodeType} nodes are accepted but not managed yet; only Validator nodes are` };
  } else if (node.suspended) {
    state = 'Suspended';
    ready = { status: 'False', reason: 'Suspended', message: 'suspended: scaled to zero and left out of the peer list' };
  } else if (!node.probe?.info) {
    state = node.pod ? 'Unreachable' : 'Pending';
    ready = { status: 'False', reason: state, message: node.probe?.error?.message ?? 'pod not running yet' };
  } else if (node.probe.info.network !== passphrase) {
    state = 'WrongNetwork';
    ready = { status: 'False', reason: 'WrongNetwork', message: `reports network '${node.probe.info.network}'` };
  } else {
    state = node.probe.info.state;
    ready = isHealthy(node, passphrase)
      ? { status: 'True', reason: 'Synced', message: `synced; ${Math.max(0, peerCount - 1)} peers known` }
      : { status: 'False', reason: 'NotSynced', message: `state is '${state}'` };
  }
  const decided: ConditionInput[] = [{ type: 'Ready', ...ready, observedGeneration: generation }];
  // Degraded appears only while the config is refused: histories of running workflows (no refusal) keep
  // deciding the same statuses, so they replay without a new status write.
  const refused = choice && configRefusedCondition(choice, `StellarNode ${node.namespace}/${node.name}`, `${node.namespace}/${node.name}-config`, generation);
  if (refused) decided.push(refused);
  const conditions = mergeConditions(node.status?.conditions, decided, stamp);
  return {
    observedGeneration: generation,
    state,
    ledgerSequence: node.probe?.info?.ledger,
    endpoint: node.nodeType === 'Validator' ? endpoint : undefined,
    peerCount: node.nodeType === 'Validator' && !node.suspended ? Math.max(0, peerCount - 1) : 0,
    conditions,
  };
}

/** True when a node status differs from the current one in more than the ledger number. */
export function nodeStatusChanged(current: NodeStatus | undefined, next: NodeStatus): boolean {
  if (!current) return true;
  return !sameJson({ ...current, ledgerSequence: undefined }, { ...next, ledgerSequence: undefined });
}
