import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Layer } from '../../../src/core/layers.js';
import { Ev } from '../../../src/packet/events.js';
import { ethernetDecoder } from '../../../src/packet/layers/ethernet.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, u16 } from '../_support/bytes.js';
import { ethIpv4Tcp, ipv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('ethernet II carrying IPv4/TCP: ethType and the inner layers, at absolute offsets', () => {
  const p = decodeBytes(ethIpv4Tcp(), 1, 100);
  assert.equal(p.ethType, 0x0800);
  assert.equal(p.l3Off, 114);
  assert.equal(p.ipVersion, 4);
  assert.equal(fiveTuple(p), '6 10.0.0.1:40000 > 10.0.0.2:80');
  assert.equal(p.eventCount, 0);
});

test('ethernet padding after a short IP packet is never payload', () => {
  // a 40-byte IPv4/TCP packet (no payload) padded to the 60-byte Ethernet minimum
  const hdr = ipv4Tcp().slice(0, 40);
  hdr[2] = 0;
  hdr[3] = 40;
  const padded = concat(eth(0x0800), hdr, new Uint8Array(6).fill(0xaa));
  const p = decodeBytes(padded);
  assert.equal(p.ipLen, 40);
  assert.equal(p.payloadLen, 0);
  assert.equal(p.eventCount, 0);
});

test('an 802.3 length field stops with decoder.ethernet.llc_unsupported', () => {
  const p = decodeBytes(concat(eth(46), hex('aaaa03 000000 0800'), new Uint8Array(38)));
  assert.deepEqual(events(p), ['decoder.ethernet.llc_unsupported']);
  assert.equal(p.ethType, 46);
  assert.equal(p.ipVersion, 0);
});

test('an EtherType we do not decode (ARP) stops quietly', () => {
  const p = decodeBytes(concat(eth(0x0806), new Uint8Array(28)));
  assert.equal(p.ethType, 0x0806);
  assert.equal(p.ipVersion, 0);
  assert.equal(p.eventCount, 0);
});

test('ethernet decoder returns the next layer and cursor', () => {
  const b = concat(eth(0x86dd), u16(0));
  const p = decodeBytes(new Uint8Array(0), 1);
  p.reset(b, 0, b.length, b.length, 0, 1);
  assert.equal(ethernetDecoder.decode(p, 0, b.length), Layer.IPV6);
  assert.equal(p.nextOff, 14);
  assert.equal(p.nextEnd, 16);
});

test('ethernet: every truncation never throws; short headers record decoder.ethernet.truncated', () => {
  truncationSweep(ethernetDecoder, ethIpv4Tcp(), 14, Ev.ETHERNET_TRUNCATED);
});
