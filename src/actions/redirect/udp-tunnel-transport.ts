// The redirection transport over a node `dgram` UDP socket: the kernel adds the outer IPv4/UDP headers.
// - sends each peer's queued datagrams to peer.address:peer.port (flush(): call after a batch);
// - receives returned packets and probe replies and hands them to the Redirector;
// - runs the health clock: a timer wakes at the Redirector's next deadline (next probe or down time),
//   so detection is not delayed by a coarse polling period.
// dgram may keep a reference to a sent buffer until the send completes, so each datagram is copied out
// of the (reused) queue. That allocation is the price of plain dgram; the native sendmmsg socket
// (src/io/native) is the fast path for a production gateway.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { FleetgateError } from '../../core/errors.js';
import type { Redirector } from './redirector.js';

export interface UdpTunnelTransportOptions {
  /** Local address to bind (default 0.0.0.0). */
  bindAddress?: string;
  /** Local port (default the config's localPort; 0 = ephemeral). Peers return packets to it. */
  port?: number;
  /** Longest sleep between health ticks, ms (default 1000). */
  maxSleepMs?: number;
  onError?: (e: Error) => void;
}

export class UdpTunnelTransport {
  private sock: Socket | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    readonly redirector: Redirector,
    private readonly opts: UdpTunnelTransportOptions = {},
  ) {}

  /** Binds the socket and starts the health clock. */
  async start(): Promise<void> {
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

  /** The bound local port (after start). */
  localPort(): number {
    return this.sock?.address().port ?? 0;
  }

  /** Sends and clears every peer's queue. */
  flush(): void {
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

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    this.redirector.handleReturned(msg, 0, msg.length, this.peerOf(rinfo.address, rinfo.port));
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
