import { describe, expect, it } from '@jest/globals';
import { createValidatorActivities, PEERS_CONFIG_MAP, peersFieldManager } from '../../activities/validator-activities.js';
import { networkSlug } from '../../domain/network.js';
import { renderNetworkPeerKeys, type PeerRecord } from '../../domain/validator-peers.js';
import { kube, uniqueName, workerKube } from './support.js';

const PATH = `/api/v1/namespaces/${PEERS_CONFIG_MAP.namespace}/configmaps/${PEERS_CONFIG_MAP.name}`;

interface ConfigMap {
  data?: Record<string, string>;
  metadata: { managedFields?: { manager?: string }[] };
}

const read = async (): Promise<ConfigMap> => kube().request<ConfigMap>('GET', PATH);

/** `count` made-up peers of a network, named after the round so every round changes every key. */
function peers(network: string, round: number, count = 2): PeerRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `r${round}-v${i}`, namespace: 'race', network, dnsName: `r${round}-v${i}-0.r${round}-v${i}-hl.race.svc.cluster.local`, port: 11625,
  }));
}

describe('stellar-system/stellar-peers written by several networks at once (kube-apiserver of the local stack)', () => {
  // As the worker writes it: its ServiceAccount, holding only the shipped ClusterRole.
  const activities = createValidatorActivities(workerKube());
  const tag = uniqueName('race');
  const networks = ['A', 'B', 'C'].map((n) => `Race ${n} ; ${tag}`);

  it('loses no update when networks write in the same instant, round after round', async () => {
    for (let round = 1; round <= 8; round += 1) {
      await Promise.all(networks.map((network) => activities.writeNetworkPeers({ network, data: renderNetworkPeerKeys(network, peers(network, round), false) })));
      const data = (await read()).data ?? {};
      for (const network of networks) {
        expect(data[`peers-${networkSlug(network)}.txt`]).toBe(renderNetworkPeerKeys(network, peers(network, round), false)[`peers-${networkSlug(network)}.txt`]);
      }
    }
    const managers = (await read()).metadata.managedFields?.map((f) => f.manager) ?? [];
    expect(managers).toEqual(expect.arrayContaining(networks.map(peersFieldManager)));
  });

  it('a network that writes no keys (its last validator is gone) loses its keys; the others keep theirs', async () => {
    const [gone, ...kept] = networks as [string, ...string[]];
    await activities.writeNetworkPeers({ network: gone, data: {} });
    const keys = Object.keys((await read()).data ?? {});
    expect(keys.filter((k) => k.includes(networkSlug(gone)))).toEqual([]);
    for (const network of kept) expect(keys).toEqual(expect.arrayContaining([`peers-${networkSlug(network)}.txt`, `peer_count-${networkSlug(network)}`, `peers-${networkSlug(network)}.json`]));
    for (const network of kept) await activities.writeNetworkPeers({ network, data: {} });
    expect(Object.keys((await read()).data ?? {}).filter((k) => k.includes(tag))).toEqual([]);
  });

  it('keys left by the single field manager of older versions (mixed legacy totals, peers.json) are released at the next write', async () => {
    const [network] = networks as [string];
    const stale = `peers-${networkSlug(`Stale ; ${tag}`)}.txt`;
    await kube().request('PATCH', PATH, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: PEERS_CONFIG_MAP.name, namespace: PEERS_CONFIG_MAP.namespace }, data: { 'peers.json': '{}', [stale]: 'old\n' } },
      contentType: 'application/apply-patch+yaml', query: { fieldManager: 'stellar-steward', force: true },
    });
    await activities.writeNetworkPeers({ network, data: renderNetworkPeerKeys(network, peers(network, 1), false) });
    const data = (await read()).data ?? {};
    expect(data['peers.json']).toBeUndefined();
    expect(data[stale]).toBeUndefined();
    expect(data[`peers-${networkSlug(network)}.txt`]).toBeDefined();
    await activities.writeNetworkPeers({ network, data: {} });
  });
});
