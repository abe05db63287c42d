// Finds the highest offered rate a relay carries with loss under a threshold, in a few bounded steps:
// one flat-out probe (as fast as the sender goes) estimates what the relay delivers under overload,
// then steps start just under that and bisect (geometrically) between the best passing rate and the
// lowest failing one.

export interface TrialResult {
  /** Rate asked of the sender (0 = as fast as possible). */
  requested: number;
  /** Rate the sender really achieved, datagrams/s. */
  offered: number;
  sent: number;
  /** Distinct datagrams that came back. */
  received: number;
  lossPct: number;
  /** Rate at which they came back (first to last), datagrams/s. */
  delivered: number;
}

/** Runs one step at `rate` (0 = flat out) for about the step duration. */
export type Trial = (rate: number) => Promise<TrialResult>;

export interface SearchResult {
  /** The best passing step (null: none passed). */
  best: TrialResult | null;
  /** The flat-out probe passed: the relay kept up with the sender (a lower bound on its capacity). */
  senderBound: boolean;
  steps: TrialResult[];
}

export interface SearchOptions {
  /** Loss threshold, percent (default 0.1). */
  maxLossPct?: number;
  /** Steps after the probe (default 5). */
  maxSteps?: number;
  /** Stop when the bracket [pass, fail] is this tight (ratio, default 1.05). */
  resolution?: number;
  /** Returns false when the time budget is spent (checked before each step). */
  hasTime?: () => boolean;
}

export async function searchRate(trial: Trial, opts: SearchOptions = {}): Promise<SearchResult> {
  const maxLoss = opts.maxLossPct ?? 0.1;
  const maxSteps = opts.maxSteps ?? 5;
  const resolution = opts.resolution ?? 1.05;
  const hasTime = opts.hasTime ?? (() => true);
  const pass = (r: TrialResult): boolean => r.lossPct < maxLoss;

  const probe = await trial(0);
  const steps = [probe];
  if (pass(probe)) return { best: probe, senderBound: true, steps };
  let lo = 0; // highest passing requested rate
  let best: TrialResult | null = null;
  let hi = probe.offered; // lowest failing rate
  let rate = Math.min(probe.delivered * 0.95, hi * 0.95);
  for (let s = 0; s < maxSteps && rate >= 1 && hasTime(); s++) {
    const r = await trial(Math.round(rate));
    steps.push(r);
    // a sender that could not keep the asked rate tested the rate it achieved
    const tested = Math.min(rate, r.offered);
    if (pass(r)) {
      if (tested > lo) {
        lo = tested;
        best = r;
      }
    } else if (tested < hi) hi = tested;
    if (lo > 0 && hi / lo < resolution) break;
    rate = lo === 0 ? tested * 0.7 : Math.sqrt(lo * hi);
  }
  return { best, senderBound: false, steps };
}
