// GRE mirror copies over a raw IPv4 socket (IP protocol 47): the kernel writes the outer IPv4 header,
// we hand it GRE header + inner frame. Node has no raw sockets, so this needs the native addon
// (src/io/native: rawOpen / rawSendBatch, sendmmsg; the kernel copies synchronously, so the slab is sent
// in place). The addon is injected: pass loadNative() from the caller. Without it, open() throws a clear
// FG_ERR_UNSUPPORTED error and the peer stays unconnected.
import { FleetgateError } from '../../core/errors.js';
import { IpProto } from '../../core/layers.js';
import { parseIPv4 } from '../../core/ip.js';
import type { MirrorTransport } from './mirror-queue.js';

/** The part of the native addon GRE mirroring uses (NativeAddon satisfies it). */
export interface RawIpSender {
  rawOpen(protocol: number): number;
  /** sendmmsg of entries [0, count) to dstAddrsU32[k] (host-order u32); returns how many were sent. */
  rawSendBatch(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, dstAddrsU32: Uint32Array, count: number): number;
  close(fd: number): void;
}

/** The addon's per-call cap (UIO_MAXIOV). */
export const MAX_RAW_BATCH = 1024;

export class GreTransport implements MirrorTransport {
  private readonly addrs = new Uint32Array(MAX_RAW_BATCH);
  private closed = false;

  constructor(
    private readonly sender: RawIpSender,
    private readonly fd: number,
    readonly address: string,
    private readonly ownsFd = true,
  ) {
    const a = parseIPv4(address);
    if (a < 0) throw new FleetgateError('FG_ERR_USAGE', `GRE mirroring: '${address}' is not an IPv4 address`, { address });
    this.addrs.fill(a);
  }

  /**
   * Opens a raw GRE socket towards `address`. `sender` is the native addon (or null when it did not load;
   * `why` then says why). Throws FG_ERR_UNSUPPORTED without the addon, FG_ERR_IO when the socket cannot
   * be opened (it needs root or CAP_NET_RAW).
   */
  static open(sender: RawIpSender | null, address: string, why?: string | null): GreTransport {
    if (sender === null) {
      throw new FleetgateError(
        'FG_ERR_UNSUPPORTED',
        `GRE mirroring to ${address} needs the native addon (raw IP sockets), which is not loaded` +
          `${why ? ` (${why})` : ''}; rebuild it with: node scripts/build-native.mjs, or use protocol: vxlan`,
        { address, cause: why ?? null },
      );
    }
    let fd: number;
    try {
      fd = sender.rawOpen(IpProto.GRE);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw new FleetgateError('FG_ERR_IO', `GRE mirroring to ${address}: cannot open a raw IP socket (needs root or CAP_NET_RAW): ${msg}`, {
        address,
      });
    }
    return new GreTransport(sender, fd, address, true);
  }

  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed || count <= 0) return 0;
    const n = count > MAX_RAW_BATCH ? MAX_RAW_BATCH : count;
    return this.sender.rawSendBatch(this.fd, slab, offs, lens, this.addrs, n);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsFd) this.sender.close(this.fd);
  }
}
