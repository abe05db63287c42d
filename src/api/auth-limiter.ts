// Failed-authentication limiter per client address: after `max` failures within `windowMs`, every
// request from that address gets 429 until the window ends. Memory is bounded (oldest entries go).

export interface AuthLimiterOptions {
  /** Failures allowed per window (default 10). */
  max?: number;
  /** Window length in ms (default 60000). */
  windowMs?: number;
  /** Addresses tracked at most (default 10000). */
  maxEntries?: number;
}

export class AuthFailureLimiter {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly maxEntries: number;
  private readonly entries = new Map<string, { count: number; resetAt: number }>();

  constructor(o: AuthLimiterOptions = {}) {
    this.max = o.max ?? 10;
    this.windowMs = o.windowMs ?? 60_000;
    this.maxEntries = o.maxEntries ?? 10_000;
  }

  /** Seconds until ip may try again, or 0 when it may try now. */
  retryAfter(ip: string, now = Date.now()): number {
    const e = this.entries.get(ip);
    if (!e) return 0;
    if (now >= e.resetAt) {
      this.entries.delete(ip);
      return 0;
    }
    return e.count >= this.max ? Math.ceil((e.resetAt - now) / 1000) : 0;
  }

  fail(ip: string, now = Date.now()): void {
    const e = this.entries.get(ip);
    if (e && now < e.resetAt) {
      e.count++;
      return;
    }
    if (e) this.entries.delete(ip);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(ip, { count: 1, resetAt: now + this.windowMs });
  }
}
