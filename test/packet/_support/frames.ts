// Valid sample frames, one per decoder path: the layer tests check their fields, and the truncation and
// mutation sweeps in decode.test.ts cut and corrupt them.
import { concat, eth, hex, ipv4, ipv6, tcp, udp, u16, u32, vlanTag, ascii } from './bytes.js';

export interface SampleFrame {
  name: string;
  linkType: number;
  bytes: Uint8Array;
}

export const HTTP_GET = ascii('GET / HTTP/1.1\r\n\r\n');
export const DNS_QUERY = hex('abcd 0100 0001 0000 0000 0000 04 74 65 73 74 00 0001 0001');

/** IPv4 10.0.0.1:40000 > 10.0.0.2:80 TCP PSH|ACK carrying HTTP_GET (no link header). */
export function ipv4Tcp(src = '10.0.0.1', dst = '10.0.0.2', sport = 40000, dport = 80): Uint8Array {
  const t = tcp({ sport, dport, seq: 0x01020304, ack: 0xa0b0c0d0, flags: 0x18, window: 502 });
  return concat(ipv4({ src, dst, proto: 6, payloadLen: t.length + HTTP_GET.length, ttl: 63, tos: 0x10 }), t, HTTP_GET);
}

/** IPv6 2001:db8::1:5353 > 2001:db8::2:53 UDP carrying DNS_QUERY (no link header). */
export function ipv6Udp(src = '2001:db8::1', dst = '2001:db8::2'): Uint8Array {
  const u = udp(5353, 53, DNS_QUERY.length);
  return concat(ipv6({ src, dst, nextHeader: 17, payloadLen: u.length + DNS_QUERY.length, hopLimit: 17 }), u, DNS_QUERY);
}

export function ethIpv4Tcp(): Uint8Array {
  return concat(eth(0x0800), ipv4Tcp());
}

export function qinqIpv4Tcp(): Uint8Array {
  return concat(eth(0x88a8), vlanTag(0x2064, 0x8100), vlanTag(0x00c8, 0x0800), ipv4Tcp());
}

/** Linux cooked v1: outgoing (4), ARPHRD_ETHER, 6-byte address. */
export function sllIpv4Tcp(): Uint8Array {
  return concat(hex('0004 0001 0006 020000000a0a 0000 0800'), ipv4Tcp());
}

/** Linux cooked v2: protocol, reserved, ifindex 3, ARPHRD_ETHER, host (0), 6-byte address. */
export function sll2Ipv6Udp(): Uint8Array {
  return concat(hex('86dd 0000 00000003 0001 00 06 020000000a0a 0000'), ipv6Udp());
}

export function nullLittleEndianIpv4(): Uint8Array {
  return concat(hex('02000000'), ipv4Tcp());
}

export function nullBigEndianIpv6(): Uint8Array {
  return concat(hex('0000001e'), ipv6Udp());
}

/** IPv4 with a 4-byte option (router alert) and a 4-byte NOP/EOL pad: IHL 7. */
export function ethIpv4OptionsUdp(): Uint8Array {
  const u = udp(1234, 5678, 4);
  return concat(
    eth(0x0800),
    ipv4({ src: '192.168.1.1', dst: '224.0.0.22', proto: 17, payloadLen: u.length + 4, options: hex('94040000 01010100') }),
    u,
    hex('deadbeef'),
  );
}

/** First fragment (MF, offset 0) of a UDP datagram: UDP length claims more than is here. */
export function ethIpv4FirstFragment(): Uint8Array {
  const u = concat(u16(3000), u16(4000), u16(8 + 100), u16(0));
  return concat(eth(0x0800), ipv4({ src: '10.9.0.1', dst: '10.9.0.2', proto: 17, payloadLen: 8 + 16, id: 0x4242, flagsFrag: 0x2000 }), u, new Uint8Array(16).fill(0x61));
}

/** Last fragment (offset 24 bytes = 3 units, no MF): no L4 header. */
export function ethIpv4LaterFragment(): Uint8Array {
  return concat(eth(0x0800), ipv4({ src: '10.9.0.1', dst: '10.9.0.2', proto: 17, payloadLen: 84, id: 0x4242, flagsFrag: 3 }), new Uint8Array(84).fill(0x62));
}

/** IPv6 hop-by-hop(8) → routing(24) → destination options(8) → fragment(8, first, MF) → TCP. */
export function ethIpv6ExtChainTcp(): Uint8Array {
  const t = tcp({ sport: 443, dport: 51000, flags: 0x10, seq: 7, ack: 9 });
  const hop = hex('2b00 010400000000'); // next 43, len 0, PadN
  const routing = concat(hex('3c02 0000 00000000'), new Uint8Array(16)); // next 60, len 2 (24 bytes), type 0
  const dest = hex('2c00 010400000000'); // next 44, len 0
  const frag = concat(hex('0600 0001'), u32(0xdeadbeef)); // next TCP, offset 0, M=1, id
  const ext = concat(hop, routing, dest, frag);
  return concat(eth(0x86dd), ipv6({ src: 'fe80::1', dst: 'ff02::1:2', nextHeader: 0, payloadLen: ext.length + t.length }), ext, t);
}

/** IPv6 non-first fragment: offset 1448 bytes, no M flag. */
export function ethIpv6LaterFragment(): Uint8Array {
  const frag = concat(hex('1100'), u16(1448), u32(77));
  return concat(eth(0x86dd), ipv6({ src: '2001:db8::a', dst: '2001:db8::b', nextHeader: 44, payloadLen: 8 + 32 }), frag, new Uint8Array(32).fill(7));
}

export function ethIcmpEcho(): Uint8Array {
  const icmp = hex('0800 0000 1234 0001 6162636465666768');
  return concat(eth(0x0800), ipv4({ src: '10.0.0.1', dst: '8.8.8.8', proto: 1, payloadLen: icmp.length }), icmp);
}

export function ethIcmpv6Echo(): Uint8Array {
  const icmp = hex('8000 0000 abcd 0007 70696e67');
  return concat(eth(0x86dd), ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 58, payloadLen: icmp.length }), icmp);
}

const OUTER_SRC = '192.0.2.1';
const OUTER_DST = '192.0.2.2';

/** Outer Ethernet/IPv4/UDP to `dport` around `inner`. */
function outerUdp(sport: number, dport: number, inner: Uint8Array): Uint8Array {
  const u = udp(sport, dport, inner.length);
  return concat(eth(0x0800), ipv4({ src: OUTER_SRC, dst: OUTER_DST, proto: 17, payloadLen: u.length + inner.length }), u, inner);
}

/** VXLAN VNI 0x123456 around Ethernet/IPv4/TCP 10.1.0.5:40000 > 10.1.0.6:80. */
export function vxlanFrame(): Uint8Array {
  const inner = concat(eth(0x0800), ipv4Tcp('10.1.0.5', '10.1.0.6'));
  return outerUdp(51234, 4789, concat(hex('08000000 12345600'), inner));
}

/** GENEVE VNI 0xabcdef, two option TLVs (8 + 4 bytes, opt len 3), inner Ethernet/IPv4/TCP. */
export function geneveFrame(): Uint8Array {
  const options = concat(hex('0108 01 01 00000001'), hex('0109 02 00')); // class 0x0108 type 1 len 1 word; class 0x0109 type 2 no data
  const hdr = concat(Uint8Array.of(0x03, 0x00), u16(0x6558), hex('abcdef00'));
  const inner = concat(eth(0x0800), ipv4Tcp('10.2.0.5', '10.2.0.6', 33000, 443));
  return outerUdp(6081, 6081, concat(hdr, options, inner));
}

/** GENEVE carrying IPv6 directly (protocol type 0x86dd), no options. */
export function geneveIpv6Frame(): Uint8Array {
  return outerUdp(40001, 6081, concat(hex('0000 86dd 00000700'), ipv6Udp('2001:db8:1::5', '2001:db8:1::6')));
}

/** GRE (K and S set) key 0x01020304, transparent Ethernet bridging, inner Ethernet/IPv4/TCP. */
export function greTebFrame(): Uint8Array {
  const gre = concat(hex('3000 6558'), u32(0x01020304), u32(99));
  const inner = concat(eth(0x0800), ipv4Tcp('10.3.0.5', '10.3.0.6', 1025, 22));
  return concat(eth(0x0800), ipv4({ src: OUTER_SRC, dst: OUTER_DST, proto: 47, payloadLen: gre.length + inner.length }), gre, inner);
}

/** GRE with checksum, no key, carrying IPv6/UDP over an IPv6 outer header. */
export function greIpv6Frame(): Uint8Array {
  const gre = concat(hex('8000 86dd'), hex('00000000'));
  const inner = ipv6Udp('2001:db8:2::5', '2001:db8:2::6');
  return concat(eth(0x86dd), ipv6({ src: '2001:db8::100', dst: '2001:db8::200', nextHeader: 47, payloadLen: gre.length + inner.length }), gre, inner);
}

/** GTP-U G-PDU, TEID 0x0badcafe, E flag with a PDU session container extension, inner IPv4/TCP. */
export function gtpuFrame(): Uint8Array {
  const inner = ipv4Tcp('100.64.0.7', '93.184.216.34', 50000, 443);
  const opt = hex('0000 00 85'); // seq 0, N-PDU 0, next extension 0x85 (PDU session container)
  const ext = hex('01 0009 00'); // length 1 (4 bytes), content, next type 0
  const body = concat(opt, ext, inner);
  const gtp = concat(Uint8Array.of(0x34, 0xff), u16(body.length), u32(0x0badcafe), body);
  return outerUdp(2152, 2152, gtp);
}

/** IPv4-in-IPv4: outer 192.0.2.1 > 192.0.2.2 proto 4, inner IPv4/TCP 10.4.0.5 > 10.4.0.6. */
export function ipipFrame(): Uint8Array {
  const inner = ipv4Tcp('10.4.0.5', '10.4.0.6', 2000, 8080);
  return concat(eth(0x0800), ipv4({ src: OUTER_SRC, dst: OUTER_DST, proto: 4, payloadLen: inner.length }), inner);
}

/** IPv6-in-IPv4 (6in4, proto 41). */
export function sixInFourFrame(): Uint8Array {
  const inner = ipv6Udp('2001:db8:3::5', '2001:db8:3::6');
  return concat(eth(0x0800), ipv4({ src: OUTER_SRC, dst: OUTER_DST, proto: 41, payloadLen: inner.length }), inner);
}

export const SAMPLE_FRAMES: readonly SampleFrame[] = [
  { name: 'eth/ipv4/tcp', linkType: 1, bytes: ethIpv4Tcp() },
  { name: 'qinq/ipv4/tcp', linkType: 1, bytes: qinqIpv4Tcp() },
  { name: 'sll/ipv4/tcp', linkType: 113, bytes: sllIpv4Tcp() },
  { name: 'sll2/ipv6/udp', linkType: 276, bytes: sll2Ipv6Udp() },
  { name: 'null-le/ipv4/tcp', linkType: 0, bytes: nullLittleEndianIpv4() },
  { name: 'loop-be/ipv6/udp', linkType: 108, bytes: nullBigEndianIpv6() },
  { name: 'raw/ipv4/tcp', linkType: 101, bytes: ipv4Tcp() },
  { name: 'raw12/ipv6/udp', linkType: 12, bytes: ipv6Udp() },
  { name: 'ipv4-lt/ipv4/tcp', linkType: 228, bytes: ipv4Tcp() },
  { name: 'ipv6-lt/ipv6/udp', linkType: 229, bytes: ipv6Udp() },
  { name: 'eth/ipv4+opts/udp', linkType: 1, bytes: ethIpv4OptionsUdp() },
  { name: 'eth/ipv4 first fragment', linkType: 1, bytes: ethIpv4FirstFragment() },
  { name: 'eth/ipv4 later fragment', linkType: 1, bytes: ethIpv4LaterFragment() },
  { name: 'eth/ipv6 ext chain/tcp', linkType: 1, bytes: ethIpv6ExtChainTcp() },
  { name: 'eth/ipv6 later fragment', linkType: 1, bytes: ethIpv6LaterFragment() },
  { name: 'eth/ipv4/icmp', linkType: 1, bytes: ethIcmpEcho() },
  { name: 'eth/ipv6/icmpv6', linkType: 1, bytes: ethIcmpv6Echo() },
  { name: 'vxlan', linkType: 1, bytes: vxlanFrame() },
  { name: 'geneve+options', linkType: 1, bytes: geneveFrame() },
  { name: 'geneve/ipv6', linkType: 1, bytes: geneveIpv6Frame() },
  { name: 'gre key+seq teb', linkType: 1, bytes: greTebFrame() },
  { name: 'gre csum ipv6', linkType: 1, bytes: greIpv6Frame() },
  { name: 'gtpu+ext', linkType: 1, bytes: gtpuFrame() },
  { name: 'ipip', linkType: 1, bytes: ipipFrame() },
  { name: '6in4', linkType: 1, bytes: sixInFourFrame() },
];
