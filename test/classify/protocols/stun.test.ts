import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stunDissector } from '../../../src/classify/protocols/stun.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16, u32 } from './dissector-harness.js';

function attr(type: number, value: number[]): number[] {
  const pad = (4 - (value.length % 4)) % 4;
  return [...u16(type), ...u16(value.length), ...value, ...new Array<number>(pad).fill(0)];
}
function stun(type: number, attrs: number[], cookie = true): Uint8Array {
  const tid = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  return bytes(u16(type), u16(attrs.length), cookie ? u32(0x2112a442) : [0xde, 0xad, 0xbe, 0xef], tid, attrs);
}
const binding = stun(0x0001, [...attr(0x8022, [...Buffer.from('fleet')]), ...attr(0x8028, u32(0x12345678))]);
// Allocate error response with REALM
const allocErr = stun(0x0113, [...attr(0x0009, [0, 0, 4, 1]), ...attr(0x0014, [...Buffer.from('turn.example.net')])]);
// Classic RFC 3489 binding request with CHANGE-REQUEST
const classic = stun(0x0001, attr(0x0003, u32(0)), false);

test('STUN binding request over UDP matches; SOFTWARE and REALM are extracted', () => {
  const r = runDissector(stunDissector, 'udp', 40000, 3478, [{ dir: 0, data: binding }, { dir: 1, data: allocErr }]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.meta.extra?.stun_software, 'fleet');
  assert.equal(r.meta.extra?.stun_realm, 'turn.example.net');
  assert.equal(r.meta.hostname, 'turn.example.net');
});

test('STUN over TCP: messages back to back, and RFC 4571 framing', () => {
  assert.equal(runDissector(stunDissector, 'tcp', 40000, 42000, [{ dir: 0, data: bytes(binding, allocErr) }]).outcome, 'match');
  const framed = bytes(u16(binding.length), binding, u16(allocErr.length), allocErr);
  assert.equal(runDissector(stunDissector, 'tcp', 40000, 42000, [{ dir: 0, data: framed }]).outcome, 'match');
  // several messages are a TCP thing: over UDP the datagram is one message
  assert.equal(runDissector(stunDissector, 'udp', 40000, 3478, [{ dir: 0, data: bytes(binding, allocErr) }]).outcome, 'exclude');
});

test('Classic STUN matches on 3478, needs two messages elsewhere', () => {
  assert.equal(runDissector(stunDissector, 'udp', 40000, 3478, [{ dir: 0, data: classic }]).outcome, 'match');
  assert.equal(runDissector(stunDissector, 'udp', 40000, 40001, [{ dir: 0, data: classic }]).outcome, 'more');
  assert.equal(runDissector(stunDissector, 'udp', 40000, 40001, [{ dir: 0, data: classic }, { dir: 0, data: classic }]).outcome, 'match');
});

test('STUN malformed: length not a multiple of 4, attribute overrun, top bits, unknown classic attribute', () => {
  const bad = [
    bytes(u16(1), u16(2), u32(0x2112a442), new Array<number>(12).fill(0), [0, 0]),
    stun(0x0001, [...u16(0x8022), ...u16(40), 0, 0, 0, 0]),
    stun(0xc001, []),
    stun(0x0001, attr(0x0030, u32(0)), false),
  ];
  for (const b of bad) assert.equal(runDissector(stunDissector, 'udp', 40000, 3478, [{ dir: 0, data: b }]).outcome, 'exclude');
});

test('STUN truncated at every length never throws or matches', () => {
  for (const l4 of ['udp', 'tcp'] as const) assert.ok(!probeAllPrefixes(stunDissector, l4, 1, 3478, allocErr).includes('match'));
});

test('STUN never matches random bytes', () => {
  assert.equal(fuzzMatches(stunDissector, 'udp', 40000, 3478, 17, 5000), 0);
  assert.equal(fuzzMatches(stunDissector, 'tcp', 40000, 3478, 18, 5000), 0);
});
