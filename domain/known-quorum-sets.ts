import { networkPassphrase, NETWORK_PASSPHRASES } from './network.js';
import type { Quality } from './quorum-set-math.js';

/** A validator of a quorum set, as stellar-core's `[[VALIDATORS]]` table (camelCase in the CRDs). */
export interface QuorumValidator {
  name: string;
  homeDomain: string;
  publicKey: string;
  /** `host[:port]`: stellar-core adds it to KNOWN_PEERS (PREFERRED_PEERS for its own home domain). */
  address?: string;
  /** A history `get` command, `curl -sf URL/{0} -o {1}`. HIGH and CRITICAL validators need one. */
  history?: string;
  /** Needed only when the home domain is not listed in `homeDomains`. */
  quality?: Quality;
}

/** A quorum set in the form stellar-core generates one from: `[[HOME_DOMAINS]]` and `[[VALIDATORS]]`. */
export interface QuorumSetSpec {
  homeDomains: { homeDomain: string; quality: Quality }[];
  validators: QuorumValidator[];
}

function sdf(name: string, publicKey: string, address: string, archive: string): QuorumValidator {
  return { name, homeDomain: '', publicKey, address, history: `curl -sf ${archive}/{0} -o {1}` };
}

const TESTNET: QuorumSetSpec = {
  homeDomains: [{ homeDomain: 'testnet.stellar.org', quality: 'HIGH' }],
  // stellar/stellar-core docs/stellar-core_example.cfg and docs/stellar-core_testnet_validator.cfg.
  validators: [
    sdf('sdftest1', 'GDKXE2OZMJIPOSLNA6N6F2BVCI3O777I2OOC4BV7VOYUEHYX7RTRYA7Y', 'core-testnet1.stellar.org', 'http://history.stellar.org/prd/core-testnet/core_testnet_001'),
    sdf('sdftest2', 'GCUCJTIYXSOXKBSNFGNFWW5MUQ54HKRPGJUTQFJ5RQXZXNOLNXYDHRAP', 'core-testnet2.stellar.org', 'http://history.stellar.org/prd/core-testnet/core_testnet_002'),
    sdf('sdftest3', 'GC2V2EFSXN6SQTWVYA5EPJPBWWIMSD2XQNKUOHGEKB535AQE2I6IXV2Z', 'core-testnet3.stellar.org', 'http://history.stellar.org/prd/core-testnet/core_testnet_003'),
  ].map((v) => ({ ...v, homeDomain: 'testnet.stellar.org' })),
};

const MAINNET: QuorumSetSpec = {
  homeDomains: [{ homeDomain: 'www.stellar.org', quality: 'HIGH' }],
  // SDF's three Mainnet validators, as Stellar's published pubnet configs list them. Only one organisation
  // of the Tier 1: a production node should list its own choice of organisations (quorumSet).
  validators: [
    sdf('sdf_1', 'GCGB2S2KGYARPVIA37HYZXVRM2YZUEXA6S33ZU5BUDC6THSB62LZSTYH', 'core-live-a.stellar.org:11625', 'https://history.stellar.org/prd/core-live/core_live_001'),
    sdf('sdf_2', 'GCM6QMP3DLRPTAZW2UZPCPX2LF3SXWXKPMP3GKFZBDSF3QZGV2G5QSTK', 'core-live-b.stellar.org:11625', 'https://history.stellar.org/prd/core-live/core_live_002'),
    sdf('sdf_3', 'GABMKJM6I25XI4K7U6XWMULOUQIQ27BCTMLS6BYYSOWKTBUXVRJSXHYQ', 'core-live-c.stellar.org:11625', 'https://history.stellar.org/prd/core-live/core_live_003'),
  ].map((v) => ({ ...v, homeDomain: 'www.stellar.org' })),
};

/**
 * The well-known quorum set of a network (Testnet or Mainnet), or an empty set for any other network,
 * which then needs a `quorumSet` in its spec (or, for validators, forms its quorum from the set itself).
 */
export function knownQuorumSet(network: string): QuorumSetSpec {
  const passphrase = networkPassphrase(network);
  if (passphrase === NETWORK_PASSPHRASES.Testnet) return TESTNET;
  if (passphrase === NETWORK_PASSPHRASES.Mainnet) return MAINNET;
  return { homeDomains: [], validators: [] };
}
