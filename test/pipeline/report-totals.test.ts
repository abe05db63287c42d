// Inspection counters are deltas: the sum of all reports equals the capture's IP totals exactly,
// checked against the pipeline's own count and against tshark's count of the same file.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { validateInspectionReport } from '../../src/export/records/inspection-report.js';
import type { InspectionReportOut } from '../../src/export/inspection/report-builder.js';
import { writeSimCapture } from '../_support/sim-capture.js';
import { needTool } from '../_support/tools.js';

test('sum of all Inspection reports equals the capture totals', async (t) => {
  const cap = await writeSimCapture({ devices: 12, durationSec: 150, seed: 3, startTimeUs: Date.UTC(2026, 0, 1) * 1000 + 123_456 });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const config = loadConfig(cap.config);
  const reports: InspectionReportOut[] = [];
  const pipeline = new Pipeline({
    operatorId: config.operator.id,
    gatewayId: config.gateway.id,
    intervalUs: 10e6,
    flowCapacity: 1 << 14,
    devices: DeviceDirectory.fromConfig(config),
    onReport: (r) => reports.push(r),
  });
  const res = await replayFile(cap.pcap, pipeline);
  assert.equal(res.captureError, undefined);

  let packets = 0;
  let bytes = 0;
  for (const r of reports) {
    assert.deepEqual(validateInspectionReport(r), [], `report ${r.recordId} matches the schema`);
    packets += r.payloads.uplink.packets + r.payloads.downlink.packets;
    bytes += r.payloads.uplink.bytes + r.payloads.downlink.bytes;
    const appPackets = r.payloads.applications.reduce((s, a) => s + a.packets, 0);
    assert.equal(appPackets, r.payloads.uplink.packets + r.payloads.downlink.packets, 'apps add up to the device total');
    assert.ok(r.payloads.interval.end - r.payloads.interval.start === 10_000);
  }
  assert.ok(reports.length > 12, 'several intervals of reports');
  assert.equal(pipeline.stats.unattributedPackets, 0, 'every simulated packet belongs to a declared device');
  assert.equal(packets, pipeline.stats.ipPackets);
  assert.equal(bytes, pipeline.stats.ipBytes);
  assert.equal(pipeline.stats.frames, cap.frames);

  if (!needTool(t, 'tshark')) return;
  const r = spawnSync('tshark', ['-r', cap.pcap, '-T', 'fields', '-e', 'ip.len'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const lens = r.stdout.split('\n').filter((l) => l !== '').map((l) => Number(l.split(',')[0]));
  assert.equal(lens.length, packets, 'tshark counts the same IP packets');
  assert.equal(lens.reduce((s, n) => s + n, 0), bytes, 'tshark sums the same IP bytes');
});

test('totals stay exact when a too-small flow table evicts flows all the time', async (t) => {
  const cap = await writeSimCapture({ devices: 20, durationSec: 90, seed: 5, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const config = loadConfig(cap.config);
  let packets = 0;
  let bytes = 0;
  const pipeline = new Pipeline({
    operatorId: config.operator.id,
    gatewayId: config.gateway.id,
    intervalUs: 10e6,
    flowCapacity: 16,
    devices: DeviceDirectory.fromConfig(config),
    onReport: (r) => {
      packets += r.payloads.uplink.packets + r.payloads.downlink.packets;
      bytes += r.payloads.uplink.bytes + r.payloads.downlink.bytes;
    },
  });
  await replayFile(cap.pcap, pipeline);
  assert.ok(pipeline.flows.stats.evicted > 0, 'the table had to evict');
  assert.equal(packets, pipeline.stats.ipPackets);
  assert.equal(bytes, pipeline.stats.ipBytes);
});
