// Datagrams waiting to be sent to one peer: one preallocated byte area plus offset/length columns.
// The data path reserves space, writes a datagram in place and commits it; the transport drains and clears.

/** Largest datagram a queue accepts: GENEVE header with all options + Ethernet + a 64 KiB IP packet. */
export const MAX_DATAGRAM = 8 + 252 + 14 + 65535;

export class SendQueue {
  readonly buf: Uint8Array;
  readonly offs: Int32Array;
  readonly lens: Int32Array;
  count = 0;
  used = 0;
  /** Datagrams refused because the queue was full (count or bytes). */
  drops = 0;

  constructor(bytes = 1 << 20, maxDatagrams = 1024) {
    this.buf = new Uint8Array(Math.max(bytes, MAX_DATAGRAM));
    this.offs = new Int32Array(maxDatagrams);
    this.lens = new Int32Array(maxDatagrams);
  }

  /** Offset where a datagram of up to `len` bytes may be written, or -1 (counted as a drop) when full. */
  reserve(len: number): number {
    if (this.count >= this.offs.length || this.used + len > this.buf.length) {
      this.drops++;
      return -1;
    }
    return this.used;
  }

  /** Records the datagram just written at the reserved offset. */
  commit(len: number): void {
    this.offs[this.count] = this.used;
    this.lens[this.count] = len;
    this.count++;
    this.used += len;
  }

  clear(): void {
    this.count = 0;
    this.used = 0;
  }
}
