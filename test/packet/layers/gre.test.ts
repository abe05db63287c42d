import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TunnelKind } from '../../../src/core/layers.js';
import { formatIPv4, formatIPv6 } from '../../../src/core/ip.js';
import { Ev } from '../../../src/packet/events.js';
import { greDecoder } from '../../../src/packet/layers/gre.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv4 } from '../_support/bytes.js';
import { greIpv6Frame, greTebFrame, ipv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

function greFrame(gre: Uint8Array, inner: Uint8Array): Uint8Array {
  return concat(eth(0x0800), ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: 47, payloadLen: gre.length + inner.length }), gre, inner);
}

test('GRE with key and sequence, transparent Ethernet bridging: inner frame and tunnel stack', () => {
  const p = decodeBytes(greTebFrame());
  assert.equal(fiveTuple(p), '6 10.3.0.5:1025 > 10.3.0.6:22');
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.GRE);
  assert.equal(p.tunnelId[0], 0x01020304);
  assert.equal(p.tunnelOuterL3Off[0], 14);
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 16), '192.0.2.2');
  assert.equal(p.tunnelHdrOff[0], 34);
  assert.equal(p.tunnelHdrLen[0], 12);
  assert.equal(p.tunnelSrcPort[0], 0);
  assert.equal(p.l3Off, 34 + 12 + 14);
  assert.equal(p.eventCount, 0);
});

test('GRE with checksum over IPv6 carrying IPv6: key 0 when absent', () => {
  const p = decodeBytes(greIpv6Frame());
  assert.equal(fiveTuple(p), '17 2001:db8:2::5:5353 > 2001:db8:2::6:53');
  assert.equal(p.tunnelId[0], 0);
  assert.equal(p.tunnelHdrLen[0], 8);
  assert.equal(p.tunnelOuterIpVersion[0], 6);
  assert.equal(formatIPv6(p.buf, p.tunnelOuterL3Off[0] + 8), '2001:db8::100');
});

test('GRE carrying IPv4 directly', () => {
  const p = decodeBytes(greFrame(hex('0000 0800'), ipv4Tcp('10.5.0.1', '10.5.0.2')));
  assert.equal(fiveTuple(p), '6 10.5.0.1:40000 > 10.5.0.2:80');
  assert.equal(p.tunnelHdrLen[0], 4);
});

test('GRE with a payload type we do not open (ERSPAN) stays the outer packet, payload marked', () => {
  const p = decodeBytes(greFrame(hex('1000 88be 00000001'), new Uint8Array(30)));
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.ipProto, 47);
  assert.equal(p.l4Off, 34);
  assert.equal(p.payloadOff, 42);
  assert.equal(p.payloadLen, 30);
  assert.equal(p.eventCount, 0);
});

test('GRE version 1 (PPTP), other versions and source routing record events', () => {
  assert.deepEqual(events(decodeBytes(greFrame(hex('3081 880b 0010 0001 00000001'), new Uint8Array(16)))), ['decoder.gre.pptp_unsupported']);
  assert.deepEqual(events(decodeBytes(greFrame(hex('0002 0800'), ipv4Tcp()))), ['decoder.gre.bad_version']);
  assert.deepEqual(events(decodeBytes(greFrame(hex('4000 0800 00000000'), ipv4Tcp()))), ['decoder.gre.routing_unsupported']);
});

test('gre: every truncation never throws; short headers record decoder.gre.truncated', () => {
  truncationSweep(greDecoder, greTebFrame().subarray(34), 12, Ev.GRE_TRUNCATED);
});
