// TUN device: a packet the kernel routes into the device is read back with tunRead, and an ICMP echo
// request written with tunWrite is answered by the kernel through the device. Needs root and
// /dev/net/tun, and the `ip` tool to configure the device.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { DatagramBatch, TunDevice } from '../../../src/io/native/index.js';
import { rootAddonOrSkip, skipOrFail, waitFor } from './native-env.js';

// 198.18.0.0/15 is the benchmarking range (RFC 2544): never routed anywhere real.
const LOCAL = [198, 18, 77, 1];
const PEER = [198, 18, 77, 2];

function hasIpTool(): boolean {
  try {
    execFileSync('ip', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function checksum(b: Uint8Array, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < len; i += 2) sum += (b[off + i] << 8) | b[off + i + 1];
  if (len & 1) sum += b[off + len - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** IPv4 + ICMP echo request from PEER to LOCAL with id/seq and a 16-byte payload; returns its length. */
function echoRequest(b: Uint8Array, id: number, seq: number): number {
  const len = 20 + 8 + 16;
  b.fill(0, 0, len);
  b[0] = 0x45;
  b[2] = len >> 8;
  b[3] = len & 0xff;
  b[8] = 64;
  b[9] = 1;
  b.set(PEER, 12);
  b.set(LOCAL, 16);
  const ck = checksum(b, 0, 20);
  b[10] = ck >> 8;
  b[11] = ck & 0xff;
  b[20] = 8;
  b[24] = id >> 8;
  b[25] = id & 0xff;
  b[26] = seq >> 8;
  b[27] = seq & 0xff;
  for (let k = 0; k < 16; k++) b[28 + k] = 0xa0 + k;
  const ick = checksum(b, 20, 28);
  b[22] = ick >> 8;
  b[23] = ick & 0xff;
  return len;
}

describe('native TUN device', () => {
  it('reads routed packets and gets kernel replies to written packets', async (t) => {
    const addon = rootAddonOrSkip(t, { tun: true });
    if (!addon) return;
    if (!hasIpTool()) return skipOrFail(t, 'needs the ip tool (iproute2)');
    const tun = TunDevice.open(addon, 'fgtest%d');
    t.after(() => tun.close()); // closing the fd removes the device
    assert.match(tun.name, /^fgtest\d+$/);
    assert.ok(tun.mtu >= 576);
    execFileSync('ip', ['addr', 'add', `${LOCAL.join('.')}/24`, 'dev', tun.name]);
    execFileSync('ip', ['link', 'set', tun.name, 'up']);

    const batch = new DatagramBatch(32, 2048);
    const packets: Buffer[] = [];
    tun.onReadable(() => {
      for (let n = tun.read(batch); n > 0; n = tun.read(batch)) {
        for (let k = 0; k < n; k++) {
          packets.push(Buffer.from(batch.buf.subarray(batch.offs[k], batch.offs[k] + batch.lens[k])));
        }
      }
    });
    const ipv4To = (dst: number[], proto: number) => (p: Buffer) =>
      p[0] >> 4 === 4 && p[9] === proto && p.subarray(16, 20).equals(Buffer.from(dst));

    // 1. kernel -> device: a UDP datagram to an address behind the TUN is read back whole
    const sock = createSocket('udp4');
    t.after(() => sock.close());
    const payload = Buffer.from('fleetgate tun read test');
    await new Promise<void>((resolve, reject) =>
      sock.send(payload, 4789, PEER.join('.'), (e) => (e ? reject(e) : resolve())),
    );
    await waitFor(() => packets.some(ipv4To(PEER, 17)), 'the UDP packet on the TUN');
    const udp = packets.find(ipv4To(PEER, 17))!;
    assert.deepEqual([...udp.subarray(12, 16)], LOCAL);
    assert.equal((udp[22] << 8) | udp[23], 4789);
    assert.deepEqual(udp.subarray(28), payload);

    // 2. device -> kernel: an ICMP echo request written into the TUN is answered through it
    const req = new Uint8Array(64);
    const len = echoRequest(req, 0x4647, 7);
    assert.equal(tun.write(req, 0, len), true);
    await waitFor(() => packets.some(ipv4To(PEER, 1)), 'the ICMP echo reply on the TUN');
    const reply = packets.find(ipv4To(PEER, 1))!;
    assert.equal(reply[20], 0, 'echo reply');
    assert.equal((reply[24] << 8) | reply[25], 0x4647);
    assert.equal((reply[26] << 8) | reply[27], 7);
    assert.deepEqual(reply.subarray(28, 44), Buffer.from(req.subarray(28, 44)));
  });

  it('tunRead returns 0 when idle and packs nothing into a too-small buffer', (t) => {
    const addon = rootAddonOrSkip(t, { tun: true });
    if (!addon) return;
    const tun = addon.tunOpen('fgtest%d', { multiQueue: true });
    t.after(() => addon.close(tun.fd));
    const offs = new Int32Array(4);
    const lens = new Int32Array(4);
    assert.equal(addon.tunRead(tun.fd, new Uint8Array(4096), offs, lens, 4, 1500), 0);
    assert.equal(addon.tunRead(tun.fd, new Uint8Array(100), offs, lens, 4, 1500), 0);
    assert.throws(() => addon.tunRead(tun.fd, new Uint8Array(100), offs, lens, 5), RangeError);
    assert.throws(() => addon.tunOpen('a-name-longer-than-15'), RangeError);
    assert.throws(() => addon.tunWrite(tun.fd, new Uint8Array(10), 5, 10), RangeError);
  });
});
