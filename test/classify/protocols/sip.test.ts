import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sipDissector, sipFirstLine } from '../../../src/classify/protocols/sip.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector } from './dissector-harness.js';

const register = bytes(
  'REGISTER sip:registrar.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK776\r\n',
  'From: <sip:meter7@example.com>;tag=1\r\nTo: <sip:meter7@example.com>\r\nCall-ID: 8a1@10.0.0.7\r\nCSeq: 1 REGISTER\r\n\r\n',
);
const unauthorized = bytes('SIP/2.0 401 Unauthorized\r\nCSeq: 1 REGISTER\r\n\r\n');

test('SIP request and response match with method, URI and status', () => {
  const r = runDissector(sipDissector, 'udp', 5060, 5060, [{ dir: 0, data: register }, { dir: 1, data: unauthorized }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.extra, { sip_method: 'REGISTER', sip_uri: 'sip:registrar.example.com', sip_status: 401 });
});

test('SIP over TCP after CRLF keep-alives', () => {
  const r = runDissector(sipDissector, 'tcp', 40000, 5060, [{ dir: 0, data: bytes('\r\n\r\n') }, { dir: 0, data: register }]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.probed, 2);
});

test('SIP first-line syntax', () => {
  assert.equal(sipFirstLine(bytes('INVITE tel:+4912345 SIP/2.0\r\n')), 0);
  assert.equal(sipFirstLine(bytes('INVITE SIP:bob@x SIP/2.0\r\n')), 0);
  assert.equal(sipFirstLine(bytes('INVITE http://x SIP/2.0\r\n')), -1);
  assert.equal(sipFirstLine(bytes('FOO sip:x SIP/2.0\r\n')), -1);
  assert.equal(sipFirstLine(bytes('SIP/2.0 999 Nope\r\n')), -1);
  assert.equal(sipFirstLine(bytes('SIP/1.0 200 OK\r\n')), -1);
});

test('SIP truncated at every length never throws; a cut first line never matches', () => {
  const res = probeAllPrefixes(sipDissector, 'udp', 5060, 5060, register);
  assert.equal(res.indexOf('match'), register.indexOf(0x0d) + 1);
});

test('SIP never matches random bytes', () => {
  assert.equal(fuzzMatches(sipDissector, 'udp', 5060, 5060, 31, 5000), 0);
});
