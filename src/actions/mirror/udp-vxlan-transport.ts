// VXLAN mirror copies over a node `dgram` socket: each queued copy (VXLAN header + inner frame) becomes
// one UDP datagram to peer:4789; the kernel adds the outer IP/UDP headers. Works without the native addon.
// dgram may keep a reference to a buffer until the send completes, so each datagram is copied out of
// the reused slab (an allocation per copy, off the forwarding path: drain runs after a batch). Sends in
// flight are bounded: beyond maxInFlight, sendBatch accepts fewer and the queue absorbs (then drops) copies.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { FleetgateError } from '../../core/errors.js';
import { VXLAN_PORT } from '../../packet/build/vxlan.js';
import type { MirrorTransport } from './mirror-queue.js';

export interface UdpVxlanTransportOptions {
  /** Local address to bind (default any). */
  bindAddress?: string;
  /** Local (outer source) port; default 0 = ephemeral. */
  sourcePort?: number;
  /** Datagrams handed to the socket and not yet completed (default 4096). */
  maxInFlight?: number;
  /** Where asynchronous send errors are counted (connectMirrorSet passes the peer's counters). */
  errorSink?: { errors: number };
}

export class UdpVxlanTransport implements MirrorTransport {
  inFlight = 0;
  private readonly sink: { errors: number };
  private closed = false;
  private readonly maxInFlight: number;
  private readonly onSent = (err: Error | null): void => {
    this.inFlight--;
    if (err) this.sink.errors++;
  };

  private constructor(
    private readonly sock: Socket,
    readonly address: string,
    readonly port: number,
    opts: UdpVxlanTransportOptions,
  ) {
    this.maxInFlight = opts.maxInFlight ?? 4096;
    this.sink = opts.errorSink ?? { errors: 0 };
  }

  /** Send errors reported by the socket (asynchronous). */
  get errors(): number {
    return this.sink.errors;
  }

  /** Opens and binds a UDP socket of the peer's family. Throws FG_ERR_IO when binding fails. */
  static async open(address: string, port: number = VXLAN_PORT, opts: UdpVxlanTransportOptions = {}): Promise<UdpVxlanTransport> {
    const sock = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    const t = new UdpVxlanTransport(sock, address, port, opts);
    sock.on('error', () => t.sink.errors++);
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(opts.sourcePort ?? 0, opts.bindAddress, () => {
        sock.off('error', reject);
        resolve();
      });
    }).catch((e: Error) => {
      sock.close();
      throw new FleetgateError('FG_ERR_IO', `VXLAN mirroring to ${address}:${port}: cannot bind a UDP socket: ${e.message}`, { address, port });
    });
    return t;
  }

  /** The bound local port (the outer UDP source port of every copy). */
  localPort(): number {
    return this.closed ? 0 : this.sock.address().port;
  }

  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed) return 0;
    let n = count;
    const room = this.maxInFlight - this.inFlight;
    if (n > room) n = room;
    for (let i = 0; i < n; i++) {
      const d = Buffer.allocUnsafe(lens[i]);
      d.set(slab.subarray(offs[i], offs[i] + lens[i]));
      this.inFlight++;
      this.sock.send(d, this.port, this.address, this.onSent);
    }
    return n > 0 ? n : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.sock.close(() => resolve()));
  }
}
