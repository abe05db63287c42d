import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildEveRecords } from '../../../../src/export/records/eve/build-eve-records.js';
import { validateEveRecord } from '../../../../src/export/records/eve/validate-eve-record.js';
import { flowRecord, input } from './eve-fixtures.js';

type Json = Record<string, unknown>;

function records(): { flow: Json; dns: Json } {
  const [flow, dns] = buildEveRecords(input({
    proto: 'DNS', pcapCnt: 3, flow: flowRecord({ proto: 'UDP', bPort: 53 }),
    meta: { dns: { id: 9, type: 'request', queries: [{ rrname: 'example.com', rrtype: 'A' }] } },
  }));
  return { flow: structuredClone(flow) as unknown as Json, dns: structuredClone(dns) as unknown as Json };
}

test('the schema file is draft 2020-12 and names the EVE event types', () => {
  const schema = JSON.parse(readFileSync(path.resolve(process.cwd(), 'schemas/eve-record.schema.json'), 'utf8')) as Json;
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  const props = schema.properties as Record<string, { enum?: string[] }>;
  assert.deepEqual(props.event_type.enum, ['flow', 'dns', 'http', 'tls', 'quic', 'mqtt']);
});

test('built records are valid', () => {
  const { flow, dns } = records();
  assert.deepEqual(validateEveRecord(flow), []);
  assert.deepEqual(validateEveRecord(dns), []);
});

test('rejects a string port and a port out of range', () => {
  const { flow } = records();
  assert.deepEqual(validateEveRecord({ ...flow, src_port: '49152' }), ['src_port: must be integer']);
  assert.deepEqual(validateEveRecord({ ...flow, dest_port: 70000 }), ['dest_port: must be <= 65535']);
});

test('rejects null instead of an absent field, and unknown fields', () => {
  const { flow, dns } = records();
  assert.deepEqual(validateEveRecord({ ...flow, app_proto: null }), ['app_proto: must be string']);
  assert.deepEqual(validateEveRecord({ ...dns, dns: { ...(dns.dns as Json), rcode: null } }), ['dns.rcode: must be string']);
  assert.deepEqual(validateEveRecord({ ...flow, community_id: 'x' }), ['community_id: is not a record field']);
});

test('rejects timestamps not in Suricata form (µs and +0000)', () => {
  const { flow } = records();
  for (const ts of ['2023-09-18T06:13:41.532Z', '2023-09-18T06:13:41.532140Z', '2023-09-18T06:13:41.532140+00:00', '2023-09-18 06:13:41.532140+0000']) {
    const problems = validateEveRecord({ ...flow, timestamp: ts });
    assert.equal(problems.length, 1, ts);
    assert.match(problems[0], /^timestamp: must match pattern/);
  }
});

test('the section must match event_type, and nothing else may be there', () => {
  const { flow, dns } = records();
  assert.deepEqual(validateEveRecord({ ...flow, event_type: 'dns' }), ['dns: is required', 'flow: is not allowed for this event_type', 'tx_id: is required']);
  assert.deepEqual(validateEveRecord({ ...dns, flow: flow.flow }), ['flow: is not allowed for this event_type']);
  assert.deepEqual(validateEveRecord({ ...dns, event_type: 'alert' }), ['event_type: must be equal to one of the allowed values']);
});

test('flow records carry no tx_id or pcap_cnt; app records need tx_id', () => {
  const { flow, dns } = records();
  assert.deepEqual(validateEveRecord({ ...flow, tx_id: 0 }), ['tx_id: is not allowed for this event_type']);
  assert.deepEqual(validateEveRecord({ ...flow, pcap_cnt: 1 }), ['pcap_cnt: is not allowed for this event_type']);
  const noTx = { ...dns };
  delete noTx.tx_id;
  assert.deepEqual(validateEveRecord(noTx), ['tx_id: is required']);
});

test('fleetgate needs operatorId and gatewayId; imsi must be digits', () => {
  const { flow } = records();
  assert.deepEqual(validateEveRecord({ ...flow, fleetgate: { gatewayId: 'gw-1' } }), ['fleetgate.operatorId: is required']);
  assert.deepEqual(
    validateEveRecord({ ...flow, fleetgate: { ...(flow.fleetgate as Json), imsi: 'abc' } }),
    ['fleetgate.imsi: must match pattern "^[0-9]{14,15}$"'],
  );
});

test('checks beyond the schema: flow.start <= flow.end and timestamp = flow.start', () => {
  const { flow } = records();
  const f = flow.flow as Json;
  assert.deepEqual(validateEveRecord({ ...flow, flow: { ...f, start: f.end, end: f.start }, timestamp: f.end }), ['flow: start is after end']);
  assert.deepEqual(validateEveRecord({ ...flow, timestamp: f.end }), ['timestamp: is not flow.start']);
});

test('rejects a dns record with a wrong version or type', () => {
  const { dns } = records();
  const d = dns.dns as Json;
  assert.deepEqual(validateEveRecord({ ...dns, dns: { ...d, version: 2 } }), ['dns.version: must be equal to constant']);
  assert.deepEqual(validateEveRecord({ ...dns, dns: { ...d, type: 'answer' } }), ['dns.type: must be equal to one of the allowed values']);
});
