// processBatch's fast path (a plain IPv4 packet of a known, unwatched flow is only counted) changes
// nothing the pipeline produces: the same captures through processBatch and through processFrame, frame
// by frame (always the full path), give the same reports, flow records and counters - with DPI on and
// off, with a table small enough to evict, and with a short active timeout.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline, type PipelineOptions } from '../../src/pipeline/worker.js';
import { FrameBatch } from '../../src/core/frame-batch.js';
import { readCaptureSync } from '../../src/io/read-capture-sync.js';
import { CaptureError } from '../../src/core/errors.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';
import type { InspectionReportOut } from '../../src/export/inspection/report-builder.js';
import { writeSimCapture } from '../_support/sim-capture.js';
import { corpusDir } from '../_support/tools.js';

interface Outcome {
  reports: InspectionReportOut[];
  flows: FlowRecord[];
  stats: object;
  table: object;
}

type Setup = Omit<PipelineOptions, 'onReport' | 'onFlowEnd'>;

/** Runs the capture's frames through one pipeline, in batches (fast path) or one processFrame each. */
function run(path: string, setup: Setup, batched: boolean): Outcome {
  const out: Outcome = { reports: [], flows: [], stats: {}, table: {} };
  const p = new Pipeline({ ...setup, onReport: (r) => out.reports.push(r), onFlowEnd: (r) => out.flows.push(r) });
  const { frames } = readCaptureSync(path);
  if (batched) {
    // every frame in one buffer, batches of 64 (as the capture reader hands them over)
    const buf = new Uint8Array(frames.reduce((n, f) => n + f.data.length, 0));
    const batch = new FrameBatch(64, buf);
    let at = 0;
    for (const f of frames) {
      buf.set(f.data, at);
      batch.push(at, f.data.length, f.wireLen, f.tsUs, f.linkType, f.ifIndex);
      at += f.data.length;
      if (batch.full) {
        p.processBatch(batch);
        batch.count = 0;
      }
    }
    p.processBatch(batch);
  } else {
    for (const f of frames) p.processFrame(f.data, 0, f.data.length, f.wireLen, f.tsUs, f.linkType, f.ifIndex);
  }
  p.finish();
  out.stats = { ...p.stats };
  out.table = { ...p.flows.stats };
  return out;
}

function assertSameOutcome(path: string, setup: Setup, what: string): Outcome {
  const full = run(path, setup, false);
  const fast = run(path, setup, true);
  assert.deepEqual(fast.stats, full.stats, `${what}: pipeline counters`);
  assert.deepEqual(fast.table, full.table, `${what}: flow table counters`);
  assert.deepEqual(fast.flows, full.flows, `${what}: flow records`);
  assert.deepEqual(fast.reports, full.reports, `${what}: reports`);
  return fast;
}

const base = { operatorId: 'op', gatewayId: 'gw', intervalUs: 10e6, flowCapacity: 1 << 14 };

test('a simulated fleet gives the same reports and flows through the fast path', async (t) => {
  const cap = await writeSimCapture({ devices: 16, durationSec: 90, seed: 21, scenarios: ['scanner', 'synflood', 'dns-blocklisted', 'exfil'] });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const devices = DeviceDirectory.fromConfig(loadConfig(cap.config));
  const cases: [string, Setup][] = [
    ['DPI on', { ...base, devices }],
    ['DPI off', { ...base, devices, dpi: false }],
    ['a table that evicts', { ...base, devices, flowCapacity: 64 }],
    ['a 5 s active timeout', { ...base, devices, timeouts: { active: 5 } }],
  ];
  for (const [what, setup] of cases) {
    const out = assertSameOutcome(cap.pcap, setup, what);
    assert.ok(out.reports.length > 16, `${what}: reports were made`);
  }
});

test('the nDPI captures give the same reports and flows through the fast path', (t) => {
  const dir = corpusDir(t, 'ndpi/pcap');
  if (!dir) return;
  const files = readdirSync(dir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f)).sort();
  assert.ok(files.length > 10);
  for (const f of files) {
    let ok = true;
    try {
      readCaptureSync(join(dir, f));
    } catch (e) {
      // a corrupt or truncated capture: corpus-replay.test.ts covers those; anything else is a bug
      if (!(e instanceof CaptureError)) throw e;
      ok = false;
    }
    if (ok) assertSameOutcome(join(dir, f), { ...base, devices: DeviceDirectory.empty() }, f);
  }
});
