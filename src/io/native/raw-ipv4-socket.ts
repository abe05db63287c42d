// A raw IPv4 socket for one IP protocol (47 = GRE mirroring). Needs root / CAP_NET_RAW.
// Send: pass the protocol payload only (the kernel writes the IPv4 header).
// Receive: Linux hands back the whole IPv4 datagram, header included (payload at ipPayloadOffset).
import type { NativeAddon } from './addon-types.js';
import type { DatagramBatch } from './datagram-batch.js';
import { FdHandle } from './fd-handle.js';

export class RawIpv4Socket extends FdHandle {
  static open(addon: NativeAddon, protocol: number): RawIpv4Socket {
    return new RawIpv4Socket(addon, addon.rawOpen(protocol));
  }

  /** Sends entries [0, count) of batch to batch.addrs[k]; returns how many were sent. */
  send(batch: DatagramBatch, count: number = batch.count): number {
    return this.addon.rawSendBatch(this.fd, batch.buf, batch.offs, batch.lens, batch.addrs, count);
  }

  /** Receives whole IPv4 datagrams into batch; sets and returns batch.count. */
  recv(batch: DatagramBatch): number {
    const b = batch;
    b.count = this.addon.rawRecvBatch(this.fd, b.buf, b.slotSize, b.offs, b.lens, b.addrs, b.capacity);
    return b.count;
  }
}

/** Where the protocol payload starts in a received datagram at buf[off] (IHL * 4). */
export function ipPayloadOffset(buf: Uint8Array, off: number): number {
  return off + (buf[off] & 0x0f) * 4;
}
