import { test } from 'node:test';
import assert from 'node:assert/strict';
import { amqpDissector, isFrameSequence, protocolHeaderVersion } from '../../../src/classify/protocols/amqp.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16, u32 } from './dissector-harness.js';

const header091 = bytes('AMQP', [0, 0, 9, 1]);
/** A 0-9-1 frame: type, channel, size, payload, frame-end. */
function frame(type: number, channel: number, payload: number[]): Uint8Array {
  return bytes([type], u16(channel), u32(payload.length), payload, [0xce]);
}
// Connection.Start (class 10, method 10): version 0-9, empty server properties, mechanisms, locales
const start = frame(1, 0, [...u16(10), ...u16(10), 0, 9, ...u32(0), ...u32(5), ...Buffer.from('PLAIN'), ...u32(5), ...Buffer.from('en_US')]);
const heartbeat = frame(8, 0, []);

test('AMQP protocol header matches and names the version', () => {
  const r = runDissector(amqpDissector, 'tcp', 40000, 5672, [{ dir: 0, data: header091 }, { dir: 1, data: start }]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.meta.extra?.amqp_version, '0-9-1');
  assert.equal(protocolHeaderVersion(bytes('AMQP', [0, 1, 0, 0])), '1.0.0');
  assert.equal(protocolHeaderVersion(bytes('AMQP', [3, 1, 0, 0])), '1.0.0');
  assert.equal(protocolHeaderVersion(bytes('AMQP', [0, 0, 8, 1])), null);
});

test('AMQP frames: a capture that starts with the server Connection.Start, and batched frames', () => {
  assert.equal(runDissector(amqpDissector, 'tcp', 5672, 40000, [{ dir: 0, data: start }]).outcome, 'match');
  assert.ok(isFrameSequence(bytes(start, heartbeat)));
});

test('AMQP malformed frames: bad type, missing frame-end, bad class, heartbeat with payload', () => {
  assert.equal(isFrameSequence(frame(5, 0, [0, 10, 0, 10])), false);
  const noEnd = Uint8Array.from(start);
  noEnd[noEnd.length - 1] = 0;
  assert.equal(isFrameSequence(noEnd), false);
  assert.equal(isFrameSequence(frame(1, 0, [...u16(11), ...u16(10)])), false);
  assert.equal(isFrameSequence(frame(8, 0, [1])), false);
  assert.equal(isFrameSequence(bytes([1, 0, 0], u32(0xffffffff), [0xce])), false);
});

test('AMQP truncated at every length never throws or matches', () => {
  assert.ok(!probeAllPrefixes(amqpDissector, 'tcp', 1, 5672, start).includes('match'));
  assert.ok(!probeAllPrefixes(amqpDissector, 'tcp', 1, 5672, header091).includes('match'));
});

test('AMQP never matches random bytes', () => {
  assert.equal(fuzzMatches(amqpDissector, 'tcp', 40000, 5672, 23, 5000), 0);
});
