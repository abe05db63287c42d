import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TunnelKind } from '../../../src/core/layers.js';
import { formatIPv4, formatIPv6 } from '../../../src/core/ip.js';
import { concat, decodeBytes, eth, events, fiveTuple, ipv4, ipv6 } from '../_support/bytes.js';
import { ipipFrame, ipv4Tcp, sixInFourFrame } from '../_support/frames.js';

test('IPv4-in-IPv4: inner 5-tuple, IPIP tunnel entry with the outer header offset', () => {
  const p = decodeBytes(ipipFrame(), 1, 5);
  assert.equal(fiveTuple(p), '6 10.4.0.5:2000 > 10.4.0.6:8080');
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.IPIP);
  assert.equal(p.tunnelId[0], 0);
  assert.equal(p.tunnelOuterL3Off[0], 5 + 14);
  assert.equal(p.tunnelOuterIpVersion[0], 4);
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 12), '192.0.2.1');
  assert.equal(p.tunnelHdrOff[0], 5 + 34);
  assert.equal(p.tunnelHdrLen[0], 0);
  assert.equal(p.l3Off, 5 + 34);
  assert.equal(p.eventCount, 0);
});

test('IPv6-in-IPv4 (proto 41) and IPv4-in-IPv6 (proto 4)', () => {
  const p = decodeBytes(sixInFourFrame());
  assert.equal(fiveTuple(p), '17 2001:db8:3::5:5353 > 2001:db8:3::6:53');
  assert.equal(p.tunnelKind[0], TunnelKind.IPIP);
  const inner = ipv4Tcp('10.6.0.1', '10.6.0.2');
  const q = decodeBytes(concat(eth(0x86dd), ipv6({ src: '2001:db8::7', dst: '2001:db8::8', nextHeader: 4, payloadLen: inner.length }), inner));
  assert.equal(fiveTuple(q), '6 10.6.0.1:40000 > 10.6.0.2:80');
  assert.equal(q.tunnelOuterIpVersion[0], 6);
  assert.equal(formatIPv6(q.buf, q.tunnelOuterL3Off[0] + 24), '2001:db8::8');
});

test('a fragmented outer IP-in-IP packet is not decapsulated', () => {
  const inner = ipv4Tcp();
  const p = decodeBytes(concat(eth(0x0800), ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 4, payloadLen: inner.length, flagsFrag: 0x2000 }), inner));
  assert.deepEqual(events(p), ['decoder.tunnel.fragmented']);
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.ipProto, 4);
  assert.equal(p.payloadLen, inner.length);
});
