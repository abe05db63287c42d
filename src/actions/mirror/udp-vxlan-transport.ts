// VXLAN mirror copies over UDP: each queued copy (VXLAN header + inner frame) becomes one UDP datagram
// to peer:4789; the kernel adds the outer IP/UDP headers. Two backends, picked by open():
// - native (the default when the addon loads and the peer is IPv4): one sendmmsg per drain of the
//   queue, the slab sent in place (NativeUdpSender; runs of equal-length copies as UDP GSO when asked,
//   or with 'auto' when the peer is behind a physical NIC: egress-link.ts).
//   What a full kernel buffer does not take stays queued.
// - dgram (the fallback: no addon, IPv6 peer, or opts.native = null): dgram may keep a reference to a
//   buffer until the send completes, so each datagram is copied out of the reused slab (an allocation
//   and a syscall per copy, off the forwarding path: drain runs after a batch). Sends in flight are
//   bounded: beyond maxInFlight, sendBatch accepts fewer and the queue absorbs (then drops) copies.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { FleetgateError } from '../../core/errors.js';
import { loadNative } from '../../io/native/index.js';
import type { NativeAddon } from '../../io/native/addon-types.js';
import { VXLAN_PORT } from '../../packet/build/vxlan.js';
import type { MirrorTransport } from './mirror-queue.js';
import type { Segmentation } from './config.js';
import { autoSegmentation, type EgressProbe } from './egress-link.js';
import { NativeUdpSender } from './native-udp-sender.js';

export interface UdpVxlanTransportOptions {
  /** Local address to bind (default any). */
  bindAddress?: string;
  /** Local (outer source) port; default 0 = ephemeral. */
  sourcePort?: number;
  /** Datagrams handed to the socket and not yet completed (default 4096). */
  maxInFlight?: number;
  /** Where asynchronous send errors are counted (connectMirrorSet passes the peer's counters). */
  errorSink?: { errors: number };
  /** The native addon for the batched backend; default loadNative(); null forces the dgram backend. */
  native?: NativeAddon | null;
  /**
   * Native backend: send runs of equal-length copies with UDP GSO. Default false: on virtual links a
   * packet capture at the peer would see one packet per run; safe when the peer reads a UDP socket or
   * sits behind a physical NIC. 'auto': on when the route to the peer leaves through a physical NIC.
   */
  segmented?: Segmentation;
  /** How 'auto' finds the route's device (default: the running kernel's). */
  egressProbe?: EgressProbe;
}

export type VxlanBackend = 'native' | 'dgram';

async function segmentFor(address: string, opts: UdpVxlanTransportOptions): Promise<boolean> {
  const s = opts.segmented ?? false;
  return s === 'auto' ? autoSegmentation(address, opts.egressProbe) : s;
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
    private readonly sock: Socket | null,
    private readonly native: NativeUdpSender | null,
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

  /** Native backend sending runs of equal-length copies with UDP GSO (false for dgram, or after the kernel refused it). */
  get segmented(): boolean {
    return this.native !== null && this.native.segmented;
  }

  /** Which backend sends the copies. */
  get backend(): VxlanBackend {
    return this.native !== null ? 'native' : 'dgram';
  }

  /**
   * Opens and binds a UDP socket towards the peer: the native batched one when the addon is there and
   * the peer is IPv4, else a dgram socket of the peer's family. Throws FG_ERR_IO when binding fails.
   */
  static async open(address: string, port: number = VXLAN_PORT, opts: UdpVxlanTransportOptions = {}): Promise<UdpVxlanTransport> {
    const addon = opts.native === undefined ? loadNative() : opts.native;
    if (addon !== null && !isIPv6(address)) {
      let sender: NativeUdpSender | null;
      try {
        sender = NativeUdpSender.open(addon, address, port, { bindAddress: opts.bindAddress, sourcePort: opts.sourcePort, segmented: await segmentFor(address, opts) });
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        throw new FleetgateError('FG_ERR_IO', `VXLAN mirroring to ${address}:${port}: cannot bind a UDP socket: ${msg}`, { address, port });
      }
      if (sender !== null) return new UdpVxlanTransport(null, sender, address, port, opts);
    }
    const sock = createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    const t = new UdpVxlanTransport(sock, null, address, port, opts);
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
    if (this.closed) return 0;
    return this.native !== null ? this.native.localPort() : this.sock!.address().port;
  }

  sendBatch(slab: Uint8Array, offs: Int32Array, lens: Int32Array, count: number): number {
    if (this.closed) return 0;
    if (this.native !== null) return this.native.send(slab, offs, lens, count);
    const sock = this.sock!;
    let n = count;
    const room = this.maxInFlight - this.inFlight;
    if (n > room) n = room;
    for (let i = 0; i < n; i++) {
      const d = Buffer.allocUnsafe(lens[i]);
      d.set(slab.subarray(offs[i], offs[i] + lens[i]));
      this.inFlight++;
      sock.send(d, this.port, this.address, this.onSent);
    }
    return n > 0 ? n : 0;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const sock = this.sock;
    if (sock === null) {
      this.native?.close();
      return;
    }
    await new Promise<void>((resolve) => sock.close(() => resolve()));
  }
}
