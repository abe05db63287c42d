// A MirrorTransport over the native batched UDP socket (one sendmmsg per drain, no allocation per
// copy), for VXLAN mirror peers. The product's UdpVxlanTransport sends one `dgram` datagram per copy;
// the benchmark runs with either (--mirror native | dgram) to show what the transport costs.
import type { MirrorTransport } from '../../src/actions/mirror/index.js';
import { parseIPv4 } from '../../src/core/ip.js';
import { UdpBatchSocket, type NativeAddon } from '../../src/io/native/index.js';

export class NativeVxlanTransport implements MirrorTransport {
  private readonly addrs: Uint32Array;
  private readonly ports: Uint16Array;
  private closed = false;

  private constructor(
    private readonly addon: NativeAddon,
    private readonly sock: UdpBatchSocket,
    address: number,
    port: number,
    capacity: number,
  ) {
    this.addrs = new Uint32Array(capacity).fill(address);
    this.ports = new Uint16Array(capacity).fill(port);
  }

  /** capacity: the most copies one sendBatch call is given (the mirror queue's slots). */
  static open(addon: NativeAddon, address: string, port: number, capacity: number): NativeVxlanTransport {
    const a = parseIPv4(address);
    if (a < 0) throw new Error(`native mirror transport: '${address}' is not an IPv4 address`);
    const sock = UdpBatchSocket.open(addon, '0.0.0.0', 0, { sndbuf: 4 << 20 });
    return new NativeVxlanTransport(addon, sock, a >>> 0, port, capacity);
  }

  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed) return 0;
    const n = count < this.addrs.length ? count : this.addrs.length;
    return this.addon.udpSendBatch(this.sock.fd, slab, offs, lens, this.addrs, this.ports, n);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sock.close();
  }
}
