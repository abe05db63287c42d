import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { icmpDecoder } from '../../../src/packet/layers/icmp.js';
import { decodeBytes, events, payloadText } from '../_support/bytes.js';
import { ethIcmpEcho } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('ICMP echo request: type, code, payload after the 8-byte header', () => {
  const p = decodeBytes(ethIcmpEcho());
  assert.equal(p.ipProto, 1);
  assert.equal(p.l4Off, 34);
  assert.equal(p.icmpType, 8);
  assert.equal(p.icmpCode, 0);
  assert.equal(p.payloadOff, 42);
  assert.equal(payloadText(p), 'abcdefgh');
  assert.equal(p.srcPort, 0);
  assert.equal(p.dstPort, 0);
});

test('icmp: every truncation never throws; short headers record decoder.icmp.truncated', () => {
  truncationSweep(icmpDecoder, ethIcmpEcho().subarray(34), 8, Ev.ICMP_TRUNCATED);
  const f = ethIcmpEcho().slice(0, 34 + 4);
  f[17] = 24; // IPv4 total length 20 + 4
  assert.deepEqual(events(decodeBytes(f)), ['decoder.icmp.truncated']);
});
