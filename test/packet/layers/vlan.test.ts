import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { vlanDecoder } from '../../../src/packet/layers/vlan.js';
import { concat, decodeBytes, eth, events, fiveTuple, vlanTag } from '../_support/bytes.js';
import { ipv4Tcp, qinqIpv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('802.1Q: the VLAN id without priority bits, inner EtherType', () => {
  const p = decodeBytes(concat(eth(0x8100), vlanTag(0xa00a, 0x0800), ipv4Tcp()));
  assert.equal(p.vlanCount, 1);
  assert.equal(p.vlanIds[0], 10);
  assert.equal(p.ethType, 0x0800);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
});

test('QinQ (802.1ad outer, 802.1Q inner): both ids, outermost first', () => {
  const p = decodeBytes(qinqIpv4Tcp());
  assert.equal(p.vlanCount, 2);
  assert.deepEqual(Array.from(p.vlanIds), [100, 200]);
  assert.equal(p.l3Off, 22);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
});

test('0x9100 tags and a third tag: all counted, the first two recorded', () => {
  const p = decodeBytes(concat(eth(0x9100), vlanTag(1, 0x8100), vlanTag(2, 0x8100), vlanTag(3, 0x0800), ipv4Tcp()));
  assert.equal(p.vlanCount, 3);
  assert.deepEqual(Array.from(p.vlanIds), [1, 2]);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.eventCount, 0);
});

test('an absurd tag stack stops with decoder.vlan.too_many', () => {
  const tags = Array.from({ length: 12 }, (_, i) => vlanTag(i, 0x8100));
  const p = decodeBytes(concat(eth(0x8100), ...tags, ipv4Tcp()));
  assert.deepEqual(events(p), ['decoder.vlan.too_many']);
  assert.equal(p.vlanCount, 8);
  assert.equal(p.ipVersion, 0);
});

test('vlan: every truncation never throws; short tags record decoder.vlan.truncated', () => {
  truncationSweep(vlanDecoder, concat(vlanTag(5, 0x0800), ipv4Tcp()), 4, Ev.VLAN_TRUNCATED);
  const p = decodeBytes(concat(eth(0x8100), vlanTag(5, 0x0800)).subarray(0, 16));
  assert.deepEqual(events(p), ['decoder.vlan.truncated']);
});
