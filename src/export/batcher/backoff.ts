// Exponential backoff with jitter: attempt n waits a random time in [d/2, d], d = min(max, base * 2^n),
// so many gateways retrying one destination do not hammer it in step.
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

export function backoffDelayMs(attempt: number, o: BackoffOptions, rand: () => number = Math.random): number {
  const d = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(d / 2 + (d / 2) * rand());
}
