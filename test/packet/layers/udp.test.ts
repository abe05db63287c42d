import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { udpDecoder } from '../../../src/packet/layers/udp.js';
import { concat, decodeBytes, eth, events, fiveTuple, hex, ipv4, u16, u32, udp } from '../_support/bytes.js';
import { DNS_QUERY, ethIpv4Tcp, ipv6Udp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

function ipv4Udp(sport: number, dport: number, payload: Uint8Array, udpLen = 8 + payload.length): Uint8Array {
  const u = concat(u16(sport), u16(dport), u16(udpLen), u16(0));
  return concat(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: 17, payloadLen: 8 + payload.length }), u, payload);
}

test('UDP ports, length and payload', () => {
  const p = decodeBytes(ipv6Udp(), 229);
  assert.equal(p.l4Off, 40);
  assert.equal(p.srcPort, 5353);
  assert.equal(p.dstPort, 53);
  assert.equal(p.payloadOff, 48);
  assert.equal(p.payloadLen, DNS_QUERY.length);
  assert.equal(p.tunnelDepth, 0);
});

test('the UDP length bounds the payload', () => {
  const p = decodeBytes(ipv4Udp(1000, 2000, hex('0102030405'), 8 + 3), 228);
  assert.equal(p.payloadLen, 3);
  assert.equal(p.eventCount, 0);
});

test('a UDP length below 8, or past a complete capture, records decoder.udp.len_invalid', () => {
  const small = decodeBytes(ipv4Udp(1000, 2000, hex('0102'), 4), 228);
  assert.deepEqual(events(small), ['decoder.udp.len_invalid']);
  assert.equal(small.payloadLen, 2);
  const big = decodeBytes(ipv4Udp(1000, 2000, hex('0102'), 200), 228);
  assert.deepEqual(events(big), ['decoder.udp.len_invalid']);
  assert.equal(big.srcPort, 1000);
});

test('tunnel ports with payloads that are not that tunnel stay plain UDP', () => {
  for (const port of [4789, 6081, 2152]) {
    const p = decodeBytes(ipv4Udp(port, 33333, hex('474554202f20485454502f312e310d0a')), 228);
    assert.equal(p.tunnelDepth, 0, `port ${port}`);
    assert.equal(fiveTuple(p), `17 10.0.0.1:${port} > 10.0.0.2:33333`);
    assert.equal(p.eventCount, 0);
  }
});

test('the source port also selects the tunnel (return traffic)', () => {
  const vx = concat(hex('08000000 00002a00'), ethIpv4Tcp());
  const p = decodeBytes(ipv4Udp(4789, 50000, vx), 228);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelId[0], 42);
  assert.equal(p.tunnelSrcPort[0], 4789);
  assert.equal(p.tunnelDstPort[0], 50000);
});

test('GTP-U echo request on 2152 stops at the GTP header: the outer UDP packet is inspected', () => {
  const echo = concat(hex('32 01 0004'), u32(0), hex('0001 0000'));
  const p = decodeBytes(ipv4Udp(2152, 2152, echo), 228);
  assert.equal(p.tunnelDepth, 0);
  assert.equal(fiveTuple(p), '17 10.0.0.1:2152 > 10.0.0.2:2152');
  assert.equal(p.payloadLen, 12);
  assert.equal(p.eventCount, 0);
});

test('a fragmented outer UDP packet is not decapsulated', () => {
  const vx = concat(hex('08000000 00002a00'), ethIpv4Tcp());
  const u = udp(50000, 4789, vx.length + 100);
  const frame = concat(eth(0x0800), ipv4({ src: '1.1.1.1', dst: '2.2.2.2', proto: 17, payloadLen: u.length + vx.length, flagsFrag: 0x2000 }), u, vx);
  const p = decodeBytes(frame);
  assert.deepEqual(events(p), ['decoder.tunnel.fragmented']);
  assert.equal(p.tunnelDepth, 0);
  assert.equal(p.dstPort, 4789);
});

test('udp: every truncation never throws; short headers record decoder.udp.truncated', () => {
  truncationSweep(udpDecoder, ipv6Udp().subarray(40), 8, Ev.UDP_TRUNCATED);
});
