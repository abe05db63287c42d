import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { sllDecoder } from '../../../src/packet/layers/sll.js';
import { concat, decodeBytes, events, fiveTuple, hex } from '../_support/bytes.js';
import { sllIpv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('Linux cooked v1 (113): protocol field picks IPv4', () => {
  const p = decodeBytes(sllIpv4Tcp(), 113, 9);
  assert.equal(p.ethType, 0x0800);
  assert.equal(p.l3Off, 9 + 16);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
  assert.equal(p.eventCount, 0);
});

test('SLL with a Linux pseudo-protocol (ETH_P_802_2) stops with decoder.sll.llc_unsupported', () => {
  const p = decodeBytes(concat(hex('0000 0001 0006 020000000a0a 0000 0004'), hex('424203')), 113);
  assert.deepEqual(events(p), ['decoder.sll.llc_unsupported']);
});

test('sll: every truncation never throws; short headers record decoder.sll.truncated', () => {
  truncationSweep(sllDecoder, sllIpv4Tcp(), 16, Ev.SLL_TRUNCATED);
});
