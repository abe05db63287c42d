// Prometheus output: the metrics text passes `promtool check metrics` and its counters equal the
// replay's totals (flows, packets and bytes each way per application, the gateway's IP packets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { needTool } from '../../_support/tools.js';
import { writeSimCapture } from '../../_support/sim-capture.js';
import { PrometheusSink } from '../../../src/export/sinks/prometheus.js';
import type { FlowRecord } from '../../../src/export/flows/flow-record.js';

const CLI = resolve('dist/src/cli/main.js');

function sample(text: string, metric: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric + '{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

test('replay --output prometheus: promtool accepts the text and the counters equal the replay totals', { timeout: 60_000 }, async (t) => {
  const cap = await writeSimCapture({ devices: 15, durationSec: 90, seed: 4, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  try {
    const prom = join(cap.dir, 'fleet.prom');
    const flowsFile = join(cap.dir, 'flows.jsonl');
    const res = spawnSync(process.execPath, [CLI, 'replay', cap.pcap, '--config', cap.config, '--output', `prometheus:${prom}`, '--flows-out', flowsFile, '--out', '/dev/null'], {
      encoding: 'utf8',
      env: { ...process.env, FLEETGATE_PRINT_STATS: '1' },
    });
    assert.equal(res.status, 0, res.stderr);
    const text = readFileSync(prom, 'utf8');
    const stats = JSON.parse(/FLEETGATE_STATS (.*)/.exec(res.stderr)![1]) as { ipPackets: number; ipBytes: number; frames: number };
    const flows = readFileSync(flowsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FlowRecord);
    const gw = /gateway="([^"]+)"/.exec(text)![1];
    assert.equal(sample(text, 'fleetgate_gateway_packets_total', { gateway: gw }), stats.ipPackets);
    assert.equal(sample(text, 'fleetgate_gateway_bytes_total', { gateway: gw }), stats.ipBytes);
    assert.equal(sample(text, 'fleetgate_app_flows_total', {}), flows.length);
    const apps = new Set(flows.map((f) => f.app));
    assert.ok(apps.size >= 3, `apps ${[...apps].join(',')}`);
    for (const app of apps) {
      const of = flows.filter((f) => f.app === app);
      assert.equal(sample(text, 'fleetgate_app_packets_total', { app, direction: 'up' }), of.reduce((s, f) => s + f.pktsAB, 0), app);
      assert.equal(sample(text, 'fleetgate_app_bytes_total', { app, direction: 'down' }), of.reduce((s, f) => s + f.bytesBA, 0), app);
    }
    assert.equal(sample(text, 'fleetgate_output_records_total', { outcome: 'sent' }), sample(text, 'fleetgate_output_records_total', { outcome: 'queued' }));
    assert.ok(sample(text, 'fleetgate_inspection_reports_total', {}) > 0);
    if (!needTool(t, 'promtool')) return;
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(check.status, 0, check.stdout + check.stderr);
  } finally {
    rmSync(cap.dir, { recursive: true, force: true });
  }
});

test('the /metrics endpoint serves the same registry, per-sink counters included', async () => {
  const sink = new PrometheusSink({ name: 'p', gatewayId: 'gw-1', listen: { host: '127.0.0.1', port: 0 } });
  sink.addSinkStats('hook', () => ({ queued: 5, sent: 4, retried: 2, spooled: 1, dropped: 0 }));
  sink.setPortStats(() => [{ port: 'vxlan0', rxPackets: 10, rxBytes: 1000, txPackets: 9, txBytes: 900 }]);
  await sink.open();
  try {
    const body = Buffer.from(JSON.stringify({ id: 'x', type: 'flow', record: { app: 'MQTT', pktsAB: 3, pktsBA: 2, bytesAB: 300, bytesBA: 200 } }));
    await sink.write([{ id: 'x', type: 'flow', body }]);
    const res = await fetch(`http://127.0.0.1:${sink.port}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.equal(sample(text, 'fleetgate_app_bytes_total', { gateway: 'gw-1', app: 'MQTT', direction: 'up' }), 300);
    assert.equal(sample(text, 'fleetgate_output_records_total', { sink: 'hook', outcome: 'retried' }), 2);
    assert.equal(sample(text, 'fleetgate_port_packets_total', { port: 'vxlan0', direction: 'tx' }), 9);
    assert.equal((await fetch(`http://127.0.0.1:${sink.port}/other`)).status, 404);
  } finally {
    await sink.close();
  }
});
