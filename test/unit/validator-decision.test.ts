import { describe, expect, it } from '@jest/globals';
import { decideValidators, type ObservedNode, type ValidatorObservation } from '../../domain/validator-decision.js';

const MAINNET = 'Public Global Stellar Network ; September 2015';
const TESTNET = 'Test SDF Network ; September 2015';
const dns = (name: string): string => `${name}-0.${name}-hl.ns.svc.cluster.local`;

/** A healthy validator of `network` at pod IP 10.0.0.<n>, whose /peers lists `linked` (by pod IP). */
function node(name: string, n: number, network = 'Mainnet', linked: string[] = []): ObservedNode {
  const passphrase = network === 'Mainnet' ? MAINNET : TESTNET;
  return {
    namespace: 'ns', name, uid: `uid-${name}`, generation: 1, nodeType: 'Validator', network, suspended: false, version: 'latest',
    seedSecret: { name: 'seeds', key: 'seed' }, storageSize: '1Gi', historyArchiveUrls: [],
    pod: { uid: `pod-${name}`, ip: `10.0.0.${n}`, ready: true },
    probe: { replica: `${name}-0`, ready: true, info: { state: 'Synced!', ledger: 10, network: passphrase } },
    overlay: { authenticated: linked, pending: [] },
  };
}

function observation(nodes: ObservedNode[], extra: Partial<ValidatorObservation> = {}): ValidatorObservation {
  return { nodes, services: nodes.map((n) => ({ namespace: n.namespace, name: n.name, clusterIP: '10.96.0.1' })), ...extra };
}

describe('decideValidators: connections and stellar-peers keys', () => {
  it('connects only the pairs that /peers shows unconnected, whatever the ledger of older versions says', () => {
    const told = { 'ns/a': { podUid: 'pod-a', told: [dns('b'), dns('c')] } };
    const decision = decideValidators('Mainnet', observation([node('a', 1, 'Mainnet', ['10.0.0.2']), node('b', 2), node('c', 3)]), told, 0);
    expect(decision.connections.connects.map((c) => `${c.validator}>${c.peer}`)).toEqual([`ns/a>${dns('c')}`, `ns/b>${dns('c')}`]);
  });

  it.each<[string, string | undefined, string, boolean]>([
    ['the legacy network writes the legacy keys', 'Mainnet', 'Mainnet', true],
    ['the legacy network named by passphrase', MAINNET, 'Mainnet', true],
    ['another network does not', 'Mainnet', 'Testnet', false],
    ['no legacy network: nobody does', undefined, 'Mainnet', false],
  ])('%s', (_name, legacyPeersNetwork, network, legacy) => {
    const decision = decideValidators(network, observation([node('a', 1, network)], { legacyPeersNetwork }), {}, 0);
    expect(decision.networkPeers?.network).toBe(network === 'Mainnet' ? MAINNET : TESTNET);
    expect(Object.keys(decision.networkPeers?.data ?? {}).includes('peers.txt')).toBe(legacy);
  });

  it('writes nothing when the map already holds this network\'s keys, and an empty set once its validators are gone', () => {
    const first = decideValidators('Mainnet', observation([node('a', 1)], { legacyPeersNetwork: 'Mainnet' }), {}, 0);
    const map = { ...first.networkPeers?.data, 'peers-testnet.txt': 'other\n' };
    expect(decideValidators('Mainnet', observation([node('a', 1)], { legacyPeersNetwork: 'Mainnet', peersConfigMap: map }), {}, 0).networkPeers).toBeUndefined();
    expect(decideValidators('Mainnet', observation([], { legacyPeersNetwork: 'Mainnet', peersConfigMap: map }), {}, 0).networkPeers).toEqual({ network: MAINNET, data: {} });
  });
});

describe('decideValidators: a config stellar-core refuses', () => {
  const configOf = (decision: ReturnType<typeof decideValidators>, name: string): string | undefined =>
    (decision.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${name}-config`) as { data?: Record<string, string> } | undefined)?.data?.['stellar-core.cfg'];
  const degraded = (decision: ReturnType<typeof decideValidators>, name: string) => decision.statuses.find((s) => s.name === name)?.status.conditions.find((c) => c.type === 'Degraded');
  const live = configOf(decideValidators('Testnet', observation([node('a', 1, 'Testnet')]), {}, 0), 'a');

  it.each<[string, string | undefined, boolean, string | undefined]>([
    ['accepted: rolled out, no Degraded condition', 'CATCHUP_RECENT=60', true, undefined],
    ['refused over a good live config: the live one is kept', 'INVARIANT_EXTRA_CHECKS=true', false, 'ConfigRefused'],
  ])('%s', (_name, override, rolledOut, reason) => {
    const decision = decideValidators('Testnet', observation([{ ...node('a', 1, 'Testnet'), coreConfigOverride: override, liveConfig: live }]), {}, 0);
    expect(configOf(decision, 'a') === live).toBe(!rolledOut);
    expect(degraded(decision, 'a')?.reason).toBe(reason);
  });

  it('the condition names the node, the rule and the key', () => {
    const decision = decideValidators('Testnet', observation([{ ...node('a', 1, 'Testnet'), coreConfigOverride: 'INVARIANT_EXTRA_CHECKS=true' }]), {}, 0);
    expect(degraded(decision, 'a')?.message).toMatch(/StellarNode ns\/a \(rule invariant-extra-checks, key INVARIANT_EXTRA_CHECKS\).*no good config to keep/);
    expect(configOf(decision, 'a')).toMatch(/INVARIANT_EXTRA_CHECKS=true/);
  });
});
