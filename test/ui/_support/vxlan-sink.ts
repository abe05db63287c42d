// Test support: a UDP socket on a random 127.x.y.z address at the VXLAN port (4789) - the API's mirroring
// peers have no port setting - collecting the copies a mirroring peer receives. No root needed.
import { createSocket, type Socket } from 'node:dgram';

export interface VxlanSink {
  sock: Socket;
  address: string;
  got: Buffer[];
  close(): void;
}

export async function openVxlanSink(): Promise<VxlanSink> {
  for (let i = 0; i < 20; i++) {
    const address = `127.${40 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${1 + Math.floor(Math.random() * 250)}`;
    const sock = createSocket('udp4');
    const got: Buffer[] = [];
    sock.on('message', (m) => got.push(m));
    const ok = await new Promise<boolean>((done) => {
      sock.once('error', () => done(false));
      sock.bind(4789, address, () => done(true));
    });
    if (ok) return { sock, address, got, close: () => sock.close() };
    sock.close();
  }
  throw new Error('no free 127.x.y.z:4789 for the VXLAN sink');
}

/** The 24-bit VNI of a VXLAN datagram. */
export function vniOf(d: Uint8Array): number {
  return (d[4] << 16) | (d[5] << 8) | d[6];
}
