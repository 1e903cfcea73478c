import { createPrivateKey, createPublicKey } from 'node:crypto';
import { decodeStrKey, encodeStrKey } from '../domain/strkey.js';

// PKCS#8 DER prefix of an ed25519 private key (RFC 8410): the 32-byte seed follows it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * The node id (`G...` public key) of a stellar-core NODE_SEED (`S...`, optionally followed by a name, as
 * stellar-core's Config::parseNodeID reads it), or undefined when it is not a valid seed. The seed stays
 * in this function: callers keep only the public key.
 */
export function publicKeyOfSeed(seedText: string): string | undefined {
  const seed = decodeStrKey(seedText.trim().split(/\s+/)[0] ?? '', 'seed');
  if (!seed) return undefined;
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return encodeStrKey(Uint8Array.from(spki.subarray(spki.length - 32)), 'publicKey');
}
