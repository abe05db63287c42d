// The redirection transport over a node `dgram` UDP socket: the kernel adds the outer IPv4/UDP headers.
// - sends each peer's queued datagrams to peer.address:peer.port (flush(): call after a batch);
// - receives returned packets and probe replies and hands them to the Redirector;
// - runs the health clock: a timer wakes at the Redirector's next deadline (next probe or down time),
//   so detection is not delayed by a coarse polling period.
// Two sockets: with the native addon (opts.native) a batched one (recvmmsg/sendmmsg, nothing allocated
// per datagram), which the live gateway uses whenever the addon loads; without it plain dgram, which may
// keep a reference to a sent buffer until the send completes, so each datagram is copied out of the
// (reused) queue and sent on its own.
// Several live workers (opts.native.reusePort): every worker binds the same port with SO_REUSEPORT through the
// native socket (node 20's dgram cannot), in worker order, and the first attaches the inner-flow
// steering program (vxlan / geneve / vxlan+geneve: returnSteerKind), so a datagram a peer returns reaches socket flowHash(inner
// addresses) % N = the worker that owns its flow, and a probe answer the worker that probes that peer.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { FleetgateError } from '../../core/errors.js';
import { parseIPv4 } from '../../core/ip.js';
import type { NativeAddon } from '../../io/native/addon-types.js';
import { DatagramBatch, MAX_NATIVE_BATCH } from '../../io/native/datagram-batch.js';
import { UdpBatchSocket } from '../../io/native/udp-batch-socket.js';
import type { Redirector } from './redirector.js';
import { returnSteerKind } from './workers.js';

/** The native return socket: one gateway thread's own, or shared by several workers (SO_REUSEPORT group). */
export interface NativeReturnSocket {
  addon: NativeAddon;
  /** Several workers: join the port's SO_REUSEPORT group. */
  reusePort?: boolean;
  /** Attach the steering program for this many sockets (set by the first worker only). */
  steerWorkers?: number;
}

/** Receive batch of the native socket: returned datagrams up to 64 KiB. */
const RX_BATCH = 16;
const RX_SLOT = 65535;

export interface UdpTunnelTransportOptions {
  /** Local address to bind (default 0.0.0.0). */
  bindAddress?: string;
  /** Local port (default the config's localPort; 0 = ephemeral). Peers return packets to it. */
  port?: number;
  /** Longest sleep between health ticks, ms (default 1000). */
  maxSleepMs?: number;
  onError?: (e: Error) => void;
  /** The batched native socket (see NativeReturnSocket); without it, dgram. */
  native?: NativeReturnSocket;
}

export class UdpTunnelTransport {
  private sock: Socket | null = null;
  private native: UdpBatchSocket | null = null;
  private rx: DatagramBatch | null = null;
  /** Per peer: destination columns for sendmmsg (the peer's address and port in every entry). */
  private dst: Array<{ addrs: Uint32Array; ports: Uint16Array }> = [];
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    public redirector: Redirector,
    private readonly opts: UdpTunnelTransportOptions = {},
  ) {}

  /**
   * Several workers, on a reload whose new redirection keeps the same return port: the new Redirector
   * takes over this socket (leaving and re-joining the SO_REUSEPORT group would renumber its sockets).
   * `steerKind`: the new peers' steering kind (returnSteerKind) when it changed (the first worker
   * re-attaches the program).
   */
  adopt(r: Redirector, steerKind?: 'vxlan' | 'geneve' | 'vxlan+geneve'): void {
    this.flush();
    this.redirector = r;
    this.dst = [];
    const sh = this.opts.native;
    if (steerKind !== undefined && this.native && sh?.steerWorkers !== undefined && sh.steerWorkers > 1) {
      this.native.setReuseportSteering(steerKind, sh.steerWorkers);
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.wake();
  }

  /** Binds the socket and starts the health clock. */
  async start(): Promise<void> {
    if (this.opts.native) return this.startNative(this.opts.native);
    const sock = createSocket({ type: 'udp4', reuseAddr: false });
    this.sock = sock;
    sock.on('message', (msg: Buffer, rinfo: RemoteInfo) => this.onMessage(msg, rinfo));
    sock.on('error', (e) => this.opts.onError?.(e));
    const port = this.opts.port ?? this.redirector.cfg.localPort;
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, this.opts.bindAddress ?? '0.0.0.0', () => {
        sock.off('error', reject);
        resolve();
      });
    }).catch((e: Error) => {
      throw new FleetgateError('FG_ERR_IO', `redirection: cannot bind UDP ${this.opts.bindAddress ?? '0.0.0.0'}:${port}: ${e.message}`, { port });
    });
    this.stopped = false;
    this.wake();
  }

  private async startNative(sh: NativeReturnSocket): Promise<void> {
    const addr = this.opts.bindAddress ?? '0.0.0.0';
    const port = this.opts.port ?? this.redirector.cfg.localPort;
    let sock: UdpBatchSocket;
    try {
      sock = UdpBatchSocket.open(sh.addon, addr, port, { reusePort: sh.reusePort === true, rcvbuf: 4 << 20, sndbuf: 4 << 20 });
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `redirection: cannot bind UDP ${addr}:${port}${sh.reusePort ? ' (SO_REUSEPORT)' : ''}: ${(e as Error).message}`, { port });
    }
    if (sh.steerWorkers !== undefined && sh.steerWorkers > 1) {
      try {
        sock.setReuseportSteering(returnSteerKind(this.redirector.cfg), sh.steerWorkers);
      } catch (e) {
        sock.close();
        throw new FleetgateError('FG_ERR_IO', `redirection: cannot attach the flow steering program to UDP ${addr}:${port}: ${(e as Error).message}`, { port });
      }
    }
    this.native = sock;
    this.rx = new DatagramBatch(RX_BATCH, RX_SLOT);
    sock.onReadable((status) => {
      if (status >= 0) this.drainNative();
    });
    this.stopped = false;
    this.wake();
    await Promise.resolve();
  }

  /** The bound local port (after start). */
  localPort(): number {
    if (this.native) return this.native.local().port;
    return this.sock?.address().port ?? 0;
  }

  /** Sends and clears every peer's queue. */
  flush(): void {
    if (this.native !== null) {
      this.flushNative(this.native);
      return;
    }
    const sock = this.sock;
    if (sock === null) return;
    for (const peer of this.redirector.peers) {
      const q = peer.queue;
      for (let i = 0; i < q.count; i++) {
        const d = Buffer.allocUnsafe(q.lens[i]);
        d.set(q.buf.subarray(q.offs[i], q.offs[i] + q.lens[i]));
        sock.send(d, peer.cfg.port, peer.cfg.address, (err) => {
          if (err) this.redirector.countSendError(peer.index);
        });
      }
      q.clear();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const nat = this.native;
    this.native = null;
    nat?.close();
    const sock = this.sock;
    this.sock = null;
    if (sock) await new Promise<void>((resolve) => sock.close(() => resolve()));
  }

  /** Index of the peer a datagram came from: address and port first, then address alone; -1 if none. */
  peerOf(address: string, port: number): number {
    const peers = this.redirector.peers;
    for (const p of peers) if (p.cfg.address === address && p.cfg.port === port) return p.index;
    for (const p of peers) if (p.cfg.address === address) return p.index;
    return -1;
  }

  /** sendmmsg of every peer's queue, straight from the queue's buffer (no copy). */
  private flushNative(sock: UdpBatchSocket): void {
    const peers = this.redirector.peers;
    for (const peer of peers) {
      const q = peer.queue;
      if (q.count === 0) continue;
      const d = this.dstAddr(peer.index);
      const send = (this.opts.native as NativeReturnSocket).addon.udpSendBatch;
      let sent = 0;
      try {
        for (let at = 0; at < q.count; at += MAX_NATIVE_BATCH) {
          const n = Math.min(MAX_NATIVE_BATCH, q.count - at);
          const k = at === 0
            ? send(sock.fd, q.buf, q.offs, q.lens, d.addrs, d.ports, n)
            : send(sock.fd, q.buf, q.offs.subarray(at), q.lens.subarray(at), d.addrs, d.ports, n);
          sent += k;
          if (k < n) break; // the socket buffer is full: the rest is lost
        }
      } catch {
        // counted below
      }
      if (sent < q.count) this.redirector.countSendError(peer.index, q.count - sent);
      q.clear();
    }
  }

  private drainNative(): void {
    const sock = this.native;
    const rx = this.rx;
    if (sock === null || rx === null) return;
    // bounded: at most 64 batches per wake-up, the watcher calls again while data is queued
    for (let round = 0; round < 64; round++) {
      let n = 0;
      try {
        n = sock.recv(rx);
      } catch (e) {
        this.opts.onError?.(e as Error);
        return;
      }
      if (n === 0) break;
      for (let k = 0; k < n; k++) {
        const len = Math.min(rx.lens[k], RX_SLOT);
        this.redirector.handleReturned(rx.buf, rx.offs[k], len, this.peerOfU32(rx.addrs[k], rx.ports[k]));
      }
      this.redirector.returnedBatchDone();
      this.flush();
      if (n < rx.capacity) break;
    }
  }

  /** peerOf for a host-order u32 address (the native socket's), without making a string. */
  private peerOfU32(addr: number, port: number): number {
    const peers = this.redirector.peers;
    for (const p of peers) if (this.addrOf(p.index) === addr && p.cfg.port === port) return p.index;
    for (const p of peers) if (this.addrOf(p.index) === addr) return p.index;
    return -1;
  }

  private addrOf(peer: number): number {
    return this.dstAddr(peer).addrs[0];
  }

  private dstAddr(peer: number): { addrs: Uint32Array; ports: Uint16Array } {
    let d = this.dst[peer];
    const p = this.redirector.peers[peer];
    const n = Math.max(1, p.queue.offs.length);
    if (d === undefined || d.addrs.length < n) {
      d = { addrs: new Uint32Array(n).fill(parseIPv4(p.cfg.address) >>> 0), ports: new Uint16Array(n).fill(p.cfg.port) };
      this.dst[peer] = d;
    }
    return d;
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.redirector.handleReturned(msg, 0, msg.length, this.peerOf(rinfo.address, rinfo.port));
    this.redirector.returnedBatchDone();
    this.flush(); // ARP replies; also anything queued by a probe reply's state change
  }

  private wake(): void {
    if (this.stopped) return;
    const r = this.redirector;
    r.tick(r.clock());
    this.flush();
    const sleep = Math.max(1, Math.min(r.nextWakeMs() - r.clock(), this.opts.maxSleepMs ?? 1000));
    this.timer = setTimeout(() => this.wake(), sleep);
  }
}
