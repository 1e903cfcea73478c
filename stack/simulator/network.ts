import { createHash } from 'node:crypto';

/**
 * The public Stellar networks as the simulator knows them. The passphrases are written out here on
 * purpose, not imported from `domain/`: the test double must not share a typo with the code it checks.
 * `baseLedger` is the tip of each simulated network when the simulator starts.
 */
export const SIM_NETWORKS = {
  mainnet: { name: 'Mainnet', passphrase: 'Public Global Stellar Network ; September 2015', baseLedger: 56_000_000 },
  testnet: { name: 'Testnet', passphrase: 'Test SDF Network ; September 2015', baseLedger: 1_200_000 },
  futurenet: { name: 'Futurenet', passphrase: 'Test SDF Future Network ; October 2022', baseLedger: 700_000 },
} as const;

/** The slug of a well-known network: `mainnet`, `testnet` or `futurenet`. */
export type KnownNetworkSlug = keyof typeof SIM_NETWORKS;

const KNOWN = Object.entries(SIM_NETWORKS) as [KnownNetworkSlug, (typeof SIM_NETWORKS)[KnownNetworkSlug]][];

/** Passphrase of the network the simulator uses when a pod names none: Testnet. */
export const DEFAULT_NETWORK_PASSPHRASE = SIM_NETWORKS.testnet.passphrase;

/**
 * The passphrase of a network given by name (`Testnet`), slug (`testnet`) or passphrase. Anything else is
 * taken as a custom passphrase and returned unchanged (trimmed).
 */
export function passphraseOf(network: string): string {
  const text = network.trim();
  for (const [slug, known] of KNOWN) {
    if (text === slug || text === known.name || text === known.passphrase) return known.passphrase;
  }
  return text;
}

/**
 * A URL-safe slug of a network: `mainnet`, `testnet`, `futurenet`, or `custom-<8 hex>` (from the
 * SHA-256 of the passphrase) for any other passphrase.
 */
export function networkSlug(network: string): string {
  const passphrase = passphraseOf(network);
  const known = KNOWN.find(([, n]) => n.passphrase === passphrase);
  return known ? known[0] : `custom-${digest(passphrase).slice(0, 8)}`;
}

/**
 * The passphrase a slug stands for: a well-known network, or one of `customPassphrases` (the networks
 * the simulator has seen) whose slug matches. Undefined when nothing matches.
 */
export function passphraseOfSlug(slug: string, customPassphrases: Iterable<string> = []): string | undefined {
  const known = (SIM_NETWORKS as Record<string, { passphrase: string }>)[slug];
  if (known) return known.passphrase;
  for (const passphrase of customPassphrases) {
    if (networkSlug(passphrase) === slug) return passphrase;
  }
  return undefined;
}

/**
 * The ledger at which a network's simulated tip starts: fixed for the well-known networks, derived from
 * the passphrase (200000 to 299999) for a custom one, so that two networks never share ledger numbers by accident.
 */
export function baseLedger(network: string): number {
  const passphrase = passphraseOf(network);
  const known = KNOWN.find(([, n]) => n.passphrase === passphrase);
  if (known) return known[1].baseLedger;
  return 200_000 + (parseInt(digest(passphrase).slice(0, 8), 16) % 100_000);
}

/**
 * The passphrase a node of the `wrong-network` scenario reports: Mainnet's for a Testnet node, Testnet's
 * for a node of any other network.
 */
export function otherNetwork(network: string): string {
  const passphrase = passphraseOf(network);
  return passphrase === SIM_NETWORKS.testnet.passphrase ? SIM_NETWORKS.mainnet.passphrase : SIM_NETWORKS.testnet.passphrase;
}

/** A deterministic 64-hex-digit hash of `parts`, for ledger and bucket hashes. */
export function digest(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex');
}
