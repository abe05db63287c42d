import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rtspDissector, rtspFirstLine } from '../../../src/classify/protocols/rtsp.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector } from './dissector-harness.js';

const options = bytes('OPTIONS rtsp://10.0.0.5:554/stream1 RTSP/1.0\r\nCSeq: 2\r\nUser-Agent: fleet-cam/1.2\r\n\r\n');
const reply = bytes('RTSP/1.0 200 OK\r\nCSeq: 2\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n');

test('RTSP request matches with method, URL and user agent; reply gives the status', () => {
  const r = runDissector(rtspDissector, 'tcp', 40000, 554, [{ dir: 0, data: options }, { dir: 1, data: reply }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.extra, { rtsp_method: 'OPTIONS', rtsp_url: 'rtsp://10.0.0.5:554/stream1', user_agent: 'fleet-cam/1.2', rtsp_status: 200 });
  assert.equal(runDissector(rtspDissector, 'tcp', 554, 40000, [{ dir: 0, data: reply }]).outcome, 'match');
});

test('RTSP first-line syntax', () => {
  assert.equal(rtspFirstLine(bytes('SET_PARAMETER * RTSP/2.0\r\n')), 8);
  assert.equal(rtspFirstLine(bytes('GET / HTTP/1.1\r\n')), -1);
  assert.equal(rtspFirstLine(bytes('OPTIONS http://x/ RTSP/1.0\r\n')), -1);
  assert.equal(rtspFirstLine(bytes('OPTIONS rtsp://x/ HTTP/1.0\r\n')), -1);
  assert.equal(rtspFirstLine(bytes('RTSP/1.0 2x0 OK\r\n')), -1);
  assert.equal(rtspFirstLine(bytes('OPTIONS rtsp://x/ RTSP/1.0')), -1); // line not finished
});

test('RTSP truncated at every length never throws; a cut first line never matches', () => {
  const res = probeAllPrefixes(rtspDissector, 'tcp', 1, 554, options);
  assert.equal(res.indexOf('match'), options.indexOf(0x0d) + 1);
});

test('RTSP never matches random bytes', () => {
  assert.equal(fuzzMatches(rtspDissector, 'tcp', 40000, 554, 29, 5000), 0);
});
