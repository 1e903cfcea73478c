import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import { renderCoreConfig } from '../../domain/stellar-core-config.js';
import { extractPeers, networkPeerKeysToWrite, pendingPushes, recordPushes, renderNetworkPeerKeys, renderPeersConfigMap, type StellarNodeView } from '../../domain/validator-peers.js';

const node = (name: string, extra: Partial<StellarNodeView> = {}): StellarNodeView => ({ namespace: 'ns', name, nodeType: 'Validator', network: 'Mainnet', suspended: false, ...extra });
const service = (name: string) => ({ namespace: 'ns', name, clusterIP: '10.96.0.10' });

describe('extractPeers', () => {
  it.each([
    ['a validator with a Service', [node('a')], [service('a')], ['a']],
    ['not a Horizon node', [node('h', { nodeType: 'Horizon' })], [service('h')], []],
    ['not a suspended validator', [node('s', { suspended: true })], [service('s')], []],
    ['not a validator of another network', [node('t', { network: 'Testnet' })], [service('t')], []],
    ['the same network written as its passphrase', [node('p', { network: 'Public Global Stellar Network ; September 2015' })], [service('p')], ['p']],
    ['not a validator whose Service is missing', [node('m')], [], []],
  ])('%s', (_name, nodes, services, expected) => {
    expect(extractPeers('Mainnet', nodes, services).map((p) => p.name)).toEqual(expected);
  });

  it('records name, namespace, network, address, stable DNS name and port 11625', () => {
    expect(extractPeers('Mainnet', [node('a')], [service('a')])).toEqual([{
      name: 'a', namespace: 'ns', network: 'Public Global Stellar Network ; September 2015', address: '10.96.0.10',
      dnsName: 'a-0.a-hl.ns.svc.cluster.local', port: 11625,
    }]);
  });
});

describe('renderNetworkPeerKeys', () => {
  const mainnet = extractPeers('Mainnet', [node('a'), node('b')], [service('a'), service('b')]);
  const lines = 'a-0.a-hl.ns.svc.cluster.local:11625\nb-0.b-hl.ns.svc.cluster.local:11625\n';

  it.each([
    ['own keys only', false, { 'peers-mainnet.txt': lines, 'peer_count-mainnet': '2', 'peers-mainnet.json': JSON.stringify(mainnet, null, 2) }],
    ['own keys and the legacy keys, holding this network only', true, { 'peers-mainnet.txt': lines, 'peer_count-mainnet': '2', 'peers-mainnet.json': JSON.stringify(mainnet, null, 2), 'peers.txt': lines, peer_count: '2' }],
  ])('%s', (_name, legacy, expected) => {
    expect(renderNetworkPeerKeys('Mainnet', mainnet, legacy)).toEqual(expected);
  });

  it('a network without peers owns no keys', () => {
    expect(renderNetworkPeerKeys('Mainnet', [], true)).toEqual({});
  });

  it.each<[string, Record<string, string>, boolean, boolean]>([
    ['nothing yet', {}, false, true],
    ['exactly its keys, with another network\'s keys beside them', { ...renderNetworkPeerKeys('Mainnet', mainnet, false), 'peers-testnet.txt': 'x', 'peers.txt': 'x' }, false, false],
    ['its legacy keys stale', { ...renderNetworkPeerKeys('Mainnet', mainnet, false), 'peers.txt': 'x', peer_count: '1' }, true, true],
    ['a key of its own missing', { 'peers-mainnet.txt': lines, 'peer_count-mainnet': '2' }, false, true],
  ])('write needed when the map holds %s: %j', (_name, current, legacy, needed) => {
    expect(networkPeerKeysToWrite('Mainnet', mainnet, legacy, current) !== undefined).toBe(needed);
  });

  it('a network whose last validator is gone writes an empty set of keys (removing them), once', () => {
    expect(networkPeerKeysToWrite('Mainnet', [], true, renderNetworkPeerKeys('Mainnet', mainnet, true))).toEqual({});
    expect(networkPeerKeysToWrite('Mainnet', [], true, { 'peers-testnet.txt': 'x' })).toBeUndefined();
  });
});

describe('renderPeersConfigMap (before patch validator-peers-observed)', () => {
  const mainnet = extractPeers('Mainnet', [node('a'), node('b')], [service('a'), service('b')]);

  it('writes full records, host:port lines and counts, keyed by network', () => {
    const data = renderPeersConfigMap('Mainnet', mainnet);
    expect(data['peers-mainnet.txt']).toBe('a-0.a-hl.ns.svc.cluster.local:11625\nb-0.b-hl.ns.svc.cluster.local:11625\n');
    expect(data.peer_count).toBe('2');
    expect(JSON.parse(data['peers.json'] ?? '')).toEqual({ mainnet });
  });

  it('keeps the other networks already in the map', () => {
    const testnet = renderPeersConfigMap('Testnet', extractPeers('Testnet', [node('t', { network: 'Testnet' })], [service('t')]));
    const data = renderPeersConfigMap('Mainnet', mainnet, testnet);
    expect(Object.keys(JSON.parse(data['peers.json'] ?? ''))).toEqual(['mainnet', 'testnet']);
    expect(data.peer_count).toBe('3');
    expect(data['peer_count-testnet']).toBe('1');
  });

  it('is identical for the same peers (so an unchanged set writes nothing)', () => {
    expect(renderPeersConfigMap('Mainnet', mainnet, renderPeersConfigMap('Mainnet', mainnet))).toEqual(renderPeersConfigMap('Mainnet', mainnet));
  });

  it('peers go into the stellar-core config as KNOWN_PEERS, an array of strings', () => {
    const config = parse(renderCoreConfig({ network: 'Mainnet', historyArchiveUrls: [], knownPeers: mainnet.map((p) => `${p.dnsName}:${p.port}`), validator: { homeDomain: 'ns.example', historyArchive: false, unsafeQuorum: false } }));
    expect(config.KNOWN_PEERS).toEqual(['a-0.a-hl.ns.svc.cluster.local:11625', 'b-0.b-hl.ns.svc.cluster.local:11625']);
    expect(config.NODE_IS_VALIDATOR).toBe(true);
    expect(config.NODE_SEED).toBeUndefined();
  });
});

describe('pending pushes', () => {
  const peers = extractPeers('Mainnet', [node('a'), node('b'), node('c')], [service('a'), service('b'), service('c')]);
  const healthy = (name: string, uid = `uid-${name}`) => ({ key: `ns/${name}`, podUid: uid, healthy: true });

  it('pushes every other peer to each healthy validator, never itself', () => {
    const { due } = pendingPushes(peers, [healthy('a')], {});
    expect(due.map((p) => p.peer)).toEqual(['b-0.b-hl.ns.svc.cluster.local', 'c-0.c-hl.ns.svc.cluster.local']);
  });

  it('keeps pushes pending for an unhealthy validator and delivers them once it is healthy', () => {
    const sick = { key: 'ns/a', podUid: 'uid-a', healthy: false };
    const first = pendingPushes(peers, [sick], {});
    expect(first.due).toEqual([]);
    expect(first.pending['ns/a']).toHaveLength(2);
    expect(pendingPushes(peers, [healthy('a')], recordPushes({}, [sick], first.due)).due).toHaveLength(2);
  });

  it('does not push again what was told, until the pod restarts', () => {
    const { due } = pendingPushes(peers, [healthy('a')], {});
    const ledger = recordPushes({}, [healthy('a')], due);
    expect(pendingPushes(peers, [healthy('a')], ledger).due).toEqual([]);
    expect(pendingPushes(peers, [healthy('a', 'uid-new')], ledger).due).toHaveLength(2);
  });

  it('a new validator is pushed to every healthy existing one', () => {
    const ledger = recordPushes({}, [healthy('a'), healthy('b')], pendingPushes(peers.slice(0, 2), [healthy('a'), healthy('b')], {}).due);
    const { due } = pendingPushes(peers, [healthy('a'), healthy('b'), healthy('c')], ledger);
    expect(due.filter((p) => p.peer.startsWith('c-0')).map((p) => p.validator)).toEqual(['ns/a', 'ns/b']);
  });
});
