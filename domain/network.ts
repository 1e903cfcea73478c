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
 * (returned unchanged), in any form `normalizeNetwork` takes.
 */
export function networkPassphrase(network: NetworkInput): string {
  const name = normalizeNetwork(network);
  return (NETWORK_PASSPHRASES as Record<string, string>)[name] ?? name;
}

/**
 * A network as a spec may write it: `Mainnet`, `Testnet`, `Futurenet` (or the reference operator's
 * lower-case `mainnet`, `testnet`, `futurenet`), a custom passphrase, or the reference operator's
 * `{Custom: "<passphrase>"}` (also `{custom: ...}`).
 */
export type NetworkInput = string | { Custom?: string; custom?: string };

const LOWER_CASE_NAMES: Record<string, NetworkName> = { mainnet: 'Mainnet', testnet: 'Testnet', futurenet: 'Futurenet' };

/**
 * The one string form of a network used everywhere after the spec: a well-known name (`Testnet`) or a
 * custom passphrase. `{Custom: p}` becomes `p` (and a passphrase of a public network stays a passphrase:
 * it has the same slug and peers as the name). Anything else (a number, an object with other keys) gives
 * `''`, which `networkProblem` reports.
 */
export function normalizeNetwork(input: unknown): string {
  if (typeof input === 'string') return LOWER_CASE_NAMES[input] ?? input;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return '';
  const entries = Object.entries(input as Record<string, unknown>);
  const [key, value] = entries[0] ?? [];
  return entries.length === 1 && (key === 'Custom' || key === 'custom') && typeof value === 'string' ? value : '';
}

/**
 * Why a normalized network cannot be used, or undefined when it can: it must be a well-known name or a
 * custom passphrase, which contains a space (every Stellar passphrase does), so that a misspelt name
 * (`Testnte`) is not taken for a private network. The CRDs' `network` pattern enforces the same.
 */
export function networkProblem(network: string): string | undefined {
  if (network in NETWORK_PASSPHRASES || (network.includes(' ') && network.length <= 256)) return undefined;
  return `network must be Mainnet, Testnet, Futurenet, a custom network passphrase (which contains a space, e.g. 'Standalone Network ; February 2017') or {Custom: '<passphrase>'}; got ${JSON.stringify(network || 'nothing usable')}`;
}

/** A short, label-safe slug of a network (any form): `mainnet`, `testnet`, `futurenet`, or `custom-<hash>`. */
export function networkSlug(network: NetworkInput): string {
  const passphrase = networkPassphrase(network);
  for (const [name, known] of Object.entries(NETWORK_PASSPHRASES)) {
    if (known === passphrase) return name.toLowerCase();
  }
  return `custom-${fnv1a32(passphrase).toString(16).padStart(8, '0')}`;
}

// Bound once: in a workflow's V8 context every lookup of a global (`Math`) goes through the sandbox's
// global object, which made this loop 34 times slower there than in plain Node (the worker's profile at
// 100 pools had fnv1a32 as its workflow thread's top function).
const imul = Math.imul;

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`: stable across processes and versions. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
