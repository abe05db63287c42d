import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ev } from '../../../src/packet/events.js';
import { tcpDecoder } from '../../../src/packet/layers/tcp.js';
import { ascii, concat, decodeBytes, events, hex, ipv4, payloadText, tcp } from '../_support/bytes.js';
import { ipv4Tcp } from '../_support/frames.js';
import { truncationSweep } from '../_support/sweep.js';

test('TCP ports, sequence numbers, flags, window and payload', () => {
  const p = decodeBytes(ipv4Tcp(), 228, 10);
  assert.equal(p.l4Off, 30);
  assert.equal(p.srcPort, 40000);
  assert.equal(p.dstPort, 80);
  assert.equal(p.tcpSeq, 0x01020304);
  assert.equal(p.tcpAck, 0xa0b0c0d0);
  assert.equal(p.tcpFlags, 0x18);
  assert.equal(p.tcpWindow, 502);
  assert.equal(p.payloadOff, 50);
  assert.equal(payloadText(p), 'GET / HTTP/1.1\r\n\r\n');
});

test('TCP options are skipped by the data offset', () => {
  const opts = hex('020405b4 0402080a 00000001 00000000 01030307'); // MSS, SACK-perm, TS, NOP, WS
  const t = tcp({ sport: 1, dport: 2, flags: 0x02, options: opts });
  const data = ascii('hi');
  const p = decodeBytes(concat(ipv4({ src: '1.0.0.1', dst: '1.0.0.2', proto: 6, payloadLen: t.length + 2 }), t, data), 228);
  assert.equal(p.payloadOff - p.l4Off, 40);
  assert.equal(payloadText(p), 'hi');
  assert.equal(p.tcpFlags, 0x02);
});

test('a data offset below 5 words records decoder.tcp.hlen_too_small', () => {
  const pkt = ipv4Tcp();
  pkt[20 + 12] = 0x40;
  const p = decodeBytes(pkt, 228);
  assert.deepEqual(events(p), ['decoder.tcp.hlen_too_small']);
  assert.equal(p.srcPort, 0);
});

test('options past the end record decoder.tcp.truncated', () => {
  const pkt = ipv4Tcp().slice(0, 40 + 4);
  pkt[3] = 44;
  pkt[20 + 12] = 0xf0; // 60-byte header, 24 present
  assert.deepEqual(events(decodeBytes(pkt, 228)), ['decoder.tcp.truncated']);
});

test('tcp: every truncation never throws; short headers record decoder.tcp.truncated', () => {
  truncationSweep(tcpDecoder, ipv4Tcp().subarray(20), 20, Ev.TCP_TRUNCATED);
});
