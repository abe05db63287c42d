import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType, TunnelKind } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { greCopyHeaderLen, GreProto, writeGre, writeVxlan } from '../../../src/actions/mirror/encap.js';
import { wrapGre, wrapVxlan } from './_support/wire.js';

const inner = buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, udp: { sport: 1000, dport: 53 }, payload: 'q' });

test('writeGre: RFC 2784/2890 header with key and sequence, then the inner bytes', () => {
  const out = new Uint8Array(200).fill(0xaa);
  const n = writeGre(out, 3, inner, 0, inner.length, { key: 0xdeadbeef, seq: 7, protocolType: GreProto.TEB });
  assert.equal(n, 12 + inner.length);
  assert.deepEqual([...out.subarray(3, 15)], [0x30, 0x00, 0x65, 0x58, 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 7]);
  assert.deepEqual(out.subarray(15, 15 + inner.length), inner);
  assert.equal(out[2], 0xaa); // nothing written before off
  assert.equal(greCopyHeaderLen({ protocolType: 0x6558 }), 4);
  assert.equal(writeGre(out, 0, inner, 0, inner.length, { protocolType: GreProto.TEB }), 4 + inner.length);
  assert.deepEqual([...out.subarray(0, 4)], [0x00, 0x00, 0x65, 0x58]);
  assert.equal(writeGre(out, 0, inner, 0, inner.length, { key: 0, protocolType: GreProto.TEB }), 8 + inner.length); // key 0 is still a key
  assert.equal(out[0], 0x20);
});

test('writeVxlan: I flag, VNI, reserved zero, then the inner frame', () => {
  const out = new Uint8Array(200).fill(0xaa);
  const n = writeVxlan(out, 0, inner, 0, inner.length, 0xabcdef);
  assert.equal(n, 8 + inner.length);
  assert.deepEqual([...out.subarray(0, 8)], [0x08, 0, 0, 0, 0xab, 0xcd, 0xef, 0]);
  assert.deepEqual(out.subarray(8, n), inner);
});

test('encap: -1 (no write, no throw) when the copy does not fit or spans are bad', () => {
  const small = new Uint8Array(inner.length + 5).fill(0x11);
  assert.equal(writeGre(small, 0, inner, 0, inner.length, { key: 1, protocolType: GreProto.TEB }), -1);
  assert.equal(writeVxlan(small, 0, inner, 0, inner.length, 1), -1);
  assert.ok(small.every((b) => b === 0x11));
  assert.equal(writeVxlan(new Uint8Array(100), 0, inner, 10, inner.length, 1), -1);
  assert.equal(writeVxlan(new Uint8Array(100), -1, inner, 0, 4, 1), -1);
});

test('encap in place: inner already after the header is not copied, and stays intact', () => {
  const out = new Uint8Array(300);
  out.set(inner, 12);
  assert.equal(writeGre(out, 0, out, 12, inner.length, { key: 9, seq: 1, protocolType: GreProto.TEB }), 12 + inner.length);
  assert.deepEqual(out.subarray(12, 12 + inner.length), inner);
  // overlapping move: inner at the header position shifts right without corruption
  const o2 = new Uint8Array(300);
  o2.set(inner, 0);
  assert.equal(writeVxlan(o2, 0, o2, 0, inner.length, 5), 8 + inner.length);
  assert.deepEqual(o2.subarray(8, 8 + inner.length), inner);
});

test('our own decoders read the copies back (GRE key = session id, VXLAN VNI)', () => {
  const p = new PacketView();
  const d = new Uint8Array(200);
  const g = wrapGre(d.slice(0, writeGre(d, 0, inner, 0, inner.length, { key: 77, protocolType: GreProto.TEB })));
  decodeFrame(p, g, 0, g.length, g.length, 0, LinkType.ETHERNET);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.GRE);
  assert.equal(p.tunnelId[0], 77);
  assert.equal(p.dstPort, 53);
  const v = wrapVxlan(d.slice(0, writeVxlan(d, 0, inner, 0, inner.length, 4242)));
  decodeFrame(p, v, 0, v.length, v.length, 0, LinkType.ETHERNET);
  assert.equal(p.tunnelKind[0], TunnelKind.VXLAN);
  assert.equal(p.tunnelId[0], 4242);
  assert.equal(p.dstPort, 53);
});
