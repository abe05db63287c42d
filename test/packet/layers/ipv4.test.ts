import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { ipv4Decoder } from '../../../src/packet/layers/ipv4.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv4, srcIP, dstIP } from '../_support/bytes.js';
import { ethIpv4FirstFragment, ethIpv4LaterFragment, ethIpv4OptionsUdp, ipv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';

test('IPv4 header fields, addresses at absolute offsets', () => {
  const p = decodeBytes(concat(eth(0x0800), ipv4Tcp()), 1, 50);
  assert.equal(p.ipVersion, 4);
  assert.equal(p.l3Off, 64);
  assert.equal(p.l3HdrLen, 20);
  assert.equal(p.ipLen, 20 + 20 + 18);
  assert.equal(p.srcAddrOff, 76);
  assert.equal(p.dstAddrOff, 80);
  assert.equal(srcIP(p), '10.0.0.1');
  assert.equal(dstIP(p), '10.0.0.2');
  assert.equal(p.ttl, 63);
  assert.equal(p.tos, 0x10);
  assert.equal(p.ipProto, 6);
  assert.equal(p.ipId, 0x1234);
  assert.equal(p.isFragment, false);
  assert.equal(p.l4Off, 84);
});

test('IPv4 options are skipped by IHL', () => {
  const p = decodeBytes(ethIpv4OptionsUdp());
  assert.equal(p.l3HdrLen, 28);
  assert.equal(p.l4Off, 14 + 28);
  assert.equal(fiveTuple(p), '17 192.168.1.1:1234 > 224.0.0.22:5678');
  assert.equal(p.payloadLen, 4);
  assert.equal(p.eventCount, 0);
});

test('first fragment: fragment fields set and L4 decoded', () => {
  const p = decodeBytes(ethIpv4FirstFragment());
  assert.equal(p.isFragment, true);
  assert.equal(p.moreFragments, true);
  assert.equal(p.fragOffset, 0);
  assert.equal(p.ipId, 0x4242);
  assert.equal(fiveTuple(p), '17 10.9.0.1:3000 > 10.9.0.2:4000');
  assert.equal(p.payloadLen, 16);
  assert.equal(p.eventCount, 0, 'a UDP length past the first fragment is expected');
});

test('non-first fragment: offset in bytes, ipProto set, no L4, payload is the fragment data', () => {
  const p = decodeBytes(ethIpv4LaterFragment());
  assert.equal(p.isFragment, true);
  assert.equal(p.moreFragments, false);
  assert.equal(p.fragOffset, 24);
  assert.equal(p.ipProto, 17);
  assert.equal(p.l4Off, -1);
  assert.equal(p.srcPort, 0);
  assert.equal(p.payloadOff, 14 + 20);
  assert.equal(p.payloadLen, 84);
});

test('unknown upper protocol (ESP): payload marked, no L4', () => {
  const p = decodeBytes(concat(eth(0x0800), ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 50, payloadLen: 12 }), new Uint8Array(12)));
  assert.equal(p.ipProto, 50);
  assert.equal(p.l4Off, -1);
  assert.equal(p.payloadLen, 12);
  assert.equal(p.eventCount, 0);
});

test('malformed headers record named events and stop', () => {
  const good = ipv4Tcp();
  const badVersion = good.slice();
  badVersion[0] = 0x55;
  assert.deepEqual(events(decodeBytes(badVersion, 228)), ['decoder.ipv4.bad_version']);
  const smallIhl = good.slice();
  smallIhl[0] = 0x44;
  assert.deepEqual(events(decodeBytes(smallIhl, 228)), ['decoder.ipv4.hlen_too_small']);
  const bigIhl = good.slice(0, 40);
  bigIhl[0] = 0x4f; // 60-byte header, 40 bytes present
  assert.deepEqual(events(decodeBytes(bigIhl, 228)), ['decoder.ipv4.truncated']);
  const shortTotal = good.slice();
  shortTotal[2] = 0;
  shortTotal[3] = 19;
  const p = decodeBytes(shortTotal, 228);
  assert.deepEqual(events(p), ['decoder.ipv4.len_too_small']);
  assert.equal(p.ipVersion, 0);
});

test('total length 0 (segmentation offload on the capturing host) means the captured length', () => {
  const pkt = ipv4Tcp();
  pkt[2] = 0;
  pkt[3] = 0;
  const p = decodeBytes(pkt, 228);
  assert.equal(p.eventCount, 0);
  assert.equal(p.ipLen, pkt.length);
  assert.equal(p.payloadLen, 18);
});

test('total length past the frame: event when the capture was complete, none under a snap length', () => {
  const pkt = ipv4Tcp().slice(0, 45);
  const p = decodeBytes(pkt, 228);
  assert.deepEqual(events(p), ['decoder.ipv4.trunc_pkt']);
  assert.equal(p.payloadLen, 5);
  const q = new PacketView();
  decodeFrame(q, pkt, 0, pkt.length, 58, 0, 228);
  assert.equal(q.eventCount, 0);
  assert.equal(q.payloadLen, 5);
  assert.equal(q.ipLen, 58);
});

test('ipv4: every truncation never throws; short headers record decoder.ipv4.truncated', () => {
  truncationSweep(ipv4Decoder, ipv4Tcp(), 20, Ev.IPV4_TRUNCATED);
  truncationSweep(ipv4Decoder, ethIpv4OptionsUdp().subarray(14), 28, Ev.IPV4_TRUNCATED);
  assert.deepEqual(events(decodeBytes(hex('45000014'), 228)), ['decoder.ipv4.truncated']);
});
