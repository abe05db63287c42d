// A TUN device (bare IP packets, no packet-info header). Needs root / CAP_NET_ADMIN and /dev/net/tun.
// The device exists while it is open; configure it with `ip link set <name> up` and `ip addr add`.
import type { NativeAddon, TunOpenOptions } from './addon-types.js';
import type { DatagramBatch } from './datagram-batch.js';
import { FdHandle } from './fd-handle.js';

export class TunDevice extends FdHandle {
  static open(addon: NativeAddon, name: string, opts?: TunOpenOptions): TunDevice {
    const h = addon.tunOpen(name, opts);
    return new TunDevice(addon, h.fd, h.name, h.mtu);
  }

  private constructor(
    addon: NativeAddon,
    fd: number,
    readonly name: string,
    readonly mtu: number,
  ) {
    super(addon, fd);
  }

  /**
   * Reads packets packed back to back into batch.buf (not slot-aligned: use offs/lens). Each read
   * reserves max(mtu, slotSize) bytes, so a slotSize >= mtu batch always fits capacity packets.
   * Sets and returns batch.count.
   */
  read(batch: DatagramBatch): number {
    const b = batch;
    const reserve = Math.min(65535, Math.max(this.mtu, b.slotSize));
    // a buffer that cannot hold one MTU-sized packet would never be read into: say so instead of stalling
    if (b.buf.length < reserve) throw new RangeError(`TunDevice.read: batch buffer is smaller than the MTU (${this.mtu})`);
    b.count = this.addon.tunRead(this.fd, b.buf, b.offs, b.lens, b.capacity, reserve);
    return b.count;
  }

  /** Steers packets the kernel sends into this multi-queue device by flow hash over `queues` queues (0 = off). */
  setSteering(queues: number): void {
    this.addon.tunSetSteering(this.fd, queues);
  }

  /** Writes one IP packet; returns false when the device queue is full. */
  write(buf: Uint8Array, off: number, len: number): boolean {
    return this.addon.tunWrite(this.fd, buf, off, len) > 0 || len === 0;
  }
}
