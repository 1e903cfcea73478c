/**
 * A reader of stellar's `LedgerKey` XDR (stellar-xdr: Stellar-ledger-entries.x, Stellar-contract.x), strict
 * like stellar-core's `fromOpaqueBase64` (src/ledger/LedgerTxnImpl.h: base64, then xdrpp's
 * `xdr_from_opaque`, which refuses a short message, an unknown union arm, non-zero padding and unconsumed
 * bytes). The query server decodes every `key` this way before it looks anything up.
 */

/** The `LedgerEntryType` arms of a `LedgerKey`. */
export const LEDGER_ENTRY_TYPES = ['ACCOUNT', 'TRUSTLINE', 'OFFER', 'DATA', 'CLAIMABLE_BALANCE', 'LIQUIDITY_POOL', 'CONTRACT_DATA', 'CONTRACT_CODE', 'CONFIG_SETTING', 'TTL'] as const;

/** A decoded ledger key: its type and its canonical XDR (equal keys have equal bytes). */
export interface LedgerKey {
  type: (typeof LEDGER_ENTRY_TYPES)[number];
  canonical: string;
}

/** Why a key did not decode; the message follows xdrpp's exception texts. */
export class XdrError extends Error {}

/** Largest `ConfigSettingID` in stellar-core's current XDR (CONFIG_SETTING_FREEZE_BYPASS_TXS_DELTA). */
const MAX_CONFIG_SETTING_ID = 20;

/** Decodes one base64 `LedgerKey`. Throws `XdrError` when it is not one. */
export function decodeLedgerKey(base64: string): LedgerKey {
  const bytes = Buffer.from(base64, 'base64');
  const reader = new XdrReader(bytes);
  const type = reader.enumOf(LEDGER_ENTRY_TYPES, 'LedgerEntryType');
  readKeyBody(reader, type);
  if (!reader.done()) throw new XdrError('xdr_bad_message_size: did not consume whole message');
  return { type, canonical: bytes.toString('base64') };
}

function readKeyBody(r: XdrReader, type: LedgerKey['type']): void {
  switch (type) {
    case 'ACCOUNT':
      return r.accountId();
    case 'TRUSTLINE':
      r.accountId();
      return readTrustLineAsset(r);
    case 'OFFER':
      r.accountId();
      return r.skip(8);
    case 'DATA':
      r.accountId();
      return r.string(64);
    case 'CLAIMABLE_BALANCE':
      r.arm(1, 'ClaimableBalanceIDType');
      return r.skip(32);
    case 'LIQUIDITY_POOL':
    case 'CONTRACT_CODE':
    case 'TTL':
      return r.skip(32);
    case 'CONTRACT_DATA':
      readScAddress(r);
      readScVal(r, 0);
      r.arm(2, 'ContractDataDurability');
      return;
    case 'CONFIG_SETTING':
      r.arm(MAX_CONFIG_SETTING_ID + 1, 'ConfigSettingID');
      return;
  }
}

function readTrustLineAsset(r: XdrReader): void {
  const asset = r.arm(4, 'AssetType');
  if (asset === 1 || asset === 2) {
    r.skip(asset === 1 ? 4 : 12);
    r.accountId();
  } else if (asset === 3) {
    r.skip(32);
  }
}

/** SCAddress: account, contract, muxed account, claimable balance, liquidity pool. */
function readScAddress(r: XdrReader): void {
  const arm = r.arm(5, 'SCAddressType');
  if (arm === 0) r.accountId();
  else if (arm === 2) r.skip(8 + 32);
  else if (arm === 3) {
    r.arm(1, 'ClaimableBalanceIDType');
    r.skip(32);
  } else r.skip(32);
}

/** Fixed sizes of the SCVal arms that hold plain numbers (bool is an XDR int). */
const SCVAL_FIXED: Record<number, number> = { 0: 4, 1: 0, 3: 4, 4: 4, 5: 8, 6: 8, 7: 8, 8: 8, 9: 16, 10: 16, 11: 32, 12: 32, 20: 0, 21: 8 };

/** SCVal (Stellar-contract.x), recursively; depth-bounded like the host's limits. */
function readScVal(r: XdrReader, depth: number): void {
  if (depth > 32) throw new XdrError('xdr_overflow: SCVal nested too deep');
  const arm = r.arm(22, 'SCValType');
  const fixed = SCVAL_FIXED[arm];
  if (fixed !== undefined) {
    if (arm === 0) r.arm(2, 'bool');
    else r.skip(fixed);
    return;
  }
  switch (arm) {
    case 2: // SCError: a contract code (uint32) for SCE_CONTRACT, else an SCErrorCode
      r.arm(10, 'SCErrorType');
      r.skip(4);
      return;
    case 13:
    case 14:
      r.opaque(0xffffffff);
      return;
    case 15:
      r.string(32);
      return;
    case 16:
      if (r.arm(2, 'optional')) r.times(() => readScVal(r, depth + 1));
      return;
    case 17:
      if (r.arm(2, 'optional')) r.times(() => (readScVal(r, depth + 1), readScVal(r, depth + 1)));
      return;
    case 18:
      return readScAddress(r);
    case 19: // SCContractInstance: executable (wasm hash or the asset contract), optional storage map
      if (r.arm(2, 'ContractExecutableType') === 0) r.skip(32);
      if (r.arm(2, 'optional')) r.times(() => (readScVal(r, depth + 1), readScVal(r, depth + 1)));
      return;
  }
}

class XdrReader {
  private offset = 0;

  constructor(private readonly bytes: Buffer) {
    if (bytes.length % 4 !== 0) throw new XdrError('xdr_bad_message_size: message size not multiple of 4');
  }

  done(): boolean {
    return this.offset === this.bytes.length;
  }

  skip(count: number): void {
    const padded = count + ((4 - (count % 4)) % 4);
    if (this.offset + padded > this.bytes.length) throw new XdrError('xdr_overflow: insufficient buffer space');
    for (let i = this.offset + count; i < this.offset + padded; i += 1) {
      if (this.bytes[i] !== 0) throw new XdrError('xdr_should_be_zero: Non-zero padding bytes encountered');
    }
    this.offset += padded;
  }

  uint32(): number {
    if (this.offset + 4 > this.bytes.length) throw new XdrError('xdr_overflow: insufficient buffer space');
    const value = this.bytes.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  /** A union discriminant or enum value that must lie in [0, count). */
  arm(count: number, what: string): number {
    const value = this.uint32();
    if (value >= count) throw new XdrError(`xdr_bad_discriminant: bad value of ${what}`);
    return value;
  }

  enumOf<T extends string>(names: readonly T[], what: string): T {
    return names[this.arm(names.length, what)] as T;
  }

  /** A PublicKey: only PUBLIC_KEY_TYPE_ED25519 and 32 bytes. */
  accountId(): void {
    this.arm(1, 'PublicKeyType');
    this.skip(32);
  }

  opaque(max: number): void {
    const length = this.uint32();
    if (length > max) throw new XdrError('xdr_overflow: value exceeds size limit');
    this.skip(length);
  }

  string(max: number): void {
    this.opaque(max);
  }

  times(read: () => void): void {
    const count = this.uint32();
    if (count * 4 > this.bytes.length - this.offset) throw new XdrError('xdr_overflow: insufficient buffer space');
    for (let i = 0; i < count; i += 1) read();
  }
}
