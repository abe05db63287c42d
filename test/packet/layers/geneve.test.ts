import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TunnelKind } from '../../../src/core/layers.js';
import { formatIPv4 } from '../../../src/core/ip.js';
import { Ev } from '../../../src/packet/events.js';
import { geneveDecoder } from '../../../src/packet/layers/geneve.js';
import { concat, decodeBytes, events, fiveTuple, hex } from '../_support/bytes.js';
import { geneveFrame, geneveIpv6Frame, ipv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('GENEVE with options: inner 5-tuple, VNI, options reachable through the tunnel header range', () => {
  const p = decodeBytes(geneveFrame(), 1, 7);
  assert.equal(fiveTuple(p), '6 10.2.0.5:33000 > 10.2.0.6:443');
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.GENEVE);
  assert.equal(p.tunnelId[0], 0xabcdef);
  assert.equal(p.tunnelOuterL3Off[0], 7 + 14);
  assert.equal(formatIPv4(p.buf, p.tunnelOuterL3Off[0] + 12), '192.0.2.1');
  assert.equal(p.tunnelHdrOff[0], 7 + 42);
  assert.equal(p.tunnelHdrLen[0], 8 + 12);
  const opts = p.buf.subarray(p.tunnelHdrOff[0] + 8, p.tunnelHdrOff[0] + p.tunnelHdrLen[0]);
  assert.deepEqual(Array.from(opts), Array.from(hex('0108 01 01 00000001 0109 02 00')));
  assert.equal(p.tunnelSrcPort[0], 6081);
  assert.equal(p.tunnelDstPort[0], 6081);
  assert.equal(p.ethType, 0x0800, 'inner Ethernet decoded');
  assert.equal(p.eventCount, 0);
});

test('GENEVE carrying IPv6 directly', () => {
  const p = decodeBytes(geneveIpv6Frame());
  assert.equal(fiveTuple(p), '17 2001:db8:1::5:5353 > 2001:db8:1::6:53');
  assert.equal(p.tunnelId[0], 7);
  assert.equal(p.tunnelHdrLen[0], 8);
});

test('GENEVE decoder: bad version, unknown protocol, options past the end', () => {
  const cases: [string, string][] = [
    ['40 00 0800 00000100', 'decoder.geneve.bad_version'],
    ['00 00 88cc 00000100', 'decoder.geneve.unknown_proto'],
    ['1f 00 0800 00000100', 'decoder.geneve.truncated'],
  ];
  for (const [h, ev] of cases) {
    const b = concat(hex(h), ipv4Tcp());
    const p = decodeBytes(new Uint8Array(0));
    p.reset(b, 0, b.length, b.length, 0, 1);
    geneveDecoder.decode(p, 0, b.length);
    assert.deepEqual(events(p), [ev], h);
    assert.equal(p.tunnelDepth, 0);
  }
});

test('geneve: every truncation never throws; short headers record decoder.geneve.truncated', () => {
  truncationSweep(geneveDecoder, geneveFrame().subarray(42), 8, Ev.GENEVE_TRUNCATED);
});
