// Live transports over loopback: VXLAN copies through a real UDP socket (always), GRE copies through a
// raw IPv4 socket from the native addon (when it is built and the test runs as root / CAP_NET_RAW).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { FleetgateError } from '../../../src/core/errors.js';
import { LinkType } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { loadNative, nativeLoadError } from '../../../src/io/native/index.js';
import { MirrorSet } from '../../../src/actions/mirror/mirror-set.js';
import { connectMirrorSet } from '../../../src/actions/mirror/connect.js';
import { GreTransport, type RawIpSender } from '../../../src/actions/mirror/gre-transport.js';
import { UdpVxlanTransport } from '../../../src/actions/mirror/udp-vxlan-transport.js';

const frames = [0, 1, 2].map((i) =>
  buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, tcp: { sport: 40000 + i, dport: 443 }, payload: `copy ${i}` }),
);

function mirrorFrames(set: MirrorSet): void {
  const p = new PacketView();
  for (const f of frames) {
    decodeFrame(p, f, 0, f.length, f.length, 0, LinkType.ETHERNET);
    set.mirror(p, { uplink: true, group: undefined, app: 'Unknown' });
  }
}

for (const backend of ['native', 'dgram'] as const) {
  test(`VXLAN copies reach a UDP listener on loopback byte for byte (${backend} backend via connectMirrorSet)`, async (t) => {
  const addon = loadNative();
  if (backend === 'native' && addon === null) return t.skip(`native addon not loaded: ${nativeLoadError()}`);
  const rx = createSocket('udp4');
  rx.bind(0, '127.0.0.1');
  await once(rx, 'listening');
  const got: Buffer[] = [];
  rx.on('message', (m) => got.push(m));
  const set = MirrorSet.fromConfig({ peers: [{ address: '127.0.0.1', protocol: 'vxlan', vni: 0x123456, port: rx.address().port }] });
  const conn = await connectMirrorSet(set, { raw: null, udp: { native: backend === 'native' ? addon : null } });
    assert.equal((set.peers[0].transport as UdpVxlanTransport).backend, backend);
  try {
    assert.deepEqual(conn.problems, []);
    mirrorFrames(set);
    assert.equal(set.drain(), 3);
    for (let i = 0; i < 100 && got.length < 3; i++) await sleep(10);
    assert.equal(got.length, 3);
    got.forEach((m, i) => {
      assert.deepEqual([...m.subarray(0, 8)], [0x08, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
      assert.deepEqual(new Uint8Array(m.subarray(8)), frames[i]);
    });
    const s = set.stats()[0];
    assert.equal(s.sent, 3);
    assert.equal(s.bytes, got.reduce((a, m) => a + m.length, 0));
    assert.equal((set.peers[0].transport as UdpVxlanTransport).errors, 0);
  } finally {
    await conn.close();
    rx.close();
  }
});
}

test('UdpVxlanTransport bounds sends in flight: excess copies stay queued', async () => {
  const t = await UdpVxlanTransport.open('127.0.0.1', 9, { maxInFlight: 2, native: null });
  try {
    const slab = new Uint8Array(64);
    assert.equal(t.sendBatch(slab, Int32Array.of(0, 16, 32), Int32Array.of(16, 16, 16), 3), 2);
    assert.equal(t.sendBatch(slab, Int32Array.of(0), Int32Array.of(16), 1), 0);
    for (let i = 0; i < 100 && t.inFlight > 0; i++) await sleep(5);
    assert.equal(t.inFlight, 0);
  } finally {
    await t.close();
  }
  assert.equal(t.sendBatch(new Uint8Array(8), Int32Array.of(0), Int32Array.of(8), 1), 0); // closed: accepts nothing
});

test('UdpVxlanTransport picks the native batched backend for IPv4 peers when the addon loads, dgram otherwise', async () => {
  const addon = loadNative();
  const v4 = await UdpVxlanTransport.open('127.0.0.1', 9);
  const v6 = await UdpVxlanTransport.open('::1', 9);
  try {
    assert.equal(v4.backend, addon !== null ? 'native' : 'dgram');
    assert.equal(v6.backend, 'dgram'); // the addon is IPv4 only
    assert.ok(v4.localPort() > 0);
    if (addon !== null) {
      // one call, the slab in place; nothing in flight afterwards; more than the addon's cap is cut to it
      const slab = new Uint8Array(64);
      assert.equal(v4.sendBatch(slab, Int32Array.of(0, 16, 32), Int32Array.of(16, 16, 16), 3), 3);
      assert.equal(v4.inFlight, 0);
      const many = new Int32Array(1500).fill(8);
      assert.ok(v4.sendBatch(slab, new Int32Array(1500), many, 1500) <= 1024);
    }
  } finally {
    await v4.close();
    await v6.close();
  }
  assert.equal(v4.localPort(), 0);
  assert.equal(v4.sendBatch(new Uint8Array(8), Int32Array.of(0), Int32Array.of(8), 1), 0); // closed: accepts nothing
});

test('native backend: runs of equal-length copies (UDP GSO) and mixed lengths arrive as separate datagrams, in order', async (t) => {
  const addon = loadNative();
  if (addon === null) return t.skip(`native addon not loaded: ${nativeLoadError()}`);
  const rx = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  rx.bind(0, '127.0.0.1');
  await once(rx, 'listening');
  const got: Buffer[] = [];
  rx.on('message', (m) => got.push(m));
  const plain = await UdpVxlanTransport.open('127.0.0.1', rx.address().port, { native: addon });
  assert.equal(plain.segmented, false, 'UDP GSO is opt-in');
  await plain.close();
  const tx = await UdpVxlanTransport.open('127.0.0.1', rx.address().port, { native: addon, segmented: true });
  try {
    assert.equal(tx.segmented, true);
    // 150 datagrams: a run of 100 x 100 B (cut into runs of <= 64), then alternating 60/61 B, then 10 x 1400 B
    const lens: number[] = [];
    for (let i = 0; i < 100; i++) lens.push(100);
    for (let i = 0; i < 40; i++) lens.push(60 + (i & 1));
    for (let i = 0; i < 10; i++) lens.push(1400);
    const offs = new Int32Array(lens.length);
    const slab = new Uint8Array(lens.length * 1400);
    lens.forEach((len, i) => {
      offs[i] = i * 1400;
      slab.fill(i & 0xff, offs[i], offs[i] + len);
      slab[offs[i]] = i; // first byte: the index
    });
    assert.equal(tx.sendBatch(slab, offs, Int32Array.from(lens), lens.length), lens.length);
    assert.equal(tx.segmented, true, 'loopback segments UDP GSO messages');
    for (let i = 0; i < 200 && got.length < lens.length; i++) await sleep(5);
    assert.equal(got.length, lens.length);
    got.forEach((m, i) => {
      assert.equal(m.length, lens[i], `datagram ${i} length`);
      assert.equal(m[0], i);
      assert.equal(m[m.length - 1], i & 0xff);
    });
  } finally {
    await tx.close();
    rx.close();
  }
});

test('native backend: when the kernel refuses segmentation (EIO), it falls back to one entry per datagram for good', async (t) => {
  const addon = loadNative();
  if (addon === null) return t.skip(`native addon not loaded: ${nativeLoadError()}`);
  let segCalls = 0;
  let plainCalls = 0;
  const refusing = Object.assign(Object.create(addon) as typeof addon, {
    udpSendSegmented: () => {
      segCalls++;
      throw Object.assign(new Error('udpSendSegmented: sendmmsg: Input/output error'), { code: 'EIO' });
    },
    udpSendBatch: (...a: Parameters<typeof addon.udpSendBatch>) => {
      plainCalls++;
      return addon.udpSendBatch(...a);
    },
  });
  const tx = await UdpVxlanTransport.open('127.0.0.1', 9, { native: refusing, segmented: true });
  try {
    const slab = new Uint8Array(64);
    assert.equal(tx.sendBatch(slab, Int32Array.of(0, 16), Int32Array.of(16, 16), 2), 2);
    assert.equal(tx.segmented, false);
    assert.equal(tx.sendBatch(slab, Int32Array.of(0, 16), Int32Array.of(16, 16), 2), 2);
    assert.deepEqual([segCalls, plainCalls], [1, 2]);
  } finally {
    await tx.close();
  }
});

test('GRE without the native addon: a clear FG_ERR_UNSUPPORTED error, peer left unconnected', async () => {
  assert.throws(() => GreTransport.open(null, '192.0.2.9', 'build failed'), (e: unknown) => {
    assert.ok(e instanceof FleetgateError);
    assert.equal(e.code, 'FG_ERR_UNSUPPORTED');
    assert.match(e.message, /GRE mirroring to 192\.0\.2\.9 needs the native addon .*build failed.*protocol: vxlan/);
    return true;
  });
  const set = MirrorSet.fromConfig({ peers: [{ address: '192.0.2.9', protocol: 'gre', key: 1 }] });
  const conn = await connectMirrorSet(set, { raw: null, rawError: 'not built' });
  assert.equal(conn.problems.length, 1);
  assert.match(conn.problems[0], /^192\.0\.2\.9 \(gre\): GRE mirroring .* needs the native addon/);
  assert.equal(set.stats()[0].connected, false);
  assert.match(set.stats()[0].transportError ?? '', /native addon/);
  await conn.close();
});

test('GreTransport hands the slab to rawSendBatch in place, to the peer address, at most 1024 per call', () => {
  const calls: { fd: number; count: number; dst: number; lens: number[] }[] = [];
  const fake: RawIpSender = {
    rawOpen: (proto) => (assert.equal(proto, 47), 42),
    rawSendBatch: (fd, _buf, _offs, lens, dst, count) => (calls.push({ fd, count, dst: dst[count - 1], lens: [...lens.subarray(0, count)] }), count),
    close: (fd) => assert.equal(fd, 42),
  };
  const t = GreTransport.open(fake, '192.0.2.9');
  assert.equal(t.sendBatch(new Uint8Array(10), Int32Array.of(0, 5), Int32Array.of(5, 5), 2), 2);
  assert.equal(t.sendBatch(new Uint8Array(10), new Int32Array(2000), new Int32Array(2000), 2000), 1024);
  assert.deepEqual(calls[0], { fd: 42, count: 2, dst: 0xc0000209, lens: [5, 5] });
  t.close();
  assert.equal(t.sendBatch(new Uint8Array(10), Int32Array.of(0), Int32Array.of(5), 1), 0);
  const failing: RawIpSender = { ...fake, rawOpen: () => { throw new Error('rawOpen: socket: Operation not permitted'); } };
  assert.throws(() => GreTransport.open(failing, '192.0.2.9'), /needs root or CAP_NET_RAW/);
});

test('GRE copies over a real raw socket on loopback (native addon, root)', async (t) => {
  const addon = loadNative();
  if (addon === null) return t.skip(`native addon not loaded: ${nativeLoadError()}`);
  if (process.getuid?.() !== 0) return t.skip('raw sockets need root / CAP_NET_RAW');
  const rxFd = addon.rawOpen(47);
  const set = MirrorSet.fromConfig({ peers: [{ address: '127.0.0.1', protocol: 'gre', key: 0x5eed1234, sequence: true }] });
  const conn = await connectMirrorSet(set, { raw: addon });
  try {
    assert.deepEqual(conn.problems, []);
    mirrorFrames(set);
    assert.equal(set.drain(), 3);
    const buf = new Uint8Array(4 * 2048);
    const offs = new Int32Array(4);
    const lens = new Int32Array(4);
    const src = new Uint32Array(4);
    const mine: Uint8Array[] = [];
    for (let i = 0; i < 100 && mine.length < 3; i++) {
      const n = addon.rawRecvBatch(rxFd, buf, 2048, offs, lens, src, 4);
      for (let k = 0; k < n; k++) {
        const g = offs[k] + (buf[offs[k]] & 0x0f) * 4; // Linux raw sockets deliver the IPv4 header too
        const key = ((buf[g + 4] << 24) | (buf[g + 5] << 16) | (buf[g + 6] << 8) | buf[g + 7]) >>> 0;
        if (key === 0x5eed1234) mine.push(buf.slice(g, offs[k] + lens[k])); // other tests may send GRE too
      }
      if (n === 0) await sleep(10);
    }
    assert.equal(mine.length, 3);
    mine.forEach((d, i) => {
      assert.deepEqual([...d.subarray(0, 4)], [0x30, 0x00, 0x65, 0x58]);
      assert.equal((d[8] << 24) | (d[9] << 16) | (d[10] << 8) | d[11], i); // sequence
      assert.deepEqual(d.subarray(12), frames[i]);
    });
  } finally {
    await conn.close();
    addon.close(rxFd);
  }
});
