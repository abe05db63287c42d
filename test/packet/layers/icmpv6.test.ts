import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { icmpv6Decoder } from '../../../src/packet/layers/icmpv6.js';
import { decodeBytes, payloadText } from '../_support/bytes.js';
import { ethIcmpv6Echo } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('ICMPv6 echo request: type, code, payload after id/seq', () => {
  const p = decodeBytes(ethIcmpv6Echo());
  assert.equal(p.ipProto, 58);
  assert.equal(p.l4Off, 54);
  assert.equal(p.icmpType, 128);
  assert.equal(p.icmpCode, 0);
  assert.equal(payloadText(p), 'ping');
  assert.equal(p.eventCount, 0);
});

test('icmpv6: every truncation never throws; short headers record decoder.icmpv6.truncated', () => {
  truncationSweep(icmpv6Decoder, ethIcmpv6Echo().subarray(54), 8, Ev.ICMPV6_TRUNCATED);
});
