// Stellar strkeys (SEP-23): a version byte and a 32-byte ed25519 key, with a CRC16-XModem checksum, in
// RFC 4648 base32 without padding. stellar-core reads NODE_SEED and every PUBLIC_KEY through
// KeyUtils::fromStrKey (stellar/stellar-core src/crypto/StrKey.cpp, src/crypto/KeyUtils.h) and stops on a
// key that does not decode. Pure code: deriving a public key from a seed needs ed25519 and lives with I/O.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The kinds of strkey the configuration uses: `G...` account (node) ids and `S...` seeds. */
export type StrKeyKind = 'publicKey' | 'seed';

const VERSION_BYTE: Record<StrKeyKind, number> = { publicKey: 6 << 3, seed: 18 << 3 };

/** CRC16-XModem (polynomial 0x1021, initial 0), as SEP-23 checksums are computed. */
export function crc16xmodem(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

function base32Decode(text: string): Uint8Array | undefined {
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const char of text) {
    const value = ALPHABET.indexOf(char);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((buffer >> bits) & 0xff);
    }
  }
  if (bits >= 5 || (buffer & ((1 << bits) - 1)) !== 0) return undefined;
  return Uint8Array.from(out);
}

function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** The 32 key bytes of a strkey of the given kind, or undefined when it is not one (wrong kind, length or checksum). */
export function decodeStrKey(text: string, kind: StrKeyKind): Uint8Array | undefined {
  if (text.length !== 56) return undefined;
  const raw = base32Decode(text);
  if (!raw || raw.length !== 35 || raw[0] !== VERSION_BYTE[kind]) return undefined;
  const checksum = (raw[33] ?? 0) | ((raw[34] ?? 0) << 8);
  if (crc16xmodem(raw.subarray(0, 33)) !== checksum) return undefined;
  return raw.slice(1, 33);
}

/** Encodes 32 key bytes as a strkey of the given kind. */
export function encodeStrKey(key: Uint8Array, kind: StrKeyKind): string {
  if (key.length !== 32) throw new RangeError(`a strkey holds 32 bytes, got ${key.length}`);
  const payload = new Uint8Array(35);
  payload[0] = VERSION_BYTE[kind];
  payload.set(key, 1);
  const crc = crc16xmodem(payload.subarray(0, 33));
  payload[33] = crc & 0xff;
  payload[34] = crc >> 8;
  return base32Encode(payload);
}
