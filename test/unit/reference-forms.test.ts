// The reference operator's (Stellar-K8s) manifest forms: camelCase strategies, `{Custom: passphrase}`
// networks, `alerting`, and `storage.size` as a Kubernetes quantity. Pure: no mocks.
import { describe, expect, it } from '@jest/globals';
import { parse } from 'smol-toml';
import { NETWORK_PASSPHRASES, networkPassphrase, networkProblem, networkSlug, normalizeNetwork } from '../../domain/network.js';
import { poolConfigMap, poolStatefulSet } from '../../domain/pool-objects.js';
import { normalizeStrategy, validatePoolSpec, withDefaults, type PoolSpecInput } from '../../domain/pool-spec.js';
import { storageSizeProblem } from '../../domain/quantity.js';

const CUSTOM = 'Standalone Network ; February 2017';
const owner = { namespace: 'ns', name: 'pool', uid: 'u1' };

describe('networks in the reference form', () => {
  it.each<[unknown, string]>([
    ['Testnet', 'Testnet'],
    ['testnet', 'Testnet'],
    ['mainnet', 'Mainnet'],
    ['futurenet', 'Futurenet'],
    [CUSTOM, CUSTOM],
    [{ Custom: CUSTOM }, CUSTOM],
    [{ custom: CUSTOM }, CUSTOM],
    [{ Custom: NETWORK_PASSPHRASES.Testnet }, NETWORK_PASSPHRASES.Testnet],
    [{ Custom: CUSTOM, Other: 'x' }, ''],
    [{ Mainnet: 'x' }, ''],
    [{ Custom: 5 }, ''],
    [5, ''],
    [null, ''],
    [['Testnet'], ''],
  ])('%j normalizes to %j', (input, expected) => {
    expect(normalizeNetwork(input)).toBe(expected);
  });

  it.each<[string, boolean]>([
    ['Testnet', true],
    [CUSTOM, true],
    ['Moonnet', false],
    ['', false],
    [`${'a '.repeat(129)}`, false],
  ])('network %j usable: %s', (network, usable) => {
    expect(networkProblem(network) === undefined).toBe(usable);
  });

  it('a {Custom: passphrase} pool has the same passphrase, slug and config as the plain passphrase', () => {
    const custom = withDefaults({ network: { Custom: CUSTOM } });
    expect(custom.network).toBe(CUSTOM);
    expect(validatePoolSpec(custom)).toEqual([]);
    expect(networkPassphrase({ Custom: CUSTOM })).toBe(CUSTOM);
    expect(networkSlug({ Custom: CUSTOM })).toBe(networkSlug(CUSTOM));
    const data = poolConfigMap(owner, custom).data as Record<string, string>;
    const config = parse(data['stellar-core.cfg'] as string) as Record<string, unknown>;
    expect(config.NETWORK_PASSPHRASE).toBe(CUSTOM);
    const container = (poolStatefulSet(owner, custom, 1).spec as { template: { spec: { containers: { env: { name: string; value: string }[] }[] } } }).template.spec.containers[0];
    expect(container?.env).toContainEqual({ name: 'NETWORK_PASSPHRASE', value: CUSTOM });
  });

  it('a lower-case name is the public network', () => {
    expect(networkPassphrase('testnet')).toBe(NETWORK_PASSPHRASES.Testnet);
    expect(networkSlug('testnet')).toBe('testnet');
  });

  it('refuses a network it cannot read, naming the field', () => {
    expect(validatePoolSpec(withDefaults({ network: { Other: CUSTOM } } as unknown as PoolSpecInput)).join('; ')).toMatch(/^network must be/);
    expect(validatePoolSpec(withDefaults({ network: 'Moonnet' })).join('; ')).toContain('"Moonnet"');
  });
});

describe('shard strategies in the reference form', () => {
  it.each([
    ['roundRobin', 'RoundRobin'],
    ['hashBased', 'HashBased'],
    ['manual', 'Manual'],
    ['RoundRobin', 'RoundRobin'],
    ['HashBased', 'HashBased'],
    ['Manual', 'Manual'],
  ] as const)('%s is %s', (written, normalized) => {
    expect(normalizeStrategy(written)).toBe(normalized);
    const spec = withDefaults({ network: 'Testnet', shardBalancing: { strategy: written } });
    expect(spec.shardBalancing.strategy).toBe(normalized);
    expect(validatePoolSpec(spec)).toEqual([]);
  });

  it('refuses an unknown strategy', () => {
    const spec = withDefaults({ network: 'Testnet', shardBalancing: { strategy: 'random' } } as unknown as PoolSpecInput);
    expect(validatePoolSpec(spec).join('; ')).toContain("shardBalancing.strategy must be RoundRobin, HashBased or Manual (or roundRobin, hashBased, manual); got 'random'");
  });
});

describe('storage.size as a Kubernetes quantity', () => {
  it.each<[string | number, boolean]>([
    ['100Gi', true],
    ['1.5Ti', true],
    ['500G', true],
    ['1e12', true],
    ['1E3', true],
    [1073741824, true],
    ['a lot', false],
    ['100 Gi', false],
    ['100GB', false],
    ['-1Gi', false],
    ['0', false],
    [0, false],
    [' 1Gi', false],
    ['', false],
  ])('%j is a usable size: %s', (size, ok) => {
    expect(storageSizeProblem(size) === undefined).toBe(ok);
  });

  it('a number of bytes reaches the claim template as a quantity string', () => {
    const spec = withDefaults({ network: 'Testnet', storage: { size: 1073741824 } });
    expect(spec.storage.size).toBe('1073741824');
    expect(validatePoolSpec(spec)).toEqual([]);
  });

  it('refuses "a lot" naming the field', () => {
    expect(validatePoolSpec(withDefaults({ network: 'Testnet', storage: { size: 'a lot' } }))).toContain('storage.size must be a positive Kubernetes quantity such as 100Gi, 500G or 1e12; got "a lot"');
  });
});
