// A bounded ring of pending mirror copies for one peer, over one preallocated slab of fixed-size slots.
// The data path reserves a slot, writes the copy in place and commits it; drain() hands runs of copies
// to the transport. When the ring is full the NEW copy is dropped and counted: forwarding never waits
// for mirroring. Nothing here allocates after construction.
import { copyBytes } from './copy-bytes.js';

/** Sends datagrams slab[offs[i], offs[i] + lens[i]) for i < count; returns how many it accepted (a prefix). */
export interface MirrorTransport {
  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number;
  /** True when copies leave as UDP GSO messages (absent = never). */
  readonly segmented?: boolean;
}

/** Per-peer counters (monotonic; read them, never reset them on the data path). */
export class MirrorCounters {
  /** Copies accepted by the transport. */
  sent = 0;
  /** Copies lost: queue full, peer without a transport at drain time. */
  dropped = 0;
  /** Copies cut short (the peer's truncate setting, or a frame longer than a slot). */
  truncated = 0;
  /** Bytes accepted by the transport: tunnel header + inner frame (outer IP/UDP headers excluded). */
  bytes = 0;
  /** Packets the peer's filter did not accept. */
  filtered = 0;
  /** Transport failures (exceptions, send errors reported later). */
  errors = 0;
}

export class MirrorQueue {
  readonly slab: Uint8Array;
  /** Length of the copy in each slot. */
  readonly lens: Int32Array;
  /** Oldest pending slot and the number pending. */
  head = 0;
  count = 0;
  // Scratch columns handed to the transport: the pending slots in send order (the ring may wrap).
  private readonly sendOffs: Int32Array;
  private readonly sendLens: Int32Array;

  constructor(
    readonly slots: number,
    readonly slotBytes: number,
    readonly counters: MirrorCounters = new MirrorCounters(),
  ) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`mirror queue: slots must be a positive integer (got ${slots})`);
    if (!Number.isInteger(slotBytes) || slotBytes < 64) throw new RangeError(`mirror queue: slotBytes must be an integer >= 64 (got ${slotBytes})`);
    this.slab = new Uint8Array(slots * slotBytes);
    this.lens = new Int32Array(slots);
    this.sendOffs = new Int32Array(slots);
    this.sendLens = new Int32Array(slots);
  }

  /** Offset in `slab` of a free slot to write a copy into, or -1 (counted as dropped) when full. */
  reserve(): number {
    if (this.count >= this.slots) {
      this.counters.dropped++;
      return -1;
    }
    let k = this.head + this.count;
    if (k >= this.slots) k -= this.slots;
    return k * this.slotBytes;
  }

  /** Records the copy of `len` bytes just written at the reserved slot. */
  commit(len: number): void {
    let k = this.head + this.count;
    if (k >= this.slots) k -= this.slots;
    this.lens[k] = len;
    this.count++;
  }

  /** Copies src[off, off + len) into a slot (cut to the slot size); false when full (counted). */
  enqueue(src: Uint8Array, off: number, len: number): boolean {
    const at = this.reserve();
    if (at < 0) return false;
    let n = len;
    if (n > this.slotBytes) {
      n = this.slotBytes;
      this.counters.truncated++;
    }
    copyBytes(this.slab, at, src, off, n);
    this.commit(n);
    return true;
  }

  /**
   * Hands up to `max` pending copies, oldest first, to the transport; the accepted prefix leaves the
   * queue (counted as sent), the rest stays for the next drain. A throwing transport counts one error
   * and accepts nothing. Returns the number accepted.
   */
  drain(transport: MirrorTransport, max: number = this.slots): number {
    let n = this.count < max ? this.count : max;
    if (n <= 0) return 0;
    const offs = this.sendOffs;
    const lens = this.sendLens;
    let k = this.head;
    for (let i = 0; i < n; i++) {
      offs[i] = k * this.slotBytes;
      lens[i] = this.lens[k];
      if (++k === this.slots) k = 0;
    }
    let accepted: number;
    try {
      accepted = transport.sendBatch(this.slab, offs, lens, n);
    } catch {
      this.counters.errors++;
      return 0;
    }
    if (!(accepted > 0)) return 0;
    if (accepted < n) n = accepted;
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += lens[i];
    this.advance(n);
    this.counters.sent += n;
    this.counters.bytes += bytes;
    return n;
  }

  /** Discards every pending copy (counted as dropped); returns how many. */
  discard(): number {
    const n = this.count;
    this.counters.dropped += n;
    this.head = 0;
    this.count = 0;
    return n;
  }

  private advance(n: number): void {
    this.head += n;
    if (this.head >= this.slots) this.head -= this.slots;
    this.count -= n;
    if (this.count === 0) this.head = 0;
  }
}
