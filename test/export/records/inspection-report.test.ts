import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { inspectionRecordId, validateInspectionReport } from '../../../src/export/records/inspection-report.js';
import type { InspectionReport } from '../../../src/export/records/inspection-report.js';

function example(): InspectionReport {
  return {
    recordType: 'inspection',
    recordId: 'gw-tokyo-1:1700000060000:10.128.0.7',
    operatorId: 'op-acme',
    gatewayId: 'gw-tokyo-1',
    imsi: '001010000000001',
    timestamp: 1700000060000,
    payloads: {
      device: { ip: '10.128.0.7', name: 'meter-0007', group: 'meters', registered: true },
      interval: { start: 1700000000000, end: 1700000060000 },
      uplink: { packets: 10, bytes: 1234 },
      downlink: { packets: 9, bytes: 5678 },
      flows: { active: 3, new: 2 },
      destinations: [
        { address: '203.0.113.10', port: 8883, protocol: 'TCP', name: 'mqtt.example.com', uplinkBytes: 900, downlinkBytes: 400, bytes: 1300, packets: 12 },
        { address: '2001:db8::53', port: 53, protocol: 'UDP', uplinkBytes: 80, downlinkBytes: 120, bytes: 200, packets: 2 },
      ],
      applications: [
        { app: 'MQTT', method: 'port', packets: 12, bytes: 1300, uplinkBytes: 900, downlinkBytes: 400, flows: 1 },
        { app: 'Unknown', method: 'port', packets: 7, bytes: 5612, uplinkBytes: 334, downlinkBytes: 5278, flows: 2 },
      ],
    },
  };
}

test('the documented example is valid', () => {
  assert.deepEqual(validateInspectionReport(example()), []);
  assert.equal(inspectionRecordId('gw-tokyo-1', 1700000060000, '10.128.0.7'), example().recordId);
});

test('the example in docs/inspection.md is valid', () => {
  const md = readFileSync(resolve(process.cwd(), 'docs/inspection.md'), 'utf8');
  const blocks = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]) as unknown);
  assert.ok(blocks.length >= 1);
  for (const b of blocks) assert.deepEqual(validateInspectionReport(b), []);
});

test('an unregistered device has no imsi, no name, and is still valid', () => {
  const r = example();
  delete r.imsi;
  r.payloads.device = { ip: 'fd00:128::1', registered: false };
  assert.deepEqual(validateInspectionReport(r), []);
});

test('unknown fields, nulls and missing fields are rejected with their path', () => {
  const r = example() as unknown as Record<string, unknown>;
  r.extra = 1;
  assert.deepEqual(validateInspectionReport(r), ['extra: is not a report field']);

  const n = example() as unknown as { imsi: unknown };
  n.imsi = null;
  assert.ok(validateInspectionReport(n).some((e) => e.startsWith('imsi:')));

  const m = example() as unknown as { payloads: { flows: Record<string, unknown> } };
  delete m.payloads.flows.new;
  assert.deepEqual(validateInspectionReport(m), ['payloads.flows.new: is required']);

  const d = example() as unknown as { payloads: { destinations: Record<string, unknown>[] } };
  d.payloads.destinations[0].port = 70000;
  d.payloads.destinations[1].color = 'red';
  const errs = validateInspectionReport(d);
  assert.ok(errs.some((e) => e.startsWith('payloads.destinations[0].port:')), errs.join('\n'));
  assert.ok(errs.includes('payloads.destinations[1].color: is not a report field'), errs.join('\n'));
});

test('values are checked: method, protocol, address, imsi, counters', () => {
  const bad = (mutate: (r: InspectionReport) => void, path: string) => {
    const r = example();
    mutate(r);
    const errs = validateInspectionReport(r);
    assert.ok(errs.some((e) => e.startsWith(`${path}:`)), `${path} in ${JSON.stringify(errs)}`);
  };
  bad((r) => ((r.payloads.applications[0] as { method: string }).method = 'guess'), 'payloads.applications[0].method');
  bad((r) => (r.payloads.destinations[0].protocol = 'tcp'), 'payloads.destinations[0].protocol');
  bad((r) => (r.payloads.destinations[0].address = 'example.com'), 'payloads.destinations[0].address');
  bad((r) => (r.payloads.device.ip = '10.0.0.256'), 'payloads.device.ip');
  bad((r) => (r.imsi = '1234'), 'imsi');
  bad((r) => (r.payloads.uplink.bytes = -1), 'payloads.uplink.bytes');
  bad((r) => (r.payloads.flows.active = 1.5), 'payloads.flows.active');
  bad((r) => ((r as { recordType: string }).recordType = 'flow'), 'recordType');
});

test('sums the schema cannot express are checked', () => {
  const r = example();
  r.payloads.destinations[0].bytes = 1;
  r.payloads.interval.start = r.payloads.interval.end + 1;
  r.timestamp = r.payloads.interval.end - 5;
  r.payloads.applications[1].packets = 1;
  const errs = validateInspectionReport(r);
  assert.ok(errs.includes('payloads.destinations[0].bytes: is not uplinkBytes + downlinkBytes'));
  assert.ok(errs.includes('payloads.interval: start is after end'));
  assert.ok(errs.includes('timestamp: is not payloads.interval.end'));
  assert.ok(errs.includes('payloads.applications: packets/bytes do not add up to uplink + downlink'));
});

test('the schema closes every object and requires its fields', () => {
  const schema = JSON.parse(readFileSync(resolve(process.cwd(), 'schemas/inspection-report.schema.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  let objects = 0;
  const walk = (node: unknown, at: string) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${at}[${i}]`));
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (o.type === 'object') {
      objects++;
      assert.equal(o.additionalProperties, false, `${at} is closed`);
      assert.ok(Array.isArray(o.required) && o.required.length > 0, `${at} requires fields`);
    }
    for (const [k, v] of Object.entries(o)) walk(v, `${at}.${k}`);
  };
  walk(schema, '$');
  assert.equal(objects, 8, "root, payloads, device, interval, flows, destination, application, traffic");
});
