// Reusable struct-of-arrays for one batch of datagrams/packets exchanged with the native addon.
// Allocated once per port; every recv/send call reuses it, so the hot path allocates nothing.

/** The kernel's per-call cap for recvmmsg/sendmmsg (UIO_MAXIOV). */
export const MAX_NATIVE_BATCH = 1024;

export class DatagramBatch {
  /** Receive calls put datagram k at k * slotSize; send calls read any (offs[k], lens[k]) span. */
  readonly buf: Buffer;
  readonly offs: Int32Array;
  readonly lens: Int32Array;
  /** Peer IPv4 as host-order u32: source after a receive, destination for a send. */
  readonly addrs: Uint32Array;
  /** Peer UDP port (unused by raw sockets and TUN). */
  readonly ports: Uint16Array;
  /** How many entries are valid (set by receives; set it yourself before a send). */
  count = 0;

  constructor(
    readonly capacity: number,
    readonly slotSize: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_NATIVE_BATCH) {
      throw new RangeError(`DatagramBatch capacity must be an integer in [1, ${MAX_NATIVE_BATCH}]`);
    }
    if (!Number.isInteger(slotSize) || slotSize < 1 || slotSize > 65535) {
      throw new RangeError('DatagramBatch slotSize must be an integer in [1, 65535]');
    }
    this.buf = Buffer.alloc(capacity * slotSize);
    this.offs = new Int32Array(capacity);
    this.lens = new Int32Array(capacity);
    this.addrs = new Uint32Array(capacity);
    this.ports = new Uint16Array(capacity);
  }

  /** Fills entry k's span as slot k (for building a send batch in place). */
  useSlot(k: number, len: number): void {
    this.offs[k] = k * this.slotSize;
    this.lens[k] = len;
  }
}
