// The alert record schema: a Suricata-EVE-shaped alert with fleetgate identity is valid; each kind of
// mistake is named by path; Outputs refuses an invalid alert and sends a valid one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { validateAlertRecord } from '../../../../src/export/records/security/index.js';
import type { AlertRecord } from '../../../../src/export/records/security/index.js';
import { Outputs } from '../../../../src/export/outputs.js';

const alert: AlertRecord = {
  timestamp: '2026-11-23T21:14:03.120456+0000',
  flow_id: 1234567,
  event_type: 'alert',
  src_ip: '10.128.0.7',
  src_port: 50514,
  dest_ip: '203.0.113.9',
  dest_port: 1883,
  proto: 'TCP',
  app_proto: 'mqtt',
  direction: 'to_server',
  alert: {
    action: 'allowed',
    gid: 1,
    signature_id: 2031001,
    rev: 3,
    signature: 'ET POLICY MQTT CONNECT without credentials',
    category: 'Potential Corporate Privacy Violation',
    severity: 2,
    metadata: { created_at: ['2026_01_02'] },
  },
  fleetgate: { operatorId: 'op-1', gatewayId: 'gw-1', imsi: '001010123456789', device_ip: '10.128.0.7', device: 'meter-17', app: 'MQTT' },
};

const clone = (): AlertRecord => structuredClone(alert);

test('alert schema: a full and a minimal alert are valid', () => {
  assert.deepEqual(validateAlertRecord(alert), []);
  const min = clone() as Partial<AlertRecord>;
  delete min.src_port;
  delete min.dest_port;
  delete min.app_proto;
  delete min.direction;
  min.proto = 'ICMP';
  min.fleetgate = { operatorId: 'op-1', gatewayId: 'gw-1' };
  delete min.alert!.metadata;
  assert.deepEqual(validateAlertRecord(min), []);
});

test('alert schema: mistakes are named by path', () => {
  const cases: [string, (a: AlertRecord & Record<string, unknown>) => void, RegExp][] = [
    ['missing signature', (a) => delete (a.alert as Partial<AlertRecord['alert']>).signature, /^alert\.signature: is required$/],
    ['severity 0', (a) => (a.alert.severity = 0), /^alert\.severity: must be >= 1$/],
    ['bad action', (a) => ((a.alert as Record<string, unknown>).action = 'drop'), /^alert\.action: must be equal to one of the allowed values$/],
    ['null port', (a) => ((a as Record<string, unknown>).src_port = null), /^src_port: must be integer$/],
    ['bad ip', (a) => (a.dest_ip = '300.1.1.1'), /^dest_ip: must match pattern/],
    ['timestamp without micros', (a) => (a.timestamp = '2026-11-23T21:14:03Z'), /^timestamp: must match pattern/],
    ['other event_type', (a) => ((a as Record<string, unknown>).event_type = 'flow'), /^event_type: must be equal to constant$/],
    ['extra field', (a) => (a.verdict = { action: 'alert' }), /^verdict: is not a record field$/],
    ['no gateway', (a) => delete (a.fleetgate as Partial<AlertRecord['fleetgate']>).gatewayId, /^fleetgate\.gatewayId: is required$/],
  ];
  for (const [what, mutate, want] of cases) {
    const a = clone() as AlertRecord & Record<string, unknown>;
    mutate(a);
    const p = validateAlertRecord(a);
    assert.ok(p.some((x) => want.test(x)), `${what}: got ${JSON.stringify(p)}`);
  }
});

test('Outputs refuses an invalid alert and sends a valid one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-alert-'));
  const err = console.error;
  console.error = () => {};
  try {
    const path = join(dir, 'alerts.jsonl');
    const o = new Outputs({ sinks: [{ name: 'a', kind: 'jsonl', types: ['alert'], envelope: false, batchSize: 10, options: { path } }] }, { gatewayId: 'gw-1', operatorId: 'op-1' });
    await o.open();
    const bad = clone();
    bad.alert.severity = 0;
    o.emit('alert', 'gw-1:bad', bad);
    o.emit('alert', 'gw-1:good', alert);
    await o.close();
    assert.equal(o.invalid, 1);
    assert.match(o.invalidSamples[0], /^alert gw-1:bad: alert\.severity: must be >= 1/);
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), [alert]);
  } finally {
    console.error = err;
    rmSync(dir, { recursive: true, force: true });
  }
});
