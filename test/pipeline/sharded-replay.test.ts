// A replay on worker threads (sharded by device) reports exactly what the single-threaded replay does.
import test from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { Pipeline } from '../../src/pipeline/worker.js';
import { replayFile } from '../../src/pipeline/replay.js';
import { shardedReplay } from '../../src/pipeline/sharded/sharded-replay.js';
import { fleetSetup } from '../../src/cli/fleet-setup.js';
import type { InspectionReportOut } from '../../src/export/inspection/report-builder.js';
import { writeSimCapture } from '../_support/sim-capture.js';

const order = (a: InspectionReportOut, b: InspectionReportOut) => a.timestamp - b.timestamp || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0);

test('sharded replay on 2 and 3 shards gives the same reports and totals as one thread, with and without a shard on the reading thread', async (t) => {
  const cap = await writeSimCapture({ devices: 15, durationSec: 100, seed: 21, startTimeUs: Date.UTC(2026, 0, 1) * 1000, scenarios: ['scanner'] });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const s = fleetSetup({ config: cap.config, intervalSec: 20 });
  const single: InspectionReportOut[] = [];
  const p = new Pipeline({
    operatorId: s.operatorId,
    gatewayId: s.gatewayId,
    intervalUs: 20e6,
    flowCapacity: 1 << 14,
    devices: s.devices,
    catalog: s.catalog,
    onReport: (r) => single.push(r),
  });
  await replayFile(cap.pcap, p);
  single.sort(order);
  assert.ok(single.length > 15);

  for (const shards of [2, 3]) {
    for (const readerShard of [true, false]) {
      const res = await shardedReplay(cap.pcap, shards, { config: cap.config, intervalSec: 20, dpi: true }, {}, { readerShard });
      const what = `${shards} shards, readerShard ${readerShard}`;
      assert.equal(res.stats.frames, p.stats.frames, what);
      assert.equal(res.stats.ipPackets, p.stats.ipPackets, what);
      assert.equal(res.stats.ipBytes, p.stats.ipBytes, what);
      assert.equal(res.flows.created, p.flows.stats.created, what);
      assert.deepEqual(res.reports, single, what);
      assert.equal(res.reportCount, single.length, what);
    }
  }
  // streamed: the same reports in the same order through the handler, none kept in the result
  const streamed: InspectionReportOut[] = [];
  const res = await shardedReplay(cap.pcap, 2, { config: cap.config, intervalSec: 20, dpi: true }, { onOrderedReport: (r) => streamed.push(r) });
  assert.deepEqual(streamed, single);
  assert.deepEqual(res.reports, []);
  assert.equal(res.reportCount, single.length);
});
