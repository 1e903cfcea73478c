import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import { NETWORK_PASSPHRASES, networkSlug } from '../../domain/network.js';
import { validatePoolSpec, withDefaults } from '../../domain/pool-spec.js';
import { renderCoreConfig } from '../../domain/stellar-core-config.js';

describe('renderCoreConfig', () => {
  const toml = renderCoreConfig({
    network: 'Mainnet',
    historyArchiveUrls: ['http://127.0.0.1:9/archive/mainnet/', 'https://history.example/prd'],
    knownPeers: ['pool-0.pool-hl.ns.svc.cluster.local:11625', 'core "quoted"'],
    quorumSet: {
      validators: [{ name: 'v1', homeDomain: 'example.org', publicKey: 'GABC', address: 'core.example.org' }],
      homeDomains: [{ homeDomain: 'example.org', quality: 'HIGH' }],
    },
  });
  const parsed = parse(toml) as Record<string, unknown>;

  it('is valid TOML with the network passphrase and a public admin port', () => {
    expect(parsed).toEqual(expect.objectContaining({
      NETWORK_PASSPHRASE: NETWORK_PASSPHRASES.Mainnet, HTTP_PORT: 11626, PUBLIC_HTTP_PORT: true, PEER_PORT: 11625, NODE_IS_VALIDATOR: false,
    }));
  });

  it('writes peers as arrays of strings, not tables', () => {
    expect(parsed.KNOWN_PEERS).toEqual(['pool-0.pool-hl.ns.svc.cluster.local:11625', 'core "quoted"']);
  });

  it('writes each history archive as a [HISTORY.name] table with a curl get', () => {
    expect(parsed.HISTORY).toEqual({
      archive0: { get: 'curl -sf http://127.0.0.1:9/archive/mainnet/{0} -o {1}' },
      archive1: { get: 'curl -sf https://history.example/prd/{0} -o {1}' },
    });
  });

  it('writes the quorum as [[VALIDATORS]] and [[HOME_DOMAINS]]', () => {
    expect(parsed.VALIDATORS).toEqual([{ NAME: 'v1', HOME_DOMAIN: 'example.org', PUBLIC_KEY: 'GABC', ADDRESS: 'core.example.org' }]);
    expect(parsed.HOME_DOMAINS).toEqual([{ HOME_DOMAIN: 'example.org', QUALITY: 'HIGH' }]);
  });
});

describe('pool spec', () => {
  it('applies the reference operator defaults', () => {
    const spec = withDefaults({ network: 'Testnet' });
    expect([spec.minReplicas, spec.maxReplicas, spec.targetReplicas]).toEqual([3, 20, 5]);
    expect(spec.loadBalancing).toEqual(expect.objectContaining({ freshNodeWeight: 100, laggingNodeWeight: 10, lagThreshold: 1000, updateIntervalSeconds: 30, parentRefs: [] }));
    expect(spec.shardBalancing).toEqual(expect.objectContaining({ shardCount: 4, strategy: 'RoundRobin', autoRebalance: true }));
    expect(validatePoolSpec(spec)).toEqual([]);
  });

  it.each([
    [{ minReplicas: 0, targetReplicas: 1 }, 'minReplicas must be at least 1'],
    [{ minReplicas: 5, maxReplicas: 3, targetReplicas: 4 }, 'maxReplicas must be greater than or equal to minReplicas'],
    [{ targetReplicas: 30 }, 'targetReplicas must lie between minReplicas and maxReplicas'],
    [{ shardBalancing: { enabled: true } }, 'historyArchiveUrls is required when shardBalancing is enabled'],
    [{ shardBalancing: { shardCount: 0 } }, 'shardCount must be at least 1'],
    [{ loadBalancing: { laggingNodeWeight: -1 } }, 'weights must be >= 0'],
    [{ loadBalancing: { lagThreshold: -5 } }, 'lagThreshold must be >= 0'],
    [{ loadBalancing: { parentRefs: [{ name: '' }] } }, 'every loadBalancing.parentRefs entry needs the name of a Gateway'],
  ])('refuses %j', (input, message) => {
    expect(validatePoolSpec(withDefaults({ network: 'Testnet', ...input }))).toContain(message);
  });

  it.each([['Mainnet', 'mainnet'], ['Test SDF Network ; September 2015', 'testnet'], ['Standalone Network ; February 2017', 'custom-']])('slugs %s', (network, slug) => {
    expect(networkSlug(network).startsWith(slug)).toBe(true);
  });
});
