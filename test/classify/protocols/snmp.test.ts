import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snmpDissector, snmpVersion } from '../../../src/classify/protocols/snmp.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector } from './dissector-harness.js';

/** BER TLV with a short or long-form length. */
function tlv(tag: number, content: number[]): number[] {
  const n = content.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len, ...content];
}
const oid = tlv(0x06, [0x2b, 6, 1, 2, 1, 1, 1, 0]); // sysDescr.0
const varbinds = tlv(0x30, tlv(0x30, [...oid, 0x05, 0x00]));
const pdu = (tag: number): number[] => tlv(tag, [...tlv(0x02, [0x01]), ...tlv(0x02, [0]), ...tlv(0x02, [0]), ...varbinds]);
const getV2c = bytes(tlv(0x30, [...tlv(0x02, [1]), ...tlv(0x04, [...Buffer.from('public')]), ...pdu(0xa0)]));
const getV1 = bytes(tlv(0x30, [...tlv(0x02, [0]), ...tlv(0x04, [...Buffer.from('private')]), ...pdu(0xa1)]));
// v3: msgGlobalData(msgID, maxSize, flags, model), security parameters, scoped PDU
const globalData = tlv(0x30, [...tlv(0x02, [0x12]), ...tlv(0x02, [0x05, 0xdc]), ...tlv(0x04, [0x04]), ...tlv(0x02, [3])]);
const v3 = bytes(tlv(0x30, [...tlv(0x02, [3]), ...globalData, ...tlv(0x04, tlv(0x30, [])), ...tlv(0x30, [...tlv(0x04, []), ...tlv(0x04, []), ...pdu(0xa0)])]));

test('SNMP v1, v2c and v3 match with EVE version numbers', () => {
  assert.deepEqual(runDissector(snmpDissector, 'udp', 40000, 161, [{ dir: 0, data: getV2c }]).meta.snmp, { version: 2, community_present: true });
  assert.deepEqual(runDissector(snmpDissector, 'udp', 40000, 161, [{ dir: 0, data: getV1 }]).meta.snmp, { version: 1, community_present: true });
  assert.deepEqual(runDissector(snmpDissector, 'udp', 40000, 161, [{ dir: 0, data: v3 }]).meta.snmp, { version: 3 });
});

test('SNMP long-form BER lengths', () => {
  const big = bytes(tlv(0x30, [...tlv(0x02, [1]), ...tlv(0x04, new Array<number>(300).fill(0x61)), ...pdu(0xa2)]));
  assert.equal(snmpVersion(big), 1);
});

test('SNMP malformed: version 2, bad PDU tag, outer length mismatch, trailing bytes', () => {
  assert.equal(snmpVersion(bytes(tlv(0x30, [...tlv(0x02, [2]), ...tlv(0x04, [0x61]), ...pdu(0xa0)]))), -1);
  assert.equal(snmpVersion(bytes(tlv(0x30, [...tlv(0x02, [1]), ...tlv(0x04, [0x61]), ...pdu(0xb0)]))), -1);
  const b = Uint8Array.from(getV2c);
  b[1]++;
  assert.equal(snmpVersion(b), -1);
  assert.equal(snmpVersion(bytes(getV2c, [0])), -1);
});

test('SNMP truncated at every length never throws or matches', () => {
  for (const m of [getV1, getV2c, v3]) assert.ok(!probeAllPrefixes(snmpDissector, 'udp', 1, 161, m).includes('match'));
});

test('SNMP never matches random bytes', () => {
  assert.equal(fuzzMatches(snmpDissector, 'udp', 40000, 161, 21, 5000), 0);
});
