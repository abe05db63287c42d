// Test support: a gateway peer on a loopback UDP socket. It answers probes (echo request → reply inside
// the tunnel) and returns every other datagram unchanged, as an appliance routing traffic back would.
// `up = false` makes it silently drop everything, like a crashed appliance.
import { createSocket, type Socket } from 'node:dgram';
import { isProbe, probeReply } from './fake-peer.js';

export class EchoPeer {
  up = true;
  /** Data datagrams received while up, with their receive time (performance.now()). */
  readonly data: { at: number; d: Uint8Array }[] = [];
  lastProbeReplyAt = -1;
  private readonly sock: Socket = createSocket('udp4');

  async start(): Promise<number> {
    this.sock.on('message', (msg, rinfo) => {
      if (!this.up) return;
      const d = new Uint8Array(msg);
      let out: Uint8Array = d;
      if (isProbe(d)) {
        out = probeReply(d)!;
        this.lastProbeReplyAt = performance.now();
      } else {
        this.data.push({ at: performance.now(), d });
      }
      this.sock.send(out, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => this.sock.bind(0, '127.0.0.1', resolve));
    return this.sock.address().port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.sock.close(() => resolve()));
  }
}
