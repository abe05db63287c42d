import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bacnetDissector, isBacnetIp } from '../../../src/classify/protocols/bacnet.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16 } from './dissector-harness.js';

function bvlc(fn: number, body: number[]): Uint8Array {
  return bytes([0x81, fn], u16(4 + body.length), body);
}
// Original-Broadcast-NPDU carrying Who-Is: NPDU version 1, control 0x20 (DNET present), DNET 0xFFFF, DLEN 0, hop 255, APDU unconfirmed Who-Is
const whoIs = bvlc(0x0b, [0x01, 0x20, 0xff, 0xff, 0x00, 0xff, 0x10, 0x08]);
// Forwarded-NPDU: 6-byte B/IP address, then NPDU version 1, control 0, APDU
const forwarded = bvlc(0x04, [192, 168, 1, 10, 0xba, 0xc0, 0x01, 0x00, 0x10, 0x08]);
const result = bvlc(0x00, [0x00, 0x00]);

test('BACnet/IP Who-Is broadcast matches with the BVLC function', () => {
  const r = runDissector(bacnetDissector, 'udp', 47808, 47808, [{ dir: 0, data: whoIs }]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.meta.extra?.bacnet_function, 'original-broadcast-npdu');
  assert.ok(isBacnetIp(forwarded));
  assert.ok(isBacnetIp(result));
});

test('BACnet/IP malformed: BVLC type, function, length, NPDU version', () => {
  const t = Uint8Array.from(whoIs);
  t[0] = 0x82;
  assert.equal(isBacnetIp(t), false);
  assert.equal(isBacnetIp(bvlc(0x0d, [1, 0])), false);
  assert.equal(isBacnetIp(bytes(whoIs, [0])), false);
  assert.equal(isBacnetIp(bvlc(0x0a, [0x02, 0x00, 0x10, 0x08])), false);
});

test('BACnet/IP truncated at every length never throws or matches', () => {
  assert.ok(!probeAllPrefixes(bacnetDissector, 'udp', 47808, 47808, whoIs).includes('match'));
});

test('BACnet/IP never matches random bytes', () => {
  assert.equal(fuzzMatches(bacnetDissector, 'udp', 47808, 47808, 13, 5000), 0);
});
