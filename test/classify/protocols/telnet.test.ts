import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIacSegment, telnetDissector } from '../../../src/classify/protocols/telnet.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, type Payload } from './dissector-harness.js';

const IAC = 0xff, DO = 0xfd, WILL = 0xfb, SB = 0xfa, SE = 0xf0;
// server: DO TERMINAL-TYPE, DO NAWS; client: WILL TERMINAL-TYPE, WILL NAWS, SB NAWS 80x24 SE
const serverNeg = bytes([IAC, DO, 24, IAC, DO, 31]);
const clientNeg = bytes([IAC, WILL, 24, IAC, WILL, 31, IAC, SB, 31, 0, 80, 0, 24, IAC, SE]);

test('Telnet matches on the second IAC negotiation segment and extracts the user name', () => {
  const typed: Payload[] = [...'root'].map((c) => ({ dir: 0, data: bytes(c) }));
  const r = runDissector(telnetDissector, 'tcp', 40000, 23, [
    { dir: 1, data: serverNeg },
    { dir: 0, data: clientNeg },
    { dir: 1, data: bytes('\r\nfleet-gw login: ') },
    ...typed,
    { dir: 0, data: bytes('\r\n') },
    { dir: 1, data: bytes('Password: ') },
  ]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.probed, 2);
  assert.equal(r.meta.extra?.username, 'root');
});

test('Telnet IAC syntax', () => {
  assert.ok(isIacSegment(serverNeg));
  assert.ok(isIacSegment(clientNeg));
  assert.ok(!isIacSegment(bytes([IAC, 0x20, 1]))); // not a negotiation command
  assert.ok(!isIacSegment(bytes([IAC, DO, 0x80]))); // unassigned option
  assert.ok(!isIacSegment(bytes([IAC, DO, 1, IAC, 0x05]))); // bad command inside
  assert.ok(!isIacSegment(bytes([IAC, DO, 1, IAC]))); // IAC cut
  assert.ok(!isIacSegment(bytes('login: ')));
});

test('Telnet gives up after a few segments without negotiation', () => {
  const plain: Payload[] = Array.from({ length: 8 }, () => ({ dir: 0, data: bytes('hello') }));
  assert.equal(runDissector(telnetDissector, 'tcp', 1, 23, plain).outcome, 'exclude');
});

test('Telnet truncated at every length never throws', () => {
  const res = probeAllPrefixes(telnetDissector, 'tcp', 1, 23, clientNeg);
  assert.ok(!res.includes('match')); // one segment is never enough
});

test('Telnet never matches random bytes, even two segments in a row', () => {
  assert.equal(fuzzMatches(telnetDissector, 'tcp', 1, 23, 5, 5000), 0);
});
