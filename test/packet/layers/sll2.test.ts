import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { sll2Decoder } from '../../../src/packet/layers/sll2.js';
import { decodeBytes, fiveTuple } from '../_support/bytes.js';
import { sll2Ipv6Udp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('Linux cooked v2 (276): protocol field picks IPv6', () => {
  const p = decodeBytes(sll2Ipv6Udp(), 276, 4);
  assert.equal(p.ethType, 0x86dd);
  assert.equal(p.l3Off, 4 + 20);
  assert.equal(p.ipVersion, 6);
  assert.equal(fiveTuple(p), '17 2001:db8::1:5353 > 2001:db8::2:53');
  assert.equal(p.eventCount, 0);
});

test('sll2: every truncation never throws; short headers record decoder.sll2.truncated', () => {
  truncationSweep(sll2Decoder, sll2Ipv6Udp(), 20, Ev.SLL2_TRUNCATED);
});
