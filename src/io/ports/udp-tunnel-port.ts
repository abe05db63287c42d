// A UDP tunnel port (VXLAN 4789, GENEVE 6081, GTP-U 2152) over the native batched socket.
//
// Receive: each datagram (the UDP payload: tunnel header + inner frame) is received (recvmmsg) straight
// into a slot that leaves 28 bytes of headroom, where a synthetic outer IPv4 + UDP header is written (source = the sender, destination = us on the tunnel's well-known port, so
// the decoder always recognises the tunnel even on a non-standard listen port) and delivered as a
// LINKTYPE_IPV4 frame: the pipeline sees the whole tunnel stack (VNI, TEID) exactly as in a capture.
// GTP-U echo requests are answered here and not delivered.
//
// Send, during or after the batch callback:
// - reply(i): the datagram of frame i goes back to its sender unchanged (bump in the wire: same
//   tunnel header, VNI and GENEVE options; outer addresses swapped), straight from the frame buffer;
// - reserve(len) / commit(...): build a datagram in place in the send batch (re-encapsulation);
// Everything queued is sent with sendmmsg when the callback returns (or on flush()); runs of
// equal-length datagrams to the same peer (replies of a bulk flow) go as UDP GSO messages, which the
// kernel routes once and cuts into ordinary datagrams (segmentSends). Nothing is allocated per packet.
// Several workers: reusePort + steerWorkers (a kernel program picks the socket by the inner flow hash).
import { FrameBatch } from '../../core/frame-batch.js';
import { FleetgateError } from '../../core/errors.js';
import { LinkType } from '../../core/layers.js';
import { parseIPv4 } from '../../core/ip.js';
import { writeIpv4Simple } from '../../packet/build/ipv4.js';
import { writeUdp } from '../../packet/build/udp.js';
import { DatagramBatch, UdpBatchSocket, isSegmentationRefused, requireNative } from '../native/index.js';
import type { NativeAddon } from '../native/index.js';
import { newPortCounters, nowUs, type BatchHandler, type Port, type PortCounters } from './port.js';
import { GTPU_ECHO_REQUEST, WELL_KNOWN_PORT, writeGtpuEchoResponse, type UdpTunnelKind } from './tunnel-kind.js';

/** Synthetic outer IPv4 (20) + UDP (8) header in front of every delivered datagram. */
export const OUTER_LEN = 28;
const MAX_RECV_ROUNDS = 8;
const SEND_RETRIES = 2;

export interface UdpTunnelPortOptions {
  kind: UdpTunnelKind;
  /** Local IPv4 address to bind; default 0.0.0.0. */
  address?: string;
  /** Local UDP port; default the tunnel's well-known port; 0 = ephemeral (see localPort()). */
  port?: number;
  /** Datagrams per receive/send batch, 1..1024; default 256. */
  batchSize?: number;
  /** Longest datagram accepted, bytes; default 9216 (jumbo inner frames). Longer ones are dropped. */
  maxDatagram?: number;
  /** ifIndex stamped on delivered frames (default 0). */
  ifIndex?: number;
  /** Socket buffers, bytes (default 4 MiB each). */
  socketBuffer?: number;
  /** The native addon (tests); default requireNative(kind). */
  addon?: NativeAddon;
  /**
   * Send runs of equal-length datagrams to the same peer with UDP GSO (default true): the kernel routes
   * a run once. Turned off for good the first time the kernel refuses it.
   */
  segmentSends?: boolean;
  /**
   * SO_REUSEPORT: several ports (one per worker thread) bind the same address:port. Without steerWorkers
   * the kernel spreads datagrams among them by the hash of the sender's address and port.
   */
  reusePort?: boolean;
  /**
   * With reusePort: attach the inner-flow steering program for this many sockets after binding
   * (udpSetReuseportSteering): a datagram goes to the group's socket number flowHash(inner src, inner
   * dst) % steerWorkers (sockets numbered in bind order), so both directions of a flow, and a device's
   * flows with one peer, meet on one socket. One program per group: set it on the first socket bound.
   */
  steerWorkers?: number;
}

export class UdpTunnelPort implements Port {
  readonly kind: UdpTunnelKind;
  readonly label: string;
  readonly counters: PortCounters = newPortCounters();
  /** GTP-U echo requests answered. */
  echoes = 0;
  /** The frames of the batch being delivered (frame i = datagram i after echo/invalid filtering). */
  readonly frames: FrameBatch;
  /** Sender of frame i: host-order IPv4 and UDP port. */
  readonly peerAddr: Uint32Array;
  readonly peerPort: Uint16Array;

  private readonly addon: NativeAddon;
  /** UDP GSO sends in use (see segmentSends). */
  segmented: boolean;
  private sock: UdpBatchSocket | null = null;
  /** Receive arrays: datagram k lands at rxView[rxOffs[k]] = frames.buf[OUTER_LEN + rxOffs[k]]. */
  private readonly rxView: Uint8Array;
  private readonly rxOffs: Int32Array;
  private readonly rxLens: Int32Array;
  private readonly rxAddrs: Uint32Array;
  private readonly rxPorts: Uint16Array;
  private readonly maxDatagram: number;
  private readonly tx: DatagramBatch;
  private txUsed = 0;
  // replies: spans of the frame buffer sent back as they are
  private readonly repOffs: Int32Array;
  private readonly repLens: Int32Array;
  private readonly repAddrs: Uint32Array;
  private readonly repPorts: Uint16Array;
  private repCount = 0;
  private readonly frameSlot: number;
  private readonly localAddr: number;
  private readonly wellKnown: number;
  private onBatch: BatchHandler | null = null;
  private stopped = false;

  constructor(private readonly opts: UdpTunnelPortOptions) {
    this.kind = opts.kind;
    this.addon = opts.addon ?? requireNative(opts.kind);
    this.segmented = opts.segmentSends ?? true;
    const n = opts.batchSize ?? 256;
    const max = opts.maxDatagram ?? 9216;
    if (!(max >= 64 && max <= 65507)) throw new RangeError('maxDatagram must be in [64, 65507]');
    this.wellKnown = WELL_KNOWN_PORT[opts.kind];
    this.localAddr = parseIPv4(opts.address ?? '0.0.0.0');
    if (this.localAddr < 0) throw new FleetgateError('FG_ERR_USAGE', `${opts.kind} port: '${opts.address}' is not an IPv4 address`);
    this.maxDatagram = max;
    // Slot k of the frame buffer: [outer header 28][datagram]. recvmmsg writes datagram k at
    // OUTER_LEN + k * frameSlot and may fill up to frameSlot bytes; an accepted datagram (<= max) ends
    // before slot k+1's header, and a longer (or cut) one is dropped, so header writes never clobber data.
    this.frameSlot = OUTER_LEN + max + 1;
    this.frames = new FrameBatch(n, new Uint8Array(n * this.frameSlot + OUTER_LEN));
    this.rxView = this.frames.buf.subarray(OUTER_LEN);
    this.rxOffs = new Int32Array(n);
    this.rxLens = new Int32Array(n);
    this.rxAddrs = new Uint32Array(n);
    this.rxPorts = new Uint16Array(n);
    this.tx = new DatagramBatch(n, Math.min(65535, max + 64 + OUTER_LEN));
    this.peerAddr = new Uint32Array(n);
    this.peerPort = new Uint16Array(n);
    this.repOffs = new Int32Array(n);
    this.repLens = new Int32Array(n);
    this.repAddrs = new Uint32Array(n);
    this.repPorts = new Uint16Array(n);
    this.label = `${opts.kind} ${opts.address ?? '0.0.0.0'}:${opts.port ?? this.wellKnown}`;
  }

  /** The tunnel's well-known UDP port (4789, 6081, 2152): where replies go by default. */
  get defaultPeerPort(): number {
    return this.wellKnown;
  }

  async start(onBatch: BatchHandler): Promise<void> {
    const o = this.opts;
    const buf = o.socketBuffer ?? 4 << 20;
    try {
      this.sock = UdpBatchSocket.open(this.addon, o.address ?? '0.0.0.0', o.port ?? this.wellKnown, { rcvbuf: buf, sndbuf: buf, reusePort: o.reusePort === true });
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `${this.label}: cannot bind: ${(e as Error).message}`, { kind: this.kind });
    }
    if (o.steerWorkers !== undefined && o.steerWorkers > 1) {
      try {
        this.sock.setReuseportSteering(o.kind, o.steerWorkers);
      } catch (e) {
        this.sock.close();
        this.sock = null;
        throw new FleetgateError('FG_ERR_IO', `${this.label}: cannot attach the flow steering program: ${(e as Error).message}`, { kind: this.kind });
      }
    }
    this.onBatch = onBatch;
    this.stopped = false;
    const sock = this.sock;
    sock.onReadable((status) => {
      if (status < 0) return;
      this.drain();
    });
    await Promise.resolve();
  }

  /** The bound port (useful with port 0). */
  localPort(): number {
    return this.sock?.local().port ?? 0;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.flush();
    this.sock?.close();
    this.sock = null;
    this.onBatch = null;
    await Promise.resolve();
  }

  /** Offset in frames.buf where the datagram (tunnel header) of frame i starts. */
  datagramOff(i: number): number {
    return this.frames.off[i] + OUTER_LEN;
  }

  datagramLen(i: number): number {
    return this.frames.capLen[i] - OUTER_LEN;
  }

  /** Queues frame i's datagram back to its sender, to `port` (default: the well-known port). */
  reply(i: number, port: number = this.wellKnown): boolean {
    const k = this.repCount;
    if (k >= this.repOffs.length) {
      this.counters.txDrops++;
      return false;
    }
    this.repOffs[k] = this.datagramOff(i);
    this.repLens[k] = this.datagramLen(i);
    this.repAddrs[k] = this.peerAddr[i];
    this.repPorts[k] = port === 0 ? this.peerPort[i] : port;
    this.repCount = k + 1;
    return true;
  }

  /** Space for a datagram of up to len bytes in the send batch: its offset in sendBuf, or -1 when full. */
  reserve(len: number): number {
    if (len > this.tx.slotSize) return -1;
    if (this.txUsed >= this.tx.capacity) this.flushSends();
    if (this.txUsed >= this.tx.capacity) return -1;
    return this.txUsed * this.tx.slotSize;
  }

  /** The buffer reserve() offsets point into. */
  get sendBuf(): Uint8Array {
    return this.tx.buf;
  }

  /** Queues the datagram built at the last reserve() offset plus skip (room the caller used for headers). */
  commit(len: number, addr: number, port: number, skip = 0): void {
    const k = this.txUsed;
    this.tx.offs[k] = k * this.tx.slotSize + skip;
    this.tx.lens[k] = len;
    this.tx.addrs[k] = addr;
    this.tx.ports[k] = port;
    this.txUsed = k + 1;
  }

  /** Sends every queued datagram (replies, then built ones). Datagrams the kernel refuses are dropped and counted. */
  flush(): void {
    const sock = this.sock;
    if (sock === null) {
      this.repCount = 0;
      this.txUsed = 0;
      return;
    }
    if (this.repCount > 0) {
      this.sendSpans(sock.fd, this.frames.buf, this.repOffs, this.repLens, this.repAddrs, this.repPorts, this.repCount);
      this.repCount = 0;
    }
    this.flushSends();
  }

  private flushSends(): void {
    const sock = this.sock;
    if (sock !== null && this.txUsed > 0) {
      const t = this.tx;
      this.sendSpans(sock.fd, t.buf, t.offs, t.lens, t.addrs, t.ports, this.txUsed);
    }
    this.txUsed = 0;
  }

  private sendSpans(fd: number, buf: Uint8Array, offs: Int32Array, lens: Int32Array, addrs: Uint32Array, ports: Uint16Array, count: number): void {
    let sent = 0;
    for (let attempt = 0; attempt <= SEND_RETRIES && sent < count; attempt++) {
      if (sent > 0) {
        // shift the unsent tail to the front (sendmmsg always starts at entry 0)
        offs.copyWithin(0, sent, count);
        lens.copyWithin(0, sent, count);
        addrs.copyWithin(0, sent, count);
        ports.copyWithin(0, sent, count);
        count -= sent;
        sent = 0;
      }
      let n = 0;
      try {
        n = this.segmented ? this.addon.udpSendSegmented(fd, buf, offs, lens, addrs, ports, count) : this.addon.udpSendBatch(fd, buf, offs, lens, addrs, ports, count);
      } catch (e) {
        // the kernel cannot segment on this route: plain sendmmsg from now on (this attempt does not count)
        if (this.segmented && isSegmentationRefused(e)) {
          this.segmented = false;
          attempt--;
        }
        n = 0;
      }
      for (let k = 0; k < n; k++) this.counters.txBytes += lens[k];
      this.counters.txFrames += n;
      sent = n;
    }
    this.counters.txDrops += count - sent;
  }

  /** Reads what is queued (a bounded number of rounds; the watcher calls again while readable). */
  private drain(): void {
    const sock = this.sock;
    const cb = this.onBatch;
    if (sock === null || cb === null) return;
    const cap = this.frames.capacity;
    for (let round = 0; round < MAX_RECV_ROUNDS; round++) {
      let n = 0;
      try {
        n = this.addon.udpRecvBatch(sock.fd, this.rxView, this.frameSlot, this.rxOffs, this.rxLens, this.rxAddrs, this.rxPorts, cap);
      } catch {
        n = 0;
      }
      if (n <= 0) break;
      this.fill(n);
      if (this.frames.count > 0) cb(this.frames);
      this.flush();
      if (this.stopped || n < cap) break;
    }
  }

  /** Writes the synthetic outer headers in front of the n received datagrams and fills `frames`. */
  private fill(n: number): void {
    const fb = this.frames;
    const out = fb.buf;
    const ts = nowUs();
    const max = this.maxDatagram;
    const ifIndex = this.opts.ifIndex ?? 0;
    fb.count = 0;
    for (let k = 0; k < n; k++) {
      const len = this.rxLens[k];
      const o = this.rxOffs[k]; // = k * frameSlot: the slot start; the datagram is at o + OUTER_LEN
      if (len > max || len < 8) {
        this.counters.rxDrops++;
        continue;
      }
      if (this.kind === 'gtpu' && out[o + OUTER_LEN + 1] === GTPU_ECHO_REQUEST) {
        this.answerEcho(o + OUTER_LEN, len, this.rxAddrs[k], this.rxPorts[k]);
        continue;
      }
      writeIpv4Simple(out, o, this.rxAddrs[k], this.localAddr, 17, 8 + len, 0, 64, false);
      writeUdp(out, o + 20, this.rxPorts[k], this.wellKnown, len);
      const i = fb.count;
      fb.push(o, OUTER_LEN + len, OUTER_LEN + len, ts, LinkType.IPV4, ifIndex);
      this.peerAddr[i] = this.rxAddrs[k];
      this.peerPort[i] = this.rxPorts[k];
      this.counters.rxFrames++;
      this.counters.rxBytes += len;
    }
  }

  private answerEcho(off: number, len: number, addr: number, port: number): void {
    const o = this.reserve(16);
    if (o < 0) {
      this.counters.txDrops++;
      return;
    }
    const n = writeGtpuEchoResponse(this.tx.buf, o, this.frames.buf, off, len);
    this.commit(n, addr, port);
    this.echoes++;
  }
}
