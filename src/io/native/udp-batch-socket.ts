// A batched IPv4 UDP socket (recvmmsg/sendmmsg) for the VXLAN / GENEVE / GTP-U ports.
import type { NativeAddon, ReuseportSteerKind, UdpOpenOptions } from './addon-types.js';
import type { DatagramBatch } from './datagram-batch.js';
import { FdHandle } from './fd-handle.js';

export class UdpBatchSocket extends FdHandle {
  static open(addon: NativeAddon, bindAddr: string, port: number, opts?: UdpOpenOptions): UdpBatchSocket {
    return new UdpBatchSocket(addon, addon.udpOpen(bindAddr, port, opts));
  }

  /** The bound address and port (useful after binding port 0). */
  local(): { address: string; port: number } {
    return this.addon.sockName(this.fd);
  }

  /** Steers the SO_REUSEPORT group of this socket by the inner flow hash over `workers` sockets (see NativeAddon). */
  setReuseportSteering(kind: ReuseportSteerKind, workers: number): void {
    this.addon.udpSetReuseportSteering(this.fd, kind, workers);
  }

  /** Receives up to batch.capacity datagrams into batch; sets and returns batch.count (0: nothing queued). */
  recv(batch: DatagramBatch): number {
    const b = batch;
    b.count = this.addon.udpRecvBatch(this.fd, b.buf, b.slotSize, b.offs, b.lens, b.addrs, b.ports, b.capacity);
    return b.count;
  }

  /** Sends entries [0, count) of batch; returns how many the kernel took (fewer when its buffer is full). */
  send(batch: DatagramBatch, count: number = batch.count): number {
    const b = batch;
    return this.addon.udpSendBatch(this.fd, b.buf, b.offs, b.lens, b.addrs, b.ports, count);
  }
}

/**
 * True when a udpSendSegmented error means "this route / device cannot do UDP GSO" (no checksum
 * offload, an MTU below the segment size, an xfrm route): the caller should use udpSendBatch from then on.
 */
export function isSegmentationRefused(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === 'EIO' || code === 'EINVAL' || code === 'ENOPROTOOPT' || code === 'EOPNOTSUPP';
}
