// What every simulated session (TCP conversation, UDP exchange, device agent, scenario driver) looks like.
import type { Scheduled } from './heap.js';
import type { Rng } from './prng.js';
import type { Wire } from './wire.js';

export interface SimContext {
  readonly wire: Wire;
  readonly rng: Rng;
  /** No new activity starts at or after this time (µs); running sessions wind down. */
  readonly endUs: number;
  readonly startUs: number;
  /** Activity multiplier (SimOptions.rate). */
  readonly rate: number;
  /** Adds a session whose first action happens at time t (>= the current time). */
  schedule(s: Session, t: number): void;
  /** Counts a transport flow started. */
  flowStarted(): void;
}

export interface Session extends Scheduled {
  /** Performs the action due at this.t (usually emits one frame); returns the next action's time, or -1 when done. */
  step(ctx: SimContext): number;
}
