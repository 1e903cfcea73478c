import { networkPassphrase, networkSlug } from './network.js';
import { PEER_PORT } from './stellar-core-config.js';

/** A StellarNode as the validator set sees it. */
export interface StellarNodeView {
  namespace: string;
  name: string;
  nodeType: string;
  network: string;
  suspended: boolean;
}

/** A node's Service, when it exists. */
export interface NodeServiceView {
  namespace: string;
  name: string;
  clusterIP?: string;
  loadBalancerAddress?: string;
}

/** One validator peer, as written to the shared ConfigMap. */
export interface PeerRecord {
  name: string;
  namespace: string;
  network: string;
  /** Service ClusterIP or load-balancer address. */
  address?: string;
  /** Stable per-pod DNS name (through the node's headless Service), which stellar-core re-resolves. */
  dnsName: string;
  port: number;
}

/** The stable DNS name of a validator's pod: `<name>-0.<name>-hl.<namespace>.svc.cluster.local`. */
export function validatorDnsName(namespace: string, name: string): string {
  return `${name}-0.${name}-hl.${namespace}.svc.cluster.local`;
}

/**
 * The peers of one network: every Validator of that network that is not suspended and whose Service
 * exists, sorted by namespace and name. Validators of other networks never appear.
 */
export function extractPeers(network: string, nodes: readonly StellarNodeView[], services: readonly NodeServiceView[]): PeerRecord[] {
  const passphrase = networkPassphrase(network);
  return nodes
    .filter((node) => node.nodeType === 'Validator' && !node.suspended && networkPassphrase(node.network) === passphrase)
    .flatMap((node) => {
      const service = services.find((s) => s.namespace === node.namespace && s.name === node.name);
      if (!service) return [];
      return [{
        name: node.name,
        namespace: node.namespace,
        network: passphrase,
        address: service.loadBalancerAddress ?? service.clusterIP,
        dnsName: validatorDnsName(node.namespace, node.name),
        port: PEER_PORT,
      }];
    })
    .sort((a, b) => `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}` ? -1 : 1);
}

/**
 * The keys one network owns in the shared ConfigMap `stellar-system/stellar-peers`: `peers-<slug>.txt`
 * (`host:port` per line), `peer_count-<slug>` and `peers-<slug>.json` (full records). With `legacy`, also
 * the legacy keys `peers.txt` and `peer_count`, which hold this one network's peers and never another's.
 * A network without peers owns no keys, so writing its (empty) keys removes them.
 */
export function renderNetworkPeerKeys(network: string, peers: readonly PeerRecord[], legacy: boolean): Record<string, string> {
  if (peers.length === 0) return {};
  const slug = networkSlug(network);
  const lines = `${peers.map((p) => `${p.dnsName}:${p.port}`).join('\n')}\n`;
  const data: Record<string, string> = {
    [`peers-${slug}.txt`]: lines,
    [`peer_count-${slug}`]: String(peers.length),
    [`peers-${slug}.json`]: JSON.stringify(peers, null, 2),
  };
  if (legacy) {
    data[LEGACY_PEERS_KEYS[0]] = lines;
    data[LEGACY_PEERS_KEYS[1]] = String(peers.length);
  }
  return data;
}

/** The legacy keys of `stellar-peers`: the peers of one network only (the worker's legacy network). */
export const LEGACY_PEERS_KEYS = ['peers.txt', 'peer_count'] as const;

/** The names of the keys a network may own in `stellar-peers` (see `renderNetworkPeerKeys`). */
export function networkPeerKeyNames(network: string, legacy: boolean): string[] {
  const slug = networkSlug(network);
  return [`peers-${slug}.txt`, `peer_count-${slug}`, `peers-${slug}.json`, ...(legacy ? LEGACY_PEERS_KEYS : [])];
}

/**
 * This network's keys as they should be, or undefined when `current` (the map's data) already holds
 * exactly them: present keys equal, absent keys absent.
 */
export function networkPeerKeysToWrite(network: string, peers: readonly PeerRecord[], legacy: boolean, current: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const desired = renderNetworkPeerKeys(network, peers, legacy);
  const same = networkPeerKeyNames(network, legacy).every((key) => current[key] === desired[key]);
  return same ? undefined : desired;
}

/**
 * Before patch `validator-peers-observed` (kept so older histories replay): the data of the whole shared
 * ConfigMap, merging this network's peers into what other networks wrote: `peers.json` keyed by network
 * slug (full records), `peers-<slug>.txt` (`host:port` per line), `peer_count-<slug>`, and the totals
 * `peers.txt` and `peer_count`.
 */
export function renderPeersConfigMap(network: string, peers: readonly PeerRecord[], current: Readonly<Record<string, string>> = {}): Record<string, string> {
  const slug = networkSlug(network);
  let byNetwork: Record<string, PeerRecord[]> = {};
  try {
    byNetwork = JSON.parse(current['peers.json'] ?? '{}') as Record<string, PeerRecord[]>;
  } catch {
    byNetwork = {};
  }
  byNetwork[slug] = [...peers];
  const slugs = Object.keys(byNetwork).sort();
  const data: Record<string, string> = { 'peers.json': JSON.stringify(Object.fromEntries(slugs.map((s) => [s, byNetwork[s]])), null, 2) };
  let total = 0;
  const allLines: string[] = [];
  for (const s of slugs) {
    const lines = (byNetwork[s] ?? []).map((p) => `${p.dnsName}:${p.port}`);
    data[`peers-${s}.txt`] = lines.length ? `${lines.join('\n')}\n` : '';
    data[`peer_count-${s}`] = String(lines.length);
    total += lines.length;
    allLines.push(...lines);
  }
  data['peers.txt'] = allLines.length ? `${allLines.join('\n')}\n` : '';
  data.peer_count = String(total);
  return data;
}

/**
 * Before patch `validator-peers-observed` (kept so older histories replay): which peers each validator
 * was told of with `/connect`, by validator `namespace/name`. A belief, not an observation; the current
 * code reads each validator's `/peers` instead (see `planConnections`).
 */
export type PushLedger = Record<string, { podUid: string; told: string[] }>;

/** One `/connect` call to make. */
export interface PeerPush {
  validator: string;
  peer: string;
  port: number;
}

/** A validator's current state for push decisions. */
export interface ValidatorHealth {
  key: string;
  podUid?: string;
  healthy: boolean;
}

/**
 * Before patch `validator-peers-observed`: the pushes due now from the ledger: for every healthy validator, each peer (other than itself) it has not been told
 * about since its pod started. Unhealthy validators keep their pending peers for later: nothing is lost.
 * A new pod (restart) starts with an empty ledger, since runtime connections do not survive a restart.
 */
export function pendingPushes(peers: readonly PeerRecord[], validators: readonly ValidatorHealth[], ledger: PushLedger): { due: PeerPush[]; pending: Record<string, string[]> } {
  const due: PeerPush[] = [];
  const pending: Record<string, string[]> = {};
  for (const validator of validators) {
    const entry = ledger[validator.key];
    const told = new Set(entry && entry.podUid === validator.podUid ? entry.told : []);
    const missing = peers.filter((p) => `${p.namespace}/${p.name}` !== validator.key && !told.has(p.dnsName));
    pending[validator.key] = missing.map((p) => p.dnsName);
    if (validator.healthy && validator.podUid) for (const peer of missing) due.push({ validator: validator.key, peer: peer.dnsName, port: peer.port });
  }
  return { due, pending };
}

/** Before patch `validator-peers-observed`: records successful pushes in the ledger (pure: returns a new ledger). */
export function recordPushes(ledger: PushLedger, validators: readonly ValidatorHealth[], done: readonly PeerPush[]): PushLedger {
  const next: PushLedger = {};
  for (const validator of validators) {
    const entry = ledger[validator.key];
    const told = new Set(entry && entry.podUid === validator.podUid ? entry.told : []);
    for (const push of done) if (push.validator === validator.key) told.add(push.peer);
    next[validator.key] = { podUid: validator.podUid ?? '', told: [...told].sort() };
  }
  return next;
}
