import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ntpDissector, ntpShape } from '../../../src/classify/protocols/ntp.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16 } from './dissector-harness.js';

/** 48-byte NTP header: LI 0, version, mode, stratum, poll, precision, then zeros and a transmit timestamp. */
function ntp(version: number, mode: number, stratum = 2, extra: number[] = []): Uint8Array {
  const h = new Array<number>(48).fill(0);
  h[0] = (version << 3) | mode;
  h[1] = stratum;
  h[2] = 6;
  h[3] = 0xe9;
  h[40] = 0xe9; // transmit timestamp seconds (2024)
  return bytes(h, extra);
}
// mode 6 control: READVAR, sequence 1, status 0, assoc 0, offset 0, count 4, "abcd"
const control = bytes([(2 << 3) | 6, 0x02, ...u16(1), 0, 0, 0, 0, 0, 0, ...u16(4)], 'abcd');

test('NTP v4 client/server on port 123 match with version and mode', () => {
  const r = runDissector(ntpDissector, 'udp', 123, 123, [{ dir: 0, data: ntp(4, 3) }, { dir: 1, data: ntp(4, 4) }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.extra, { ntp_version: 4, ntp_mode: 'client' });
});

test('NTP shapes: v1-v4, MAC, control and private modes', () => {
  for (const v of [1, 2, 3, 4]) assert.equal(ntpShape(ntp(v, 3)), 2);
  assert.equal(ntpShape(ntp(4, 3, 2, new Array<number>(20).fill(1))), 1); // key id + MD5
  assert.equal(ntpShape(control), 1);
  assert.equal(ntpShape(bytes([(2 << 3) | 7, 0x00, 0x03, 0x2a, 0, 0, 0, 0])), 1);
  assert.equal(ntpShape(ntp(5, 3)), 0);
  assert.equal(ntpShape(ntp(0, 3)), 0);
  assert.equal(ntpShape(ntp(4, 3, 99)), 0); // stratum
  assert.equal(ntpShape(ntp(4, 0)), 0);
  assert.equal(ntpShape(ntp(4, 3, 2, [1, 2])), 0); // misaligned tail
  assert.equal(ntpShape(bytes([(2 << 3) | 6, 2, 0, 1, 0, 0, 0, 0, 0, 0, ...u16(400)])), 0); // count overruns
});

test('NTP off port 123 needs two strict 48-byte packets', () => {
  assert.equal(runDissector(ntpDissector, 'udp', 40000, 40001, [{ dir: 0, data: ntp(4, 3) }]).outcome, 'more');
  assert.equal(runDissector(ntpDissector, 'udp', 40000, 40001, [{ dir: 0, data: ntp(4, 3) }, { dir: 1, data: ntp(4, 4) }]).outcome, 'match');
  assert.equal(runDissector(ntpDissector, 'udp', 40000, 40001, [{ dir: 0, data: control }]).outcome, 'exclude');
});

test('NTP truncated at every length never throws; a cut time packet never matches', () => {
  const res = probeAllPrefixes(ntpDissector, 'udp', 50000, 123, ntp(4, 3));
  assert.ok(!res.includes('match'));
});

test('NTP never matches random bytes off port 123', () => {
  assert.equal(fuzzMatches(ntpDissector, 'udp', 40000, 40001, 3, 5000), 0);
});
