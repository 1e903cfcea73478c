/** The network passphrases of the public Stellar networks. */
export const NETWORK_PASSPHRASES = {
  Mainnet: 'Public Global Stellar Network ; September 2015',
  Testnet: 'Test SDF Network ; September 2015',
  Futurenet: 'Test SDF Future Network ; October 2022',
} as const;

/** A well-known network name. */
export type NetworkName = keyof typeof NETWORK_PASSPHRASES;

/**
 * The passphrase of a network given as `Mainnet`, `Testnet`, `Futurenet` or a custom passphrase
 * (returned unchanged).
 */
export function networkPassphrase(network: string): string {
  return (NETWORK_PASSPHRASES as Record<string, string>)[network] ?? network;
}

/** A short, label-safe slug of a network: `mainnet`, `testnet`, `futurenet`, or `custom-<hash>`. */
export function networkSlug(network: string): string {
  const passphrase = networkPassphrase(network);
  for (const [name, known] of Object.entries(NETWORK_PASSPHRASES)) {
    if (known === passphrase) return name.toLowerCase();
  }
  return `custom-${fnv1a32(passphrase).toString(16).padStart(8, '0')}`;
}

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`: stable across processes and versions. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
