import { describe, expect, it } from '@jest/globals';
import { publicKeyOfSeed } from '../../activities/node-key.js';
import { checkCoreConfig } from '../../domain/core-config-rules.js';
import { networkPassphrase } from '../../domain/network.js';
import { poolCoreConfig } from '../../domain/pool-objects.js';
import { withDefaults, type PoolSpecInput } from '../../domain/pool-spec.js';
import { decodeStrKey, encodeStrKey } from '../../domain/strkey.js';
import { defaultHomeDomain, validatorConfig, type SetMember, type ValidatorSpec } from '../../domain/validator-objects.js';

// Local-only seeds made from fixed bytes: never used on a real network.
const seed = (n: number): string => encodeStrKey(new Uint8Array(32).fill(n), 'seed');
const key = (n: number): string => publicKeyOfSeed(seed(n)) as string;
const CUSTOM = 'Local Steward Network ; 2026';
const owner = { namespace: 'ns', name: 'pool', uid: 'u' };
const pool = (input: Partial<PoolSpecInput> = {}): string => poolCoreConfig(owner, withDefaults({ network: 'Testnet', ...input }));
const QSET = { homeDomains: [{ homeDomain: 'org.example', quality: 'MEDIUM' as const }], validators: [1, 2, 3].map((n) => ({ name: `o${n}`, homeDomain: 'org.example', publicKey: key(10 + n), history: `curl -sf http://127.0.0.1:1/o${n}/{0} -o {1}` })) };

function validator(input: Partial<ValidatorSpec> = {}): ValidatorSpec {
  return {
    namespace: 'ns', name: 'v1', uid: 'u', network: 'Testnet', version: '22', suspended: false, seedSecret: { name: 's', key: 'seed' }, storageSize: '1Gi',
    historyArchiveUrls: [], homeDomain: defaultHomeDomain('ns'), enableHistoryArchive: false, ...input,
  };
}
const member = (name: string, n: number): SetMember => ({ namespace: 'ns', name, homeDomain: defaultHomeDomain('ns'), publicKey: key(n), address: `${name}-0.${name}-hl.ns.svc.cluster.local:11625` });
const SET = [member('v1', 1), member('v2', 2), member('v3', 3)];
/** What the start script hands stellar-core: the seed line, then the mounted config. */
const started = (config: string, n = 1): string => `NODE_SEED="${seed(n)} self"\n${config}`;

describe('strkeys', () => {
  it('round-trip and reject a wrong kind or checksum', () => {
    const k = key(1);
    expect(k).toMatch(/^G[A-Z2-7]{55}$/);
    expect(decodeStrKey(k, 'publicKey')).toHaveLength(32);
    expect(decodeStrKey(k, 'seed')).toBeUndefined();
    expect(decodeStrKey(`${k.slice(0, 55)}${k.endsWith('A') ? 'B' : 'A'}`, 'publicKey')).toBeUndefined();
    expect(publicKeyOfSeed('SBCLITESTSEED')).toBeUndefined();
  });
});

describe('every generated config shape passes stellar-core rules', () => {
  it.each([
    ['pool, Testnet (well-known quorum set)', pool(), 'Testnet'],
    ['pool, Mainnet (well-known quorum set)', pool({ network: 'Mainnet' }), 'Mainnet'],
    ['pool, custom network with a quorumSet', pool({ network: CUSTOM, quorumSet: QSET }), CUSTOM],
    ['pool, Testnet with a quorumSet override', pool({ quorumSet: QSET }), 'Testnet'],
    ['pool, TOML coreConfigOverride', pool({ coreConfigOverride: 'CATCHUP_RECENT=60\nTARGET_PEER_CONNECTIONS=4\n' }), 'Testnet'],
    ['pool, map coreConfigOverride', pool({ coreConfigOverride: { CATCHUP_COMPLETE: false } }), 'Testnet'],
    ['pool, archives', pool({ historyArchiveUrls: ['http://127.0.0.1:1/archive/testnet'] }), 'Testnet'],
    ['validator alone, Testnet', started(validatorConfig(validator(), [], [])), 'Testnet'],
    ['validator set of 3, Testnet', started(validatorConfig(validator(), SET, [])), 'Testnet'],
    ['validator set of 3, Mainnet', started(validatorConfig(validator({ network: 'Mainnet' }), SET, [])), 'Mainnet'],
    ['validator alone, custom network', started(validatorConfig(validator({ network: CUSTOM }), [], [])), CUSTOM],
    ['validator set of 3, custom network', started(validatorConfig(validator({ network: CUSTOM }), SET, [])), CUSTOM],
    ['validator, history archive', started(validatorConfig(validator({ enableHistoryArchive: true }), SET, [])), 'Testnet'],
    ['validator, quorumSet override', started(validatorConfig(validator({ quorumSet: QSET }), SET, [])), 'Testnet'],
    ['validator, coreConfigOverride', started(validatorConfig(validator({ coreConfigOverride: 'CATCHUP_RECENT=0' }), SET, [])), 'Testnet'],
    ['validator whose peers have no known key', started(validatorConfig(validator(), SET.map((m) => ({ ...m, publicKey: undefined })), [])), 'Testnet'],
  ])('%s', (_, config, network) => {
    expect(checkCoreConfig(config, { network: networkPassphrase(network), selfPublicKey: key(1) })).toEqual([]);
  });
});

describe('a config stellar-core refuses is refused, with the rule that refuses it', () => {
  const testnet = networkPassphrase('Testnet');
  it.each([
    ['bad TOML in the override', pool({ coreConfigOverride: 'CATCHUP_RECENT = = 1' }), 'toml'],
    ['an unknown key', pool({ coreConfigOverride: 'NOT_A_STELLAR_CORE_KEY=1' }), 'unknown-key'],
    ['a key of the test builds only', pool({ coreConfigOverride: 'TESTING_NOMINATE_RANDOM_VALUES=true' }), 'unknown-key'],
    ['no quorum set (custom network, none given)', pool({ network: CUSTOM }), 'no-quorum-set'],
    ['another network than the pod\'s', pool({ coreConfigOverride: `NETWORK_PASSPHRASE="${CUSTOM}"` }), 'network'],
    ['an unknown HISTORY entry', pool({ coreConfigOverride: { HISTORY: { extra: { get: 'x', push: 'y' } } } }), 'history'],
    ['a wrongly typed value', pool({ coreConfigOverride: 'PUBLIC_HTTP_PORT="yes"' }), 'type'],
    ['a quorum reachable without archives', pool({ quorumSet: { ...QSET, validators: QSET.validators.map((v) => ({ ...v, history: undefined })) } }), 'unsafe'],
    ['a HIGH validator without an archive', pool({ quorumSet: { validators: QSET.validators.map((v) => ({ ...v, history: undefined })), homeDomains: [{ homeDomain: 'org.example', quality: 'HIGH' }] } }), 'validators'],
    ['a HIGH domain with fewer than 3 validators', pool({ quorumSet: { homeDomains: [{ homeDomain: 'a.example', quality: 'HIGH' }], validators: [{ name: 'a', homeDomain: 'a.example', publicKey: key(4), history: 'curl x' }] } }), 'quorum'],
    ['an invalid public key', pool({ quorumSet: { ...QSET, validators: [{ name: 'x', homeDomain: 'org.example', publicKey: 'GABC' }] } }), 'validators'],
    ['FAILURE_SAFETY=0 without UNSAFE_QUORUM', pool({ coreConfigOverride: 'FAILURE_SAFETY=0' }), 'unsafe'],
    ['a validator listing itself', started(validatorConfig(validator({ name: 'v9' }), SET, [])), 'quorum-set'],
    ['a validator without NODE_HOME_DOMAIN', started(validatorConfig(validator({ coreConfigOverride: 'NODE_HOME_DOMAIN=""' }), SET, [])), 'home-domain'],
    ['an invalid seed', `NODE_SEED="SBCLITESTSEED self"\n${validatorConfig(validator(), SET, [])}`, 'seed'],
    ['INVARIANT_EXTRA_CHECKS on a validator', started(validatorConfig(validator({ coreConfigOverride: 'INVARIANT_EXTRA_CHECKS=true' }), SET, [])), 'invariant-extra-checks'],
  ])('%s', (_, config, rule) => {
    expect(checkCoreConfig(config, { network: testnet, selfPublicKey: key(1) }).map((p) => p.rule)).toContain(rule);
  });
});
