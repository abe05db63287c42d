import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { ipv6Decoder } from '../../../src/packet/layers/ipv6.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv6, srcIP, dstIP, udp } from '../_support/bytes.js';
import { DNS_QUERY, ethIpv6ExtChainTcp, ethIpv6LaterFragment, ipv6Udp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('IPv6 fixed header fields', () => {
  const pkt = ipv6Udp();
  pkt[0] = 0x6b; // traffic class 0xb8
  pkt[1] = 0x80;
  const p = decodeBytes(concat(eth(0x86dd), pkt), 1, 3);
  assert.equal(p.ipVersion, 6);
  assert.equal(p.l3Off, 17);
  assert.equal(p.l3HdrLen, 40);
  assert.equal(p.ipLen, 40 + 8 + DNS_QUERY.length);
  assert.equal(p.tos, 0xb8);
  assert.equal(p.ttl, 17);
  assert.equal(p.srcAddrOff, 25);
  assert.equal(p.dstAddrOff, 41);
  assert.equal(srcIP(p), '2001:db8::1');
  assert.equal(dstIP(p), '2001:db8::2');
  assert.equal(fiveTuple(p), '17 2001:db8::1:5353 > 2001:db8::2:53');
  assert.equal(p.payloadLen, DNS_QUERY.length);
});

test('extension chain hop-by-hop → routing → dest opts → fragment (first) → TCP', () => {
  const p = decodeBytes(ethIpv6ExtChainTcp());
  assert.equal(p.l3HdrLen, 40 + 8 + 24 + 8 + 8);
  assert.equal(p.ipProto, 6);
  assert.equal(p.isFragment, true);
  assert.equal(p.fragOffset, 0);
  assert.equal(p.moreFragments, true);
  assert.equal(p.ipId, 0xdeadbeef);
  assert.equal(p.l4Off, 14 + 88);
  assert.equal(fiveTuple(p), '6 fe80::1:443 > ff02::1:2:51000');
  assert.equal(p.eventCount, 0);
});

test('non-first fragment: offset in bytes, 32-bit id, ipProto from the fragment header, no L4', () => {
  const p = decodeBytes(ethIpv6LaterFragment());
  assert.equal(p.isFragment, true);
  assert.equal(p.fragOffset, 1448);
  assert.equal(p.moreFragments, false);
  assert.equal(p.ipId, 77);
  assert.equal(p.ipProto, 17);
  assert.equal(p.l4Off, -1);
  assert.equal(p.payloadLen, 32);
  assert.equal(p.l3HdrLen, 48);
});

test('AH length counts 4-byte units (+2); mobility header is walked; no-next-header stops', () => {
  const u = udp(1, 2, 0);
  const ah = concat(hex('11 04 0000'), new Uint8Array(20)); // next UDP, (4+2)*4 = 24 bytes
  const p = decodeBytes(concat(ipv6({ src: '::1', dst: '::2', nextHeader: 51, payloadLen: 24 + 8 }), ah, u), 229);
  assert.equal(p.l3HdrLen, 64);
  assert.equal(fiveTuple(p), '17 ::1:1 > ::2:2');
  const mob = hex('3b00 0000 00000000'); // next 59, len 0
  const q = decodeBytes(concat(ipv6({ src: '::1', dst: '::2', nextHeader: 135, payloadLen: 8 }), mob), 229);
  assert.equal(q.ipProto, 59);
  assert.equal(q.l3HdrLen, 48);
  assert.equal(q.l4Off, -1);
  assert.equal(q.eventCount, 0);
});

test('too many extension headers and a truncated one record events', () => {
  const n = 12;
  const opts = Array.from({ length: n }, (_, i) => hex(i === n - 1 ? '1100 010400000000' : '3c00 010400000000'));
  const p = decodeBytes(concat(ipv6({ src: '::1', dst: '::2', nextHeader: 60, payloadLen: n * 8 }), ...opts), 229);
  assert.deepEqual(events(p), ['decoder.ipv6.ext_too_many']);
  assert.equal(p.ipProto, 60);
  // routing header claiming 24 bytes with only 8 present (inside the IPv6 payload length)
  const q = decodeBytes(concat(ipv6({ src: '::1', dst: '::2', nextHeader: 43, payloadLen: 8 }), hex('3c02 0000 00000000')), 229);
  assert.deepEqual(events(q), ['decoder.ipv6.ext_truncated']);
  assert.equal(q.l3HdrLen, 40);
});

test('bad version and payload length past the frame', () => {
  const bad = ipv6Udp();
  bad[0] = 0x40;
  assert.deepEqual(events(decodeBytes(bad, 229)), ['decoder.ipv6.bad_version']);
  const long = ipv6Udp();
  long[4] = 0x01; // payload length 256+30, only 30 bytes present
  const p = decodeBytes(long, 229);
  assert.deepEqual(events(p), ['decoder.ipv6.trunc_pkt']);
  assert.equal(p.dstPort, 53, 'what is present is still decoded');
});

test('ipv6: every truncation never throws; short headers record events', () => {
  truncationSweep(ipv6Decoder, ipv6Udp(), 40, Ev.IPV6_TRUNCATED);
  truncationSweep(ipv6Decoder, ethIpv6ExtChainTcp().subarray(14), 40, Ev.IPV6_TRUNCATED);
  const chain = ethIpv6ExtChainTcp().subarray(14);
  for (let n = 41; n < 40 + 48; n++) {
    // a capture cut inside the chain (payload length intact) is an ext_truncated
    const p = decodeBytes(chain.subarray(0, n), 229);
    assert.ok(p.hasEvent(Ev.IPV6_EXT_TRUNCATED), `cut at ${n}`);
  }
});
