import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mqttDissector } from '../../../src/classify/protocols/mqtt.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16 } from './dissector-harness.js';

function str(s: string): number[] {
  return [...u16(s.length), ...Buffer.from(s, 'utf8')];
}
/** Fixed header (type/flags, one-byte remaining length) + body. */
function packet(first: number, body: number[]): Uint8Array {
  return bytes([first, body.length], body);
}
// CONNECT 3.1.1: "MQTT" level 4, flags username+password+clean session, keep-alive 60, client id, user, pass
const connect311 = packet(0x10, [...str('MQTT'), 4, 0xc2, ...u16(60), ...str('sensor-17'), ...str('alice'), ...str('pw')]);
// CONNECT 5: properties (session expiry interval 0x11 = 0), then client id
const connect5 = packet(0x10, [...str('MQTT'), 5, 0x02, ...u16(30), 5, 0x11, 0, 0, 0, 0, ...str('dev5')]);
// CONNECT 3.1: "MQIsdp" level 3, no username
const connect31 = packet(0x10, [...str('MQIsdp'), 3, 0x02, ...u16(10), ...str('old')]);
const publish = packet(0x30, [...str('fleet/dev1/temp'), ...Buffer.from('21.5')]);
const subscribe = packet(0x82, [...u16(1), ...str('fleet/+/cmd'), 1, ...str('fleet/#'), 0]);

test('MQTT CONNECT 3.1.1 matches and gives client id, username flag and version', () => {
  const r = runDissector(mqttDissector, 'tcp', 40000, 1883, [{ dir: 0, data: connect311 }, { dir: 1, data: packet(0x20, [0, 0]) }]);
  assert.equal(r.outcome, 'match');
  assert.equal(r.probed, 1);
  assert.deepEqual(r.meta.mqtt, { protocol_version: 4, username_present: true, client_id: 'sensor-17' });
});

test('MQTT 5 CONNECT skips properties; MQTT 3.1 uses MQIsdp', () => {
  const r5 = runDissector(mqttDissector, 'tcp', 40000, 9999, [{ dir: 0, data: connect5 }]);
  assert.equal(r5.outcome, 'match');
  assert.deepEqual(r5.meta.mqtt, { protocol_version: 5, username_present: false, client_id: 'dev5' });
  const r3 = runDissector(mqttDissector, 'tcp', 40000, 1883, [{ dir: 0, data: connect31 }]);
  assert.equal(r3.meta.mqtt?.protocol_version, 3);
  assert.equal(r3.meta.mqtt?.client_id, 'old');
});

test('MQTT PUBLISH and SUBSCRIBE match and collect topics (several packets in one segment)', () => {
  const seg = bytes(publish, subscribe);
  const r = runDissector(mqttDissector, 'tcp', 51000, 17501, [{ dir: 0, data: seg }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.mqtt?.topics, ['fleet/dev1/temp', 'fleet/+/cmd', 'fleet/#']);
});

test('MQTT topic list is bounded', () => {
  const payloads = Array.from({ length: 30 }, (_, i) => ({ dir: 0 as const, data: packet(0x30, [...str(`t/${i}`), 1]) }));
  const r = runDissector(mqttDissector, 'tcp', 1, 1883, payloads);
  assert.equal(r.meta.mqtt?.topics?.length, 16);
});

test('MQTT short control packets match only after three valid segments', () => {
  const ping = { dir: 0 as const, data: bytes([0xc0, 0]) };
  const pong = { dir: 1 as const, data: bytes([0xd0, 0]) };
  assert.equal(runDissector(mqttDissector, 'tcp', 1, 2, [ping, pong]).outcome, 'more');
  assert.equal(runDissector(mqttDissector, 'tcp', 1, 2, [ping, pong, ping]).outcome, 'match');
});

test('MQTT malformed: bad protocol name, reserved type, bad flags, length mismatch, QoS 3', () => {
  const bad = [
    packet(0x10, [...str('MQTX'), 4, 0, 0, 60, ...str('x')]),
    packet(0x10, [...str('MQTT'), 9, 0, 0, 60, ...str('x')]),
    bytes([0x00, 0x00]),
    bytes([0x80, 0x02, 0, 1]), // SUBSCRIBE needs flags 0010
    bytes([0x30, 0x05, 0, 1, 0x61]), // remaining length runs past the end
    bytes([0x30, 0x02, 0, 0, 0]), // trailing byte
    bytes([0x36, 0x03, 0, 1, 0x61]), // QoS 3
    bytes([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]), // varint longer than 4 bytes
  ];
  for (const b of bad) assert.equal(mqttDissector.probe(b, 0, { l4: 'tcp', srcPort: 1, dstPort: 1883, payloadPackets: [1, 0] }, mqttDissector.init()), 'exclude', Buffer.from(b).toString('hex'));
});

test('MQTT truncated messages never throw; cut PUBLISH/SUBSCRIBE never match', () => {
  for (const m of [publish, subscribe, connect5]) {
    const res = probeAllPrefixes(mqttDissector, 'tcp', 1, 1883, m);
    if (m !== connect5) assert.ok(!res.includes('match'));
  }
});

test('MQTT never matches random bytes', () => {
  assert.equal(fuzzMatches(mqttDissector, 'tcp', 40000, 1883, 0x1234, 5000), 0);
});
