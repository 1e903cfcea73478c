/**
 * A read-your-writes scope: the router remembers when this context last wrote, and while that write is
 * younger than `readYourWritesMs`, its reads go to the primary. Create one per request or user session
 * with `router.createContext()` and pass it in `QueryOptions.context`; calls without one share the
 * router's own default context. Plain data: no timers, no connections.
 */
export class ReadContext {
  /** Epoch ms of this context's last write, or undefined before any. */
  lastWriteAt: number | undefined;

  /** Records a write at `now` (epoch ms). */
  markWrite(now: number): void {
    this.lastWriteAt = now;
  }

  /** True while a write of this context is younger than `windowMs` at `now`; always false for a 0 window. */
  pinsToPrimary(now: number, windowMs: number): boolean {
    if (windowMs <= 0 || this.lastWriteAt === undefined) return false;
    return now - this.lastWriteAt < windowMs;
  }
}
