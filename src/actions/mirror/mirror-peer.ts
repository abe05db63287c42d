// One mirroring peer: its compiled filter, its encapsulation, its bounded queue and counters, and (once
// connected) its transport. offer() is the data-path entry: filter, then copy into the queue.
import { GreProto, greCopyHeaderLen, writeGre, writeVxlan, VXLAN_HEADER_LEN, type GreCopyOptions } from './encap.js';
import { compileMirrorFilter, MATCH_ALL, type MirrorMatchContext, type MirrorMatcher } from './filter.js';
import { writeInnerFrame, type InnerFrame } from './inner-frame.js';
import { MirrorCounters, MirrorQueue, type MirrorTransport } from './mirror-queue.js';
import type { MirrorPeerConfig, MirrorQueueConfig } from './config.js';

export class MirrorPeer {
  readonly counters = new MirrorCounters();
  readonly queue: MirrorQueue;
  readonly matcher: MirrorMatcher;
  /** Tunnel header bytes in front of every inner frame (GRE 4/8/12, VXLAN 8). */
  readonly hdrLen: number;
  /** Largest inner frame a copy carries (truncate setting and slot size). */
  readonly maxInner: number;
  /** Where copies go; null = not connected (drain discards and counts them as dropped). */
  transport: MirrorTransport | null = null;
  /** Why the transport could not be opened, when it could not. */
  transportError: string | null = null;
  private readonly gre: GreCopyOptions | null;
  private nextSeq = 0;

  constructor(
    readonly cfg: MirrorPeerConfig,
    queue: MirrorQueueConfig,
    readonly index = 0,
  ) {
    this.queue = new MirrorQueue(queue.slots, queue.slotBytes, this.counters);
    this.matcher = cfg.filter === undefined ? MATCH_ALL : compileMirrorFilter(cfg.filter);
    if (cfg.protocol === 'gre') {
      this.gre = { protocolType: GreProto.TEB };
      if (cfg.key !== undefined) this.gre.key = cfg.key;
      if (cfg.sequence) this.gre.seq = 0;
      this.hdrLen = greCopyHeaderLen(this.gre);
    } else {
      this.gre = null;
      this.hdrLen = VXLAN_HEADER_LEN;
    }
    const room = queue.slotBytes - this.hdrLen;
    this.maxInner = cfg.truncate !== undefined && cfg.truncate < room ? cfg.truncate : room;
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  /** Filter then enqueue; true when a copy was queued. Allocation-free, never throws. */
  offer(f: InnerFrame, ctx: MirrorMatchContext): boolean {
    if (!this.matcher(ctx)) {
      this.counters.filtered++;
      return false;
    }
    return this.enqueue(f, ctx.uplink);
  }

  /** Writes the encapsulated (possibly truncated) copy of frame f into the queue; false when full. */
  enqueue(f: InnerFrame, uplink: boolean): boolean {
    const full = f.frameLen();
    if (full <= 0) return false;
    const q = this.queue;
    const at = q.reserve();
    if (at < 0) return false;
    let keep = full;
    if (keep > this.maxInner) {
      keep = this.maxInner;
      this.counters.truncated++;
    }
    const innerAt = at + this.hdrLen;
    writeInnerFrame(q.slab, innerAt, f, keep, uplink);
    let n: number;
    const gre = this.gre;
    if (gre !== null) {
      if (gre.seq !== undefined) {
        gre.seq = this.nextSeq;
        this.nextSeq = (this.nextSeq + 1) >>> 0;
      }
      n = writeGre(q.slab, at, q.slab, innerAt, keep, gre);
    } else {
      n = writeVxlan(q.slab, at, q.slab, innerAt, keep, this.cfg.vni);
    }
    if (n < 0) return false; // cannot happen: maxInner keeps the copy inside its slot
    q.commit(n);
    return true;
  }

  /** Sends up to max pending copies; with no transport, discards them (counted as dropped). */
  drain(max?: number): number {
    const t = this.transport;
    if (t === null) {
      this.queue.discard();
      return 0;
    }
    return this.queue.drain(t, max);
  }
}
