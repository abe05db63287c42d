// Untrusted frames: random and mutated bytes through decode + mirror must never throw, and every copy
// stays inside its slot with a well-formed tunnel header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { MirrorSet } from '../../../src/actions/mirror/mirror-set.js';
import { CaptureTransport } from './_support/wire.js';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('fuzz: mutated tunnel frames and random bytes never throw; copies are well formed', () => {
  const rnd = prng(1234);
  const seeds = [
    buildFrame({ ip: { src: '192.0.2.7', dst: '192.0.2.1' }, vxlan: { vni: 10 }, inner: { ip: { src: '10.128.0.7', dst: '203.0.113.5' }, tcp: { sport: 1, dport: 2 }, payload: 'abc' } }),
    buildFrame({ ip: { src: '192.0.2.7', dst: '192.0.2.1' }, gre: { protocol: 0x6558, key: 5 }, inner: { ip: { src: '10.128.0.7', dst: '203.0.113.5' }, udp: { sport: 1, dport: 2 }, payload: 'abc' } }),
    buildFrame({ ip: { src: '192.0.2.7', dst: '192.0.2.1' }, geneve: { vni: 3 }, inner: { ip: { src: 'fd00::7', dst: '2001:db8::5' }, udp: { sport: 1, dport: 2 }, payload: 'abc' } }),
    buildFrame({ ip: { src: '192.0.2.7', dst: '192.0.2.1' }, gtpu: { teid: 3 }, inner: { ip: { src: '10.128.0.7', dst: '203.0.113.5' }, icmp: { type: 8 }, payload: 'abc' } }),
  ];
  const set = MirrorSet.fromConfig({
    peers: [
      { address: '192.0.2.50', protocol: 'gre', key: 1, sequence: true },
      { address: '192.0.2.51', protocol: 'vxlan', vni: 2, truncate: 64 },
    ],
    queue: { slots: 64, slotBytes: 256 },
  });
  const ts = set.peers.map((p) => (p.transport = new CaptureTransport()));
  const p = new PacketView();
  const meta = { uplink: true, group: undefined, app: 'Unknown' };
  let mirrored = 0;
  for (let i = 0; i < 20_000; i++) {
    let f: Uint8Array;
    if (i % 4 === 3) f = Uint8Array.from({ length: Math.floor(rnd() * 120) }, () => Math.floor(rnd() * 256));
    else {
      f = seeds[i % seeds.length].slice(0, 1 + Math.floor(rnd() * seeds[i % seeds.length].length));
      for (let k = Math.floor(rnd() * 4); k > 0; k--) f[Math.floor(rnd() * f.length)] = Math.floor(rnd() * 256);
    }
    const link = i % 8 === 7 ? LinkType.RAW : LinkType.ETHERNET;
    decodeFrame(p, f, 0, f.length, f.length, 0, link);
    mirrored += set.mirror(p, meta);
    if ((i & 31) === 31) set.drain();
  }
  set.drain();
  assert.ok(mirrored > 1000, `only ${mirrored} copies`);
  for (const d of ts[0].datagrams) {
    assert.ok(d.length >= 12 + 1 && d.length <= 256);
    assert.deepEqual([...d.subarray(0, 4)], [0x30, 0, 0x65, 0x58]);
  }
  for (const d of ts[1].datagrams) {
    assert.ok(d.length > 8 && d.length <= 8 + 64);
    assert.equal(d[0], 0x08);
  }
  const s = set.stats();
  assert.equal(s[0].sent, ts[0].datagrams.length);
  assert.equal(s[0].sent + s[0].dropped, s[1].sent + s[1].dropped);
});
