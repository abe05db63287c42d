import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modbusDissector, modbusFunction } from '../../../src/classify/protocols/modbus.js';
import { bytes, fuzzMatches, probeAllPrefixes, runDissector, u16 } from './dissector-harness.js';

/** MBAP header + PDU. */
function adu(tid: number, unit: number, pdu: number[]): Uint8Array {
  return bytes(u16(tid), u16(0), u16(pdu.length + 1), [unit], pdu);
}
const readHolding = adu(1, 17, [3, ...u16(0x006b), ...u16(3)]);
const response = adu(1, 17, [3, 6, 0x02, 0x2b, 0x00, 0x00, 0x00, 0x64]);
const exception = adu(2, 17, [0x83, 0x02]);

test('Modbus/TCP request on port 502 matches with function and unit id', () => {
  const r = runDissector(modbusDissector, 'tcp', 40000, 502, [{ dir: 0, data: readHolding }, { dir: 1, data: response }]);
  assert.equal(r.outcome, 'match');
  assert.deepEqual(r.meta.extra, { modbus_function: 3, modbus_unit_id: 17 });
});

test('Modbus exception responses and several ADUs in one segment', () => {
  assert.equal(modbusFunction(exception), 0x83);
  assert.equal(modbusFunction(bytes(readHolding, adu(2, 17, [6, 0, 1, 0, 3]))), 3);
  assert.equal(modbusFunction(adu(2, 1, [0x83, 0x07])), -1); // exception code 7 is undefined
});

test('Modbus malformed: protocol id, length mismatch, unknown function', () => {
  const b = Uint8Array.from(readHolding);
  b[3] = 1;
  assert.equal(modbusFunction(b), -1);
  assert.equal(modbusFunction(bytes(readHolding, [0])), -1);
  assert.equal(modbusFunction(adu(1, 1, [0x30, 0, 0])), -1);
  assert.equal(modbusFunction(bytes(u16(1), u16(0), u16(1), [1])), -1); // length 1: no function code
});

test('Modbus off port 502 needs two valid segments', () => {
  assert.equal(runDissector(modbusDissector, 'tcp', 40000, 5020, [{ dir: 0, data: readHolding }]).outcome, 'more');
  assert.equal(runDissector(modbusDissector, 'tcp', 40000, 5020, [{ dir: 0, data: readHolding }, { dir: 1, data: response }]).outcome, 'match');
});

test('Modbus truncated at every length never throws or matches', () => {
  assert.ok(!probeAllPrefixes(modbusDissector, 'tcp', 1, 502, response).includes('match'));
});

test('Modbus never matches random bytes', () => {
  assert.equal(fuzzMatches(modbusDissector, 'tcp', 40000, 502, 8, 5000), 0);
});
