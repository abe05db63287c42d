// The anomaly record schema: device identity, metric, observed vs expected/forecast, score, window and
// action; each kind of mistake is named by path; Outputs refuses an invalid anomaly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { validateAnomalyRecord } from '../../../../src/export/records/security/index.js';
import type { AnomalyRecord } from '../../../../src/export/records/security/index.js';
import { Outputs } from '../../../../src/export/outputs.js';

const anomaly: AnomalyRecord = {
  timestamp: '2026-11-23T21:15:00.000000+0000',
  event_type: 'anomaly',
  device: { ip: '10.128.0.7', imsi: '001010123456789', name: 'meter-17', group: 'meters' },
  metric: 'bytes_up',
  unit: 'bytes',
  observed: 48_200_000,
  expected: 120_000,
  forecast: { lower: 0, upper: 400_000, model: 'ewma' },
  score: 41.7,
  threshold: 6,
  window: { start: '2026-11-23T21:10:00.000000+0000', end: '2026-11-23T21:15:00.000000+0000', seconds: 300 },
  action: 'quarantine',
  reason: 'uplink volume 400x the 7-day baseline',
  fleetgate: { operatorId: 'op-1', gatewayId: 'gw-1' },
};

const clone = (): AnomalyRecord & Record<string, unknown> => structuredClone(anomaly) as AnomalyRecord & Record<string, unknown>;

test('anomaly schema: a full and a minimal anomaly are valid', () => {
  assert.deepEqual(validateAnomalyRecord(anomaly), []);
  const min = clone();
  for (const k of ['unit', 'forecast', 'threshold', 'reason']) delete min[k];
  min.device = { ip: '2001:db8::7' };
  min.action = 'none';
  assert.deepEqual(validateAnomalyRecord(min), []);
});

test('anomaly schema: mistakes are named by path', () => {
  const cases: [string, (a: AnomalyRecord & Record<string, unknown>) => void, RegExp][] = [
    ['no device ip', (a) => (a.device = {} as AnomalyRecord['device']), /^device\.ip: is required$/],
    ['negative score', (a) => (a.score = -1), /^score: must be >= 0$/],
    ['unknown action', (a) => ((a as Record<string, unknown>).action = 'reboot'), /^action: must be equal to one of the allowed values$/],
    ['string observed', (a) => ((a as Record<string, unknown>).observed = '5'), /^observed: must be number$/],
    ['no window seconds', (a) => delete (a.window as Partial<AnomalyRecord['window']>).seconds, /^window\.seconds: is required$/],
    ['window backwards', (a) => (a.window.start = '2026-11-23T21:20:00.000000+0000'), /^window: start is after end$/],
    ['band upside down', (a) => (a.forecast = { lower: 10, upper: 1 }), /^forecast: lower is above upper$/],
    ['bad metric name', (a) => (a.metric = 'Bytes Up'), /^metric: must match pattern/],
    ['extra field', (a) => (a.severity = 3), /^severity: is not a record field$/],
  ];
  for (const [what, mutate, want] of cases) {
    const a = clone();
    mutate(a);
    const p = validateAnomalyRecord(a);
    assert.ok(p.some((x) => want.test(x)), `${what}: got ${JSON.stringify(p)}`);
  }
});

test('Outputs refuses an invalid anomaly and sends a valid one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-anomaly-'));
  const err = console.error;
  console.error = () => {};
  try {
    const path = join(dir, 'anomalies.jsonl');
    const o = new Outputs({ sinks: [{ name: 'a', kind: 'jsonl', types: ['anomaly'], envelope: false, batchSize: 10, options: { path } }] }, { gatewayId: 'gw-1', operatorId: 'op-1' });
    await o.open();
    const bad = clone();
    delete (bad as Record<string, unknown>).metric;
    o.emit('anomaly', 'gw-1:bad', bad);
    o.emit('anomaly', 'gw-1:good', anomaly);
    await o.close();
    assert.equal(o.invalid, 1);
    assert.deepEqual(readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), [anomaly]);
  } finally {
    console.error = err;
    rmSync(dir, { recursive: true, force: true });
  }
});
