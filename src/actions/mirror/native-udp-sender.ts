// The native half of UdpVxlanTransport: one non-blocking IPv4 UDP socket of the addon, and one
// sendmmsg per drain of the mirror queue. The kernel copies each datagram during the call, so the
// queue's slab is sent in place: nothing is allocated per copy and nothing stays in flight.
// Optionally (segmented), runs of equal-length copies go with UDP GSO: one message per run of up to 64,
// which the kernel routes once and cuts into datagrams. Off by default: on virtual links (veth, bridges,
// loopback) the message is only cut when it reaches the peer's UDP stack, so a packet capture at the peer
// (a common mirror target) would see one oversized packet per run. Where segmentation is refused
// (EIO/EINVAL: no checksum offload, an xfrm route), the sender falls back to one entry per datagram.
import { parseIPv4 } from '../../core/ip.js';
import type { NativeAddon } from '../../io/native/addon-types.js';
import { isSegmentationRefused } from '../../io/native/udp-batch-socket.js';

/** The addon's per-call cap (UIO_MAXIOV). */
const MAX_SEND_BATCH = 1024;
/** Send buffer asked for (as root SO_SNDBUFFORCE lifts the sysctl cap): absorbs a burst of copies. */
const DEFAULT_SNDBUF = 4 << 20;

export class NativeUdpSender {
  // destination columns for sendmmsg: the same peer for every entry, filled once
  private readonly addrs = new Uint32Array(MAX_SEND_BATCH);
  private readonly ports = new Uint16Array(MAX_SEND_BATCH);
  private open = true;
  /** UDP GSO in use (until the kernel refuses it once). */
  segmented: boolean;

  private constructor(
    private readonly addon: NativeAddon,
    readonly fd: number,
    address: number,
    port: number,
    segmented: boolean,
  ) {
    this.segmented = segmented;
    this.addrs.fill(address);
    this.ports.fill(port);
  }

  /**
   * A socket bound to bindAddress:sourcePort (default any, ephemeral) sending to address:port.
   * Returns null when address is not IPv4 (the addon is IPv4 only); throws when the socket cannot open.
   */
  static open(
    addon: NativeAddon,
    address: string,
    port: number,
    opts: { bindAddress?: string; sourcePort?: number; sndbuf?: number; segmented?: boolean } = {},
  ): NativeUdpSender | null {
    const a = parseIPv4(address);
    if (a < 0) return null;
    const fd = addon.udpOpen(opts.bindAddress ?? '0.0.0.0', opts.sourcePort ?? 0, { sndbuf: opts.sndbuf ?? DEFAULT_SNDBUF });
    return new NativeUdpSender(addon, fd, a >>> 0, port, opts.segmented ?? false);
  }

  /** sendmmsg of up to 1024 entries; returns how many the kernel took (0 when its buffer is full). */
  send(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (!this.open || count <= 0) return 0;
    const n = count > MAX_SEND_BATCH ? MAX_SEND_BATCH : count;
    if (this.segmented) {
      try {
        return this.addon.udpSendSegmented(this.fd, slab, offs, lens, this.addrs, this.ports, n);
      } catch (e) {
        if (!isSegmentationRefused(e)) throw e;
        this.segmented = false; // this route cannot segment: one datagram per entry from now on
      }
    }
    return this.addon.udpSendBatch(this.fd, slab, offs, lens, this.addrs, this.ports, n);
  }

  localPort(): number {
    return this.open ? this.addon.sockName(this.fd).port : 0;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.addon.close(this.fd);
  }
}
