/**
 * PostgreSQL WAL positions (`pg_lsn`) as unsigned 64-bit integers. The text form is two hexadecimal
 * numbers of 1 to 8 digits each, separated by a slash (`16/B374D848`): the high and the low 32 bits
 * (postgres src/backend/utils/adt/pg_lsn.c, pg_lsn_in_internal and MAXPG_LSNCOMPONENT).
 */
export type WalLsn = bigint;

/** Thrown by `parseWalLsn` for text that is not a `pg_lsn`. */
export class WalLsnFormatError extends Error {
  override readonly name = 'WalLsnFormatError';
}

const LSN_TEXT = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/;

/** Parses `X/Y` (as `pg_lsn` prints and accepts it) into a `WalLsn`. Throws `WalLsnFormatError` otherwise. */
export function parseWalLsn(text: string): WalLsn {
  const match = LSN_TEXT.exec(text);
  if (!match?.[1] || !match[2]) throw new WalLsnFormatError(`'${text.slice(0, 40)}' is not a WAL position (X/Y, hexadecimal)`);
  return (BigInt(`0x${match[1]}`) << 32n) | BigInt(`0x${match[2]}`);
}

/** The `pg_lsn` text of a position, upper-case hexadecimal without leading zeros, as PostgreSQL prints it. */
export function formatWalLsn(lsn: WalLsn): string {
  const high = lsn >> 32n;
  const low = lsn & 0xffffffffn;
  return `${high.toString(16).toUpperCase()}/${low.toString(16).toUpperCase()}`;
}

/** True when `position` is at or past `target`: a replica that replayed to `position` has every commit up to `target`. */
export function walReached(position: WalLsn, target: WalLsn): boolean {
  return position >= target;
}

/** The later of two positions; undefined counts as "none yet". */
export function laterWalLsn(a: WalLsn | undefined, b: WalLsn | undefined): WalLsn | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a >= b ? a : b;
}
