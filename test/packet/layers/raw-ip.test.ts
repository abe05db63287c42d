import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { rawIpDecoder } from '../../../src/packet/layers/raw-ip.js';
import { decodeBytes, events, fiveTuple, hex } from '../_support/bytes.js';
import { ipv4Tcp, ipv6Udp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('raw IP link types 101 and 12 pick the version from the first nibble', () => {
  for (const lt of [101, 12]) {
    assert.equal(fiveTuple(decodeBytes(ipv4Tcp(), lt)), '6 10.0.0.1:40000 > 10.0.0.2:80');
    assert.equal(fiveTuple(decodeBytes(ipv6Udp(), lt)), '17 2001:db8::1:5353 > 2001:db8::2:53');
  }
});

test('link types 228 (IPv4) and 229 (IPv6) go straight to the IP decoder', () => {
  const p4 = decodeBytes(ipv4Tcp(), 228, 2);
  assert.equal(p4.l3Off, 2);
  assert.equal(p4.ipVersion, 4);
  const p6 = decodeBytes(ipv6Udp(), 229);
  assert.equal(p6.ipVersion, 6);
  // the wrong family for the link type is a bad version, not a silent misdecode
  assert.deepEqual(events(decodeBytes(ipv6Udp(), 228)), ['decoder.ipv4.bad_version']);
});

test('an unknown version nibble records decoder.raw.bad_version', () => {
  const p = decodeBytes(hex('50 00 00 14'), 101);
  assert.deepEqual(events(p), ['decoder.raw.bad_version']);
});

test('raw: an empty frame records decoder.raw.truncated', () => {
  truncationSweep(rawIpDecoder, ipv4Tcp(), 1, Ev.RAW_TRUNCATED);
  assert.deepEqual(events(decodeBytes(new Uint8Array(0), 101)), ['decoder.raw.truncated']);
});
