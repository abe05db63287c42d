import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coapDissector, isCoapMessage } from '../../../src/classify/protocols/coap.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector } from './dissector-harness.js';

// CON GET, token 2 bytes, Uri-Host "fleet" (3), Uri-Path "sensors" (11, delta 8), Uri-Path "temp" (delta 0)
const get = bytes([0x42, 0x01, 0x12, 0x34, 0xab, 0xcd], [0x35], 'fleet', [0x87], 'sensors', [0x04], 'temp');
// ACK 2.05 Content, token 2, Content-Format (12) = 0, payload marker, payload
const content = bytes([0x62, 0x45, 0x12, 0x34, 0xab, 0xcd, 0xc0, 0xff], '21.5');
// Option with a 13-extended delta: Uri-Query (15) after none → delta 15 = 13 + 2
const extended = bytes([0x40, 0x02, 0x00, 0x01, 0xd3, 0x02], 'a=1');

test('CoAP request matches on the CoAP port and gives method and joined Uri-Path', () => {
  const r = runDissector(coapDissector, 'udp', 50000, 5683, [{ dir: 0, data: get }, { dir: 1, data: content }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.coap, { method: 'GET', uri_path: 'sensors/temp' });
});

test('CoAP message shapes: empty ACK, extended option delta, payload marker', () => {
  assert.ok(isCoapMessage(bytes([0x60, 0x00, 0x12, 0x34])));
  assert.ok(isCoapMessage(extended));
  assert.ok(isCoapMessage(content));
  assert.equal(runDissector(coapDissector, 'udp', 5684, 40000, [{ dir: 0, data: extended }]).meta.coap?.method, 'POST');
});

test('CoAP malformed: version, token length, code class, marker without payload, overrun, empty with token', () => {
  const bad = [
    bytes([0x82, 0x01, 0, 1, 0, 0]), // version 2
    bytes([0x49, 0x01, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]), // tkl 9
    bytes([0x40, 0x61, 0, 1]), // class 3
    bytes([0x40, 0x01, 0, 1, 0xff]), // marker then nothing
    bytes([0x40, 0x01, 0, 1, 0xb5, 0x61]), // option length 5, only 1 byte
    bytes([0x40, 0x01, 0, 1, 0xf1, 0x61]), // delta nibble 15
    bytes([0x41, 0x00, 0, 1, 0x77]), // empty message with a token
    bytes([0x70, 0x45, 0, 1]), // RST with a code
    bytes([0x60, 0x01, 0, 1]), // ACK carrying a request
  ];
  for (const b of bad) assert.equal(isCoapMessage(b), false, Buffer.from(b).toString('hex'));
});

test('CoAP is not matched off the CoAP ports (nDPI does the same)', () => {
  assert.equal(runDissector(coapDissector, 'udp', 50000, 17500, [{ dir: 0, data: get }, { dir: 0, data: get }]).outcome, 'exclude');
  assert.equal(runDissector(coapDissector, 'udp', 61620, 61621, [{ dir: 0, data: get }]).outcome, 'match');
});

test('CoAP truncated at every length never throws and never matches when the cut breaks the options', () => {
  const res = probeAllPrefixes(coapDissector, 'udp', 1, 5683, get);
  // valid prefixes are only those that end exactly on an option boundary
  const ok = res.map((r, n) => (r === 'match' ? n : -1)).filter((n) => n >= 0);
  assert.deepEqual(ok, [6, 12, 20]);
});

test('CoAP random bytes on the CoAP port: never throws, practically never matches', () => {
  // The CoAP header is 4 bytes, so a random datagram is occasionally valid CoAP: require < 0.1%.
  assert.ok(fuzzMatches(coapDissector, 'udp', 40000, 5683, 99, 5000) < 5);
  assert.equal(fuzzMatches(coapDissector, 'udp', 40000, 40001, 99, 2000), 0);
});
