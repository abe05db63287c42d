// Outer + tunnel + inner round trips: decode must find the inner 5-tuple and the tunnel stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../../src/core/packet-view.js';
import { formatIP } from '../../../src/core/ip.js';
import { IpProto, LinkType, TunnelKind } from '../../../src/core/layers.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame, type FrameSpec } from '../../../src/packet/build/compose.js';
import { GreProto, greHeaderLen, writeGre } from '../../../src/packet/build/gre.js';
import { geneveHeaderLen, writeGeneve } from '../../../src/packet/build/geneve.js';
import { GtpuExt, pduSessionContainerUl, writeGtpu } from '../../../src/packet/build/gtpu.js';
import { writeVxlan } from '../../../src/packet/build/vxlan.js';
import { internetChecksum } from '../../../src/packet/build/checksum.js';
import { ipv4HeaderOk, l4ChecksumOk } from './verify.js';

const INNER: FrameSpec = {
  eth: { src: '02:00:0a:80:00:02', dst: '02:fe:00:00:00:01' },
  ip: { src: '10.128.0.2', dst: '203.0.113.10' },
  tcp: { sport: 41000, dport: 1883, seq: 1000, ack: 2000, flags: 'PA' },
  payload: 'inner-data',
};
const OUTER = { src: '192.0.2.1', dst: '192.0.2.2' };

function decode(frame: Uint8Array): PacketView {
  const p = new PacketView();
  decodeFrame(p, frame, 0, frame.length, frame.length, 0, LinkType.ETHERNET);
  return p;
}

function assertInner(p: PacketView): void {
  assert.equal(p.eventCount, 0, `decoder events: ${Array.from(p.events.subarray(0, p.eventCount)).join(',')}`);
  assert.equal(p.ipVersion, 4);
  assert.equal(formatIP(p.buf, p.srcAddrOff, 4), '10.128.0.2');
  assert.equal(formatIP(p.buf, p.dstAddrOff, 4), '203.0.113.10');
  assert.equal(p.ipProto, IpProto.TCP);
  assert.equal(p.srcPort, 41000);
  assert.equal(p.dstPort, 1883);
  assert.equal(p.tcpSeq, 1000);
  assert.equal(new TextDecoder().decode(p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen)), 'inner-data');
  assert.ok(ipv4HeaderOk(p.buf, p.l3Off), 'inner IPv4 checksum');
  assert.ok(l4ChecksumOk(p.buf, p.l3Off, p.l4Off, p.payloadOff + p.payloadLen - p.l4Off, IpProto.TCP), 'inner TCP checksum');
}

test('VXLAN: I flag, VNI, inner Ethernet frame', () => {
  const f = buildFrame({ ip: OUTER, vxlan: { vni: 0xabcdef }, inner: INNER });
  const p = decode(f);
  assertInner(p);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.VXLAN);
  assert.equal(p.tunnelId[0], 0xabcdef);
  assert.equal(p.tunnelDstPort[0], 4789);
  assert.equal(p.tunnelHdrLen[0], 8);
  assert.ok(ipv4HeaderOk(f, 14));
  assert.ok(l4ChecksumOk(f, 14, 34, f.length - 34, IpProto.UDP), 'outer UDP checksum');
  const b = new Uint8Array(8);
  assert.equal(writeVxlan(b, 0, 0x1000001), 8);
  assert.deepEqual([...b], [0x08, 0, 0, 0, 0, 0, 0x01, 0]);
});

test('GENEVE with TLV options (ethernet payload) and with an IPv4 payload', () => {
  const options = [
    { class: 0x0108, type: 0x01, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
    { class: 0x0108, type: 0x02, data: Uint8Array.of(9, 9, 9) }, // padded to 4
  ];
  assert.equal(geneveHeaderLen({ vni: 0, options }), 8 + 12 + 8);
  const f = buildFrame({ ip: OUTER, geneve: { vni: 4242, options }, inner: INNER });
  const p = decode(f);
  assertInner(p);
  assert.equal(p.tunnelKind[0], TunnelKind.GENEVE);
  assert.equal(p.tunnelId[0], 4242);
  assert.equal(p.tunnelDstPort[0], 6081);
  assert.equal(p.tunnelHdrLen[0], 28);
  const h = p.tunnelHdrOff[0];
  assert.equal(f[h] & 0x3f, 5, 'option length in 4-byte words');
  assert.deepEqual([...f.subarray(h + 8, h + 12)], [0x01, 0x08, 0x01, 2]);
  assert.deepEqual([...f.subarray(h + 24, h + 28)], [9, 9, 9, 0]);

  const g = buildFrame({ ip: OUTER, geneve: { vni: 7, protocol: 0x0800 }, inner: INNER });
  const q = decode(g);
  assertInner(q);
  assert.equal(q.tunnelId[0], 7);
  const b = new Uint8Array(16);
  assert.equal(writeGeneve(b, 0, { vni: 1, oam: true, critical: true }), 8);
  assert.equal(b[1], 0xc0);
  assert.equal((b[2] << 8) | b[3], 0x6558);
});

test('GRE: IPv4 payload with key and sequence; TEB with checksum', () => {
  const f = buildFrame({ ip: OUTER, gre: { key: 0xdeadbeef, seq: 5 }, inner: INNER });
  const p = decode(f);
  assertInner(p);
  assert.equal(p.tunnelKind[0], TunnelKind.GRE);
  assert.equal(p.tunnelId[0], 0xdeadbeef);
  assert.equal(p.tunnelHdrLen[0], 12);
  const h = p.tunnelHdrOff[0];
  assert.equal((f[h] << 8) | f[h + 1], 0x3000);
  assert.equal((f[h + 2] << 8) | f[h + 3], GreProto.IPV4);

  const g = buildFrame({ ip: OUTER, gre: { protocol: GreProto.TEB, checksum: true }, inner: INNER });
  const q = decode(g);
  assertInner(q);
  assert.equal(q.tunnelId[0], 0, 'no key');
  assert.equal(internetChecksum(g, q.tunnelHdrOff[0], g.length - q.tunnelHdrOff[0]), 0, 'GRE checksum verifies');
  const b = new Uint8Array(16);
  assert.equal(writeGre(b, 0, { protocol: 0x0800 }), 4);
  assert.equal(greHeaderLen({ protocol: 0, checksum: true, key: 1, seq: 1 }), 16);
});

test('GTP-U: TEID, plain and with a PDU session container extension header', () => {
  const f = buildFrame({ ip: OUTER, gtpu: { teid: 0x01020304 }, inner: INNER });
  const p = decode(f);
  assertInner(p);
  assert.equal(p.tunnelKind[0], TunnelKind.GTPU);
  assert.equal(p.tunnelId[0], 0x01020304);
  assert.equal(p.tunnelDstPort[0], 2152);

  const ext = [{ type: GtpuExt.PDU_SESSION_CONTAINER, content: pduSessionContainerUl(9) }];
  const g = buildFrame({ ip: OUTER, gtpu: { teid: 77, seq: 3, extensions: ext }, inner: INNER });
  const q = decode(g);
  assertInner(q);
  assert.equal(q.tunnelId[0], 77);
  assert.equal(q.tunnelHdrLen[0], 16);
  const h = q.tunnelHdrOff[0];
  assert.equal(g[h], 0x36, 'version 1, PT, E and S flags');
  assert.equal((g[h + 2] << 8) | g[h + 3], g.length - h - 8, 'length counts everything after the mandatory header');
  assert.deepEqual([...g.subarray(h + 11, h + 16)], [0x85, 1, 0x10, 9, 0]);

  const b = new Uint8Array(32);
  assert.equal(writeGtpu(b, 0, { teid: 1, npdu: 4 }, 100), 12);
  assert.equal(b[0], 0x31);
  assert.equal((b[2] << 8) | b[3], 104);
});

test('tunnels nest: VXLAN carrying GTP-U carrying the device packet', () => {
  const gtp: FrameSpec = { eth: {}, ip: { src: '192.0.2.10', dst: '192.0.2.20' }, gtpu: { teid: 99 }, inner: INNER };
  const f = buildFrame({ ip: OUTER, vxlan: { vni: 12 }, inner: gtp });
  const p = decode(f);
  assertInner(p);
  assert.equal(p.tunnelDepth, 2);
  assert.equal(p.tunnelKind[0], TunnelKind.VXLAN);
  assert.equal(p.tunnelKind[1], TunnelKind.GTPU);
  assert.equal(p.tunnelId[1], 99);
});
