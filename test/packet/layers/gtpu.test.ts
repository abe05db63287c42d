import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TunnelKind } from '../../../src/core/layers.js';
import { formatIPv4 } from '../../../src/core/ip.js';
import { Ev } from '../../../src/packet/events.js';
import { gtpuDecoder } from '../../../src/packet/layers/gtpu.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv4, u16, u32, udp } from '../_support/bytes.js';
import { gtpuFrame, ipv4Tcp, ipv6Udp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

function gtp(flags: number, type: number, teid: number, body: Uint8Array): Uint8Array {
  const g = concat(Uint8Array.of(flags, type), u16(body.length), u32(teid), body);
  const u = udp(2152, 2152, g.length);
  return concat(eth(0x0800), ipv4({ src: '198.51.100.1', dst: '198.51.100.2', proto: 17, payloadLen: u.length + g.length }), u, g);
}

test('GTP-U G-PDU with a PDU session container extension: inner 5-tuple, TEID, full header length', () => {
  const p = decodeBytes(gtpuFrame(), 1, 11);
  assert.equal(fiveTuple(p), '6 100.64.0.7:50000 > 93.184.216.34:443');
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.GTPU);
  assert.equal(p.tunnelId[0], 0x0badcafe);
  assert.equal(p.tunnelOuterL3Off[0], 11 + 14);
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 12), '192.0.2.1');
  assert.equal(p.tunnelHdrOff[0], 11 + 42);
  assert.equal(p.tunnelHdrLen[0], 8 + 4 + 4);
  assert.equal(p.tunnelDstPort[0], 2152);
  assert.equal(p.l3Off, 11 + 42 + 16);
  assert.equal(p.eventCount, 0);
});

test('GTP-U G-PDU without optional fields, carrying IPv6', () => {
  const p = decodeBytes(gtp(0x30, 0xff, 0xffffffff, ipv6Udp('2001:db8:9::1', '2001:db8:9::2')));
  assert.equal(fiveTuple(p), '17 2001:db8:9::1:5353 > 2001:db8:9::2:53');
  assert.equal(p.tunnelId[0], 0xffffffff);
  assert.equal(p.tunnelHdrLen[0], 8);
});

test('GTP-U with only the S flag: the next-extension byte is ignored', () => {
  const p = decodeBytes(gtp(0x32, 0xff, 5, concat(hex('0001 00 85'), ipv4Tcp())));
  assert.equal(p.tunnelHdrLen[0], 12);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.eventCount, 0);
});

test('GTP-U problems record named events', () => {
  const inner = ipv4Tcp();
  assert.deepEqual(events(decodeBytes(gtp(0x34, 0xff, 1, concat(hex('0000 00 85'), hex('00 0000 00'), inner)))), ['decoder.gtpu.ext_truncated']);
  assert.deepEqual(events(decodeBytes(gtp(0x34, 0xff, 1, concat(hex('0000 00 85'), hex('0f 0000 00'))))), ['decoder.gtpu.ext_truncated']);
  const loop = concat(hex('0000 00 85'), ...Array.from({ length: 10 }, () => hex('01 0000 85')), inner);
  assert.deepEqual(events(decodeBytes(gtp(0x34, 0xff, 1, loop))), ['decoder.gtpu.ext_too_many']);
  assert.deepEqual(events(decodeBytes(gtp(0x30, 0xff, 1, hex('00112233')))), ['decoder.gtpu.bad_inner']);
  assert.deepEqual(events(decodeBytes(gtp(0x30, 0xff, 1, new Uint8Array(0)))), ['decoder.gtpu.truncated']);
  // length field past the (complete) capture
  const f = gtp(0x30, 0xff, 1, inner);
  f[42 + 3] += 50;
  const p = decodeBytes(f);
  assert.ok(p.hasEvent(Ev.GTPU_LEN_INVALID));
  assert.equal(p.tunnelDepth, 1, 'what is present is still decoded');
});

test('GTP-U decoder rejects version 2 and GTP prime', () => {
  for (const flags of [0x48, 0x20]) {
    const b = concat(Uint8Array.of(flags, 0xff), u16(0), u32(1));
    const p = decodeBytes(new Uint8Array(0));
    p.reset(b, 0, b.length, b.length, 0, 1);
    gtpuDecoder.decode(p, 0, b.length);
    assert.deepEqual(events(p), ['decoder.gtpu.bad_version']);
  }
});

test('gtpu: every truncation never throws; short headers record decoder.gtpu.truncated', () => {
  truncationSweep(gtpuDecoder, gtpuFrame().subarray(42), 8, Ev.GTPU_TRUNCATED);
});
