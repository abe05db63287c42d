// Health of one gateway peer, as a state machine driven by an injected clock (tick(nowMs)) and an
// injected probe sender. Rules (docs/redirection.md):
// - a probe is sent every intervalMs; a probe without a reply when the next one is due is lost (misses++);
// - up → down when no reply arrived for threshold × intervalMs (threshold probe intervals in a row
//   without an answer; with the defaults 500 ms × 3 the switch comes at most 1.5 s after the last reply,
//   so at most 1.5 s after the failure);
// - down → up after threshold consecutive answered probes;
// - a new peer starts healthy ('init'), so traffic flows at start-up; it is down 1.5 s later if it never answers;
// - a peer without probes (no innerAddress) is always healthy ('unprobed');
// - a followed peer (several workers: another worker probes it) sends nothing and takes its state from
//   follow(), relayed from the probing worker (workers.ts); it starts healthy ('init') like a probed one.
import type { ProbeConfig } from './config.js';

export type PeerStateName = 'init' | 'up' | 'down' | 'unprobed';

/** Sends probe `seq` (16-bit) to the peer; the health machine only decides when. */
export type ProbeSender = (seq: number) => void;

export interface PeerHealthState {
  healthy: boolean;
  state: PeerStateName;
  /** Clock time (ms) of the last state change (or of creation). */
  lastChange: number;
  /** Round-trip time of the last answered probe, ms (-1 before the first reply). */
  rttMs: number;
  /** Consecutive lost probes. */
  misses: number;
  probesSent: number;
  probesLost: number;
}

/** Outstanding probes remembered for matching replies (a reply older than this is ignored). */
const RING = 16;
// slot states (0 = never used)
const SLOT_SENT = 1;
const SLOT_DONE = 2; // answered or already counted lost

export class PeerHealth {
  healthy = true;
  state: PeerStateName;
  lastChange: number;
  rttMs = -1;
  misses = 0;
  successes = 0;
  probesSent = 0;
  probesLost = 0;
  private readonly interval: number;
  private readonly threshold: number;
  private nextProbeAt: number;
  private lastReplyAt: number;
  private seq = 0;
  private readonly slotSeq = new Int32Array(RING).fill(-1);
  private readonly slotState = new Uint8Array(RING);
  private readonly slotSentAt = new Float64Array(RING);

  constructor(
    cfg: ProbeConfig,
    private readonly send: ProbeSender | null,
    nowMs: number,
    /** Probed by another worker: state comes from follow(). Ignored when send is given. */
    readonly followed = false,
  ) {
    this.interval = cfg.intervalMs;
    this.threshold = cfg.threshold;
    this.state = send === null && !followed ? 'unprobed' : 'init';
    this.lastChange = nowMs;
    this.lastReplyAt = nowMs;
    this.nextProbeAt = nowMs;
  }

  get probed(): boolean {
    return this.send !== null;
  }

  /** Advances the clock: sends a due probe, accounts the lost one, detects down. Returns true when `healthy` changed. */
  tick(now: number): boolean {
    if (this.send === null) return false;
    let changed = false;
    if (now >= this.nextProbeAt) {
      this.accountPrevious();
      const seq = this.seq;
      this.seq = (seq + 1) & 0xffff;
      const slot = seq % RING;
      this.slotSeq[slot] = seq;
      this.slotState[slot] = SLOT_SENT;
      this.slotSentAt[slot] = now;
      this.probesSent++;
      this.nextProbeAt += this.interval;
      if (this.nextProbeAt <= now) this.nextProbeAt = now + this.interval; // late timer: no burst of catch-up probes
      this.send(seq);
    }
    if (this.state !== 'down' && now - this.lastReplyAt >= this.threshold * this.interval) {
      changed = this.healthy;
      this.healthy = false;
      this.state = 'down';
      this.lastChange = now;
      this.successes = 0;
    }
    return changed;
  }

  /** A reply to probe `seq` arrived. Returns true when `healthy` changed. */
  onReply(seq: number, now: number): boolean {
    if (this.send === null) return false;
    const slot = seq % RING;
    if (this.slotSeq[slot] !== seq || this.slotState[slot] !== SLOT_SENT) return false; // unknown, duplicate or too late
    this.slotState[slot] = SLOT_DONE;
    this.rttMs = now - this.slotSentAt[slot];
    this.lastReplyAt = now;
    this.misses = 0;
    this.successes++;
    if (this.state === 'init') this.state = 'up';
    if (!this.healthy && this.successes >= this.threshold) {
      this.healthy = true;
      this.state = 'up';
      this.lastChange = now;
      return true;
    }
    return false;
  }

  /**
   * A followed peer takes the state its probing worker relayed (lastChange: this clock's time of the
   * relay, kept when nothing changed). Returns true when `healthy` changed.
   * No effect on a peer probed here or never probed.
   */
  follow(healthy: boolean, state: PeerStateName, lastChange: number): boolean {
    if (this.send !== null || !this.followed) return false;
    const changed = healthy !== this.healthy;
    if (changed || state !== this.state) this.lastChange = lastChange;
    this.healthy = healthy;
    this.state = state;
    return changed;
  }

  /** Clock time at which tick() has something to do (the next probe, or the down deadline). */
  nextWakeMs(): number {
    if (this.send === null) return Infinity;
    const downAt = this.state === 'down' ? Infinity : this.lastReplyAt + this.threshold * this.interval;
    return Math.min(this.nextProbeAt, downAt);
  }

  snapshot(): PeerHealthState {
    return {
      healthy: this.healthy,
      state: this.state,
      lastChange: this.lastChange,
      rttMs: this.rttMs,
      misses: this.misses,
      probesSent: this.probesSent,
      probesLost: this.probesLost,
    };
  }

  /** The previous probe is lost if still unanswered when the next one is due. */
  private accountPrevious(): void {
    if (this.probesSent === 0) return;
    const prev = (this.seq + 0xffff) & 0xffff;
    const slot = prev % RING;
    if (this.slotSeq[slot] === prev && this.slotState[slot] === SLOT_SENT) {
      this.slotState[slot] = SLOT_DONE;
      this.probesLost++;
      this.misses++;
      this.successes = 0;
    }
  }
}
