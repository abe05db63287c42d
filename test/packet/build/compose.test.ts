// Encode → decode round trips for the plain L2-L4 writers (through compose) against packet/decode.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../../src/core/packet-view.js';
import { formatIP } from '../../../src/core/ip.js';
import { IpProto, LinkType } from '../../../src/core/layers.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame, buildIpPacket, parseTcpFlags } from '../../../src/packet/build/compose.js';
import { TcpFlag, synOptions } from '../../../src/packet/build/tcp.js';
import { writeIpv4, ipv4HeaderLen } from '../../../src/packet/build/ipv4.js';
import { writeEthernet, parseMac } from '../../../src/packet/build/ethernet.js';
import { internetChecksum } from '../../../src/packet/build/checksum.js';
import { ipv4HeaderOk, l4ChecksumOk } from './verify.js';

function decode(frame: Uint8Array, link: number = LinkType.ETHERNET): PacketView {
  const p = new PacketView();
  decodeFrame(p, frame, 0, frame.length, frame.length, 0, link);
  return p;
}

const text = (p: PacketView, s: number, n: number) => new TextDecoder().decode(p.buf.subarray(s, s + n));

test('ethernet + IPv4 + TCP with options and payload', () => {
  const f = buildFrame({
    eth: { src: '02:00:00:00:00:0a', dst: '02:00:00:00:00:0b' },
    ip: { src: '10.128.0.2', dst: '203.0.113.10', ttl: 61, id: 0x1234, df: true },
    tcp: { sport: 40000, dport: 1883, seq: 0xfffffff0, ack: 77, flags: 'PA', window: 1000, options: synOptions(1380, 7) },
    payload: 'hello',
  });
  const p = decode(f);
  assert.equal(p.eventCount, 0);
  assert.equal(p.ipVersion, 4);
  assert.equal(formatIP(p.buf, p.srcAddrOff, 4), '10.128.0.2');
  assert.equal(formatIP(p.buf, p.dstAddrOff, 4), '203.0.113.10');
  assert.equal(p.ttl, 61);
  assert.equal(p.ipId, 0x1234);
  assert.equal(p.ipProto, IpProto.TCP);
  assert.equal(p.srcPort, 40000);
  assert.equal(p.dstPort, 1883);
  assert.equal(p.tcpSeq >>> 0, 0xfffffff0);
  assert.equal(p.tcpAck, 77);
  assert.equal(p.tcpFlags, TcpFlag.PSH | TcpFlag.ACK);
  assert.equal(p.tcpWindow, 1000);
  assert.equal(p.payloadLen, 5);
  assert.equal(text(p, p.payloadOff, p.payloadLen), 'hello');
  assert.ok(ipv4HeaderOk(f, p.l3Off));
  assert.ok(l4ChecksumOk(f, p.l3Off, p.l4Off, f.length - p.l4Off, IpProto.TCP));
  assert.equal(f[p.l4Off + 12] >> 4, 8, 'data offset covers 12 option bytes');
});

test('802.1Q and QinQ tags', () => {
  const one = decode(buildFrame({ vlan: 100, ip: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { sport: 1, dport: 2 }, payload: 'x' }));
  assert.equal(one.vlanCount, 1);
  assert.equal(one.vlanIds[0], 100);
  assert.equal(one.dstPort, 2);
  const f = buildFrame({ vlan: [10, 20], qinq: true, ip: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { sport: 5, dport: 6 } });
  assert.equal((f[12] << 8) | f[13], 0x88a8);
  const two = decode(f);
  assert.equal(two.vlanCount, 2);
  assert.deepEqual([two.vlanIds[0], two.vlanIds[1]], [10, 20]);
  assert.equal(two.srcPort, 5);
});

test('IPv4 options are padded and checksummed', () => {
  const buf = new Uint8Array(64);
  const f = { src: 0x0a000001, dst: 0x0a000002, proto: 253, options: Uint8Array.of(0x94, 0x04, 0, 0, 0x01) };
  assert.equal(ipv4HeaderLen(f), 28);
  assert.equal(writeIpv4(buf, 4, f, 0), 28);
  assert.equal(buf[4], 0x47);
  assert.equal(internetChecksum(buf, 4, 28), 0);
  assert.equal(buf[4 + 25], 0, 'padding is EOL');
});

test('IPv6 + UDP always gets a checksum; IPv4 UDP can go without', () => {
  const f = buildFrame({ ip: { src: '2001:db8::1', dst: '2001:db8::53', ttl: 32, flowLabel: 0xabcde }, udp: { sport: 5353, dport: 53, checksum: false }, payload: 'q' });
  const p = decode(f);
  assert.equal(p.ipVersion, 6);
  assert.equal(formatIP(p.buf, p.dstAddrOff, 6), '2001:db8::53');
  assert.equal(p.ttl, 32);
  assert.equal(p.ipProto, IpProto.UDP);
  assert.equal(p.dstPort, 53);
  assert.equal(p.payloadLen, 1);
  assert.notEqual((f[p.l4Off + 6] << 8) | f[p.l4Off + 7], 0);
  assert.ok(l4ChecksumOk(f, p.l3Off, p.l4Off, f.length - p.l4Off, IpProto.UDP));
  const v4 = buildIpPacket({ ip: { src: '10.0.0.1', dst: '10.0.0.2' }, udp: { sport: 1, dport: 2, checksum: false } });
  assert.equal((v4[26] << 8) | v4[27], 0);
});

test('ICMP echo and ICMPv6 echo', () => {
  const f = buildFrame({ ip: { src: '10.0.0.1', dst: '10.0.0.2' }, icmp: { type: 8, id: 0x1234, seq: 7 }, payload: 'ping' });
  const p = decode(f);
  assert.equal(p.ipProto, IpProto.ICMP);
  assert.equal(p.icmpType, 8);
  assert.equal(p.icmpCode, 0);
  assert.equal(internetChecksum(f, p.l4Off, f.length - p.l4Off), 0);
  assert.equal((f[p.l4Off + 4] << 8) | f[p.l4Off + 5], 0x1234);
  const g = buildFrame({ ip: { src: 'fe80::1', dst: 'fe80::2' }, icmp: { type: 128, id: 1, seq: 2 }, payload: 'ping6' });
  const q = decode(g);
  assert.equal(q.ipProto, IpProto.ICMPV6);
  assert.equal(q.icmpType, 128);
  assert.ok(l4ChecksumOk(g, q.l3Off, q.l4Off, g.length - q.l4Off, IpProto.ICMPV6));
});

test('writers write at an offset inside a bigger buffer and return their length', () => {
  const buf = new Uint8Array(100).fill(0xee);
  const n = writeEthernet(buf, 30, { dst: parseMac('ff:ff:ff:ff:ff:ff'), src: parseMac('02:00:00:00:00:01'), etherType: 0x0800, vlans: [5] });
  assert.equal(n, 18);
  assert.equal(buf[29], 0xee);
  assert.equal(buf[48], 0xee);
  assert.equal((buf[42] << 8) | buf[43], 0x8100);
  assert.equal((buf[46] << 8) | buf[47], 0x0800);
});

test('TCP flag letters', () => {
  assert.equal(parseTcpFlags('SA'), TcpFlag.SYN | TcpFlag.ACK);
  assert.equal(parseTcpFlags('fa'), TcpFlag.FIN | TcpFlag.ACK);
  assert.throws(() => parseTcpFlags('X'));
});
