import { formatWalLsn, laterWalLsn, parseWalLsn, WalLsnFormatError, type WalLsn } from '../domain/wal-lsn.js';

/** Thrown by `ReadContext.importToken` for a string that is not a causal-read token. */
export class CausalTokenError extends Error {
  override readonly name = 'CausalTokenError';
}

/** Version prefix of exported tokens; the rest is the WAL position with `.` for `/` (safe in cookies, headers, URLs). */
const TOKEN_PREFIX = 'w1.';

/**
 * A read-your-writes scope for one request or user session. The router records in it the primary's WAL
 * position after each write of the context commits (the causal token); reads of the context then go only
 * to replicas that have replayed that far. Optionally (`readYourWritesMs`), reads also go to the primary
 * for a fixed time after a write. Create one with `router.createContext()` and pass it in
 * `QueryOptions.context`; calls without one share the router's own default context. `exportToken()` and
 * `importToken()` carry the position across requests. Plain data: no timers, no connections.
 */
export class ReadContext {
  /** Epoch ms of this context's last write, or undefined before any. */
  lastWriteAt: number | undefined;
  #position: WalLsn | undefined;
  #positionUnknown = false;

  /** Records a write at `now` (epoch ms), for the time window. */
  markWrite(now: number): void {
    this.lastWriteAt = now;
  }

  /** True while a write of this context is younger than `windowMs` at `now`; always false for a 0 window. */
  pinsToPrimary(now: number, windowMs: number): boolean {
    if (windowMs <= 0 || this.lastWriteAt === undefined) return false;
    return now - this.lastWriteAt < windowMs;
  }

  /** The WAL position reads must have been replayed to, or undefined before any write or import. */
  get position(): WalLsn | undefined {
    return this.#position;
  }

  /** True after a write whose WAL position could not be read (reads then go to the primary until the next). */
  get positionUnknown(): boolean {
    return this.#positionUnknown;
  }

  /** Records the primary's WAL position read after a write committed (never moves back). */
  recordPosition(position: WalLsn): void {
    this.#position = laterWalLsn(this.#position, position);
    this.#positionUnknown = false;
  }

  /** Records that a write may have committed at a position that could not be read. */
  markPositionUnknown(): void {
    this.#positionUnknown = true;
  }

  /**
   * The causal token as an opaque string for a cookie or header, or undefined before any write. Pass it
   * to `importToken` (or `router.createContext(token)`) in a later request.
   */
  exportToken(): string | undefined {
    if (this.#position === undefined) return undefined;
    return TOKEN_PREFIX + formatWalLsn(this.#position).replace('/', '.');
  }

  /**
   * Adopts a token from `exportToken` (keeping the later position when the context already has one).
   * Throws `CausalTokenError` for anything else. A forged token far ahead only makes reads wait, then go
   * to the primary.
   */
  importToken(token: string): void {
    if (!token.startsWith(TOKEN_PREFIX)) throw new CausalTokenError('not a causal-read token (it should start with w1.)');
    const parts = token.slice(TOKEN_PREFIX.length).split('.');
    if (parts.length !== 2) throw new CausalTokenError('a causal-read token has two parts after w1., separated by a dot');
    try {
      this.recordPosition(parseWalLsn(parts.join('/')));
    } catch (error) {
      if (error instanceof WalLsnFormatError) throw new CausalTokenError('a causal-read token with a malformed WAL position', { cause: error });
      throw error;
    }
  }
}
