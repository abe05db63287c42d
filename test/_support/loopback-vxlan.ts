// Loopback helpers for tests that drive a bump-in-the-wire gateway with plain UDP sockets: a VXLAN
// (or GENEVE) datagram carrying a device's UDP packet, binding a socket on 127.0.0.1, waiting for a condition.
import type { Socket } from 'node:dgram';
import { buildFrame } from '../../src/packet/build/compose.js';

/** A VXLAN datagram (VNI 42) carrying an Ethernet frame with UDP src:sport → dst:7000 and the payload. */
export function vxlanDatagram(src: string, dst: string, payload: string, sport = 5000): Buffer {
  const frame = buildFrame({ ip: { src, dst }, udp: { sport, dport: 7000 }, payload });
  const vx = Buffer.alloc(8);
  vx[0] = 0x08;
  vx.writeUIntBE(42, 4, 3);
  return Buffer.concat([vx, frame]);
}

/** The same as a GENEVE datagram (VNI 42, no options, protocol 0x6558: an Ethernet frame inside). */
export function geneveDatagram(src: string, dst: string, payload: string, sport = 5000): Buffer {
  const frame = buildFrame({ ip: { src, dst }, udp: { sport, dport: 7000 }, payload });
  const h = Buffer.alloc(8);
  h.writeUInt16BE(0x6558, 2);
  h.writeUIntBE(42, 4, 3);
  return Buffer.concat([h, frame]);
}

/** Binds sock to 127.0.0.1:port (0 = any free port). */
export function bindLoopback(sock: Socket, port: number): Promise<void> {
  return new Promise((ok, fail) => {
    sock.once('error', fail);
    sock.bind(port, '127.0.0.1', () => ok());
  });
}

/** Polls cond every 20 ms; throws naming what was awaited (what() is read when it times out). */
export async function waitFor(cond: () => boolean, what: () => string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
