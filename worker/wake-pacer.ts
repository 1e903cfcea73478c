// How fast the leader's triggers wake workflows when many wake-ups come at once. A new leader lists every
// collection and wakes every resource (nothing changed without a leader is lost), which at 1,000 pools
// queued 1,000 workflow tasks at Temporal at once: bench/scale.ts saw tasks wait 12-34 s to start, and a
// spec change made then would have waited behind them. Paced, the backlog waits here instead, and an edit
// of a resource (a spec change, a stop mark) does not join it: it wakes its workflow at once. client-go's
// workqueue bounds its work the same way (a token bucket, `BucketRateLimiter`).

/** Wake-ups a second, and how many may go at once after a quiet spell, when STEWARD_TRIGGER_WAKES_PER_SECOND is unset. */
export const DEFAULT_WAKES_PER_SECOND = 25;

/**
 * A first-in first-out queue of wake-ups behind a token bucket of `ratePerSecond` tokens, holding at most
 * `burst`. Pure: the caller gives the time. A key queued again before it went keeps its place and its
 * first callback (the trigger's callback reads what is pending when it runs).
 */
export class WakeQueue {
  private readonly queue = new Map<string, () => void>();
  private tokens: number;
  private atMs: number;

  constructor(readonly ratePerSecond: number, readonly burst: number, nowMs: number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error(`a wake rate needs a positive rate and a burst of at least 1 (got ${ratePerSecond}/s, ${burst})`);
    this.tokens = burst;
    this.atMs = nowMs;
  }

  /** Wake-ups waiting for a token. */
  get size(): number {
    return this.queue.size;
  }

  push(key: string, wake: () => void): void {
    if (!this.queue.has(key)) this.queue.set(key, wake);
  }

  /** Drops every waiting wake-up. */
  clear(): void {
    this.queue.clear();
  }

  /** Takes out the wake-ups that may go at `nowMs`, oldest first, and says in how many ms the next may go (undefined: none left). */
  due(nowMs: number): { wakes: (() => void)[]; nextInMs?: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.atMs) * this.ratePerSecond) / 1000);
    this.atMs = nowMs;
    const wakes: (() => void)[] = [];
    for (const [key, wake] of this.queue) {
      if (this.tokens < 1) break;
      this.tokens -= 1;
      this.queue.delete(key);
      wakes.push(wake);
    }
    if (this.queue.size === 0) return { wakes };
    return { wakes, nextInMs: Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond)) };
  }
}

/** A WakeQueue run on the clock: `pace` queues a wake-up, which runs once a token allows. */
export class WakePacer {
  private readonly queue: WakeQueue;
  private timer: NodeJS.Timeout | undefined;

  constructor(ratePerSecond = DEFAULT_WAKES_PER_SECOND, burst = ratePerSecond) {
    this.queue = new WakeQueue(ratePerSecond, burst, Date.now());
  }

  pace(key: string, wake: () => void): void {
    this.queue.push(key, wake);
    if (!this.timer) this.drain();
  }

  /** Drops what waits (the triggers stopped: a new leader lists everything again). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.clear();
  }

  private drain(): void {
    this.timer = undefined;
    const { wakes, nextInMs } = this.queue.due(Date.now());
    for (const wake of wakes) wake();
    if (nextInMs !== undefined) this.timer = setTimeout(() => this.drain(), nextInMs);
  }
}

/** STEWARD_TRIGGER_WAKES_PER_SECOND (default DEFAULT_WAKES_PER_SECOND); throws naming it when it is not a positive number. */
export function wakesPerSecondFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.STEWARD_TRIGGER_WAKES_PER_SECOND;
  if (text === undefined) return DEFAULT_WAKES_PER_SECOND;
  const value = Number(text);
  if (!text.trim() || !Number.isFinite(value) || value <= 0) throw new Error(`STEWARD_TRIGGER_WAKES_PER_SECOND=${text} is not a positive number of wake-ups a second`);
  return value;
}
