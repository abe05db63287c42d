// Parts of one device's report from several live workers become one report, once every worker has
// closed the interval; a late part goes out alone with a distinct id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReportMerger } from '../../../src/pipeline/live-workers/report-merger.js';
import { SplitReportIds } from '../../../src/pipeline/live-workers/split-report-ids.js';
import type { InspectionReportOut } from '../../../src/export/inspection/report-builder.js';

function part(endMs: number, ip: string, up: number, dests: [string, number][], apps: [string, number][]): InspectionReportOut {
  return {
    recordType: 'inspection',
    recordId: `gw:${endMs}:${ip}`,
    operatorId: 'op',
    gatewayId: 'gw',
    timestamp: endMs,
    payloads: {
      device: { ip, registered: true },
      interval: { start: endMs - 60_000, end: endMs },
      uplink: { packets: up, bytes: up * 100 },
      downlink: { packets: 1, bytes: 50 },
      flows: { active: 1, new: 1 },
      destinations: dests.map(([address, bytes]) => ({ address, port: 443, protocol: 'TCP', uplinkBytes: bytes, downlinkBytes: 0, bytes, packets: 1 })),
      applications: apps.map(([app, bytes]) => ({ app, method: 'dpi' as const, packets: 1, bytes, uplinkBytes: bytes, downlinkBytes: 0, flows: 1 })),
    },
  };
}

test('parts are held until every worker closed the interval, then merged into one report', () => {
  const out: InspectionReportOut[] = [];
  const m = new ReportMerger(2, 2, (r) => out.push(r));
  m.add(0, [part(60_000, '10.0.0.2', 3, [['1.1.1.1', 10], ['2.2.2.2', 5]], [['TLS', 15]])], 60_000);
  assert.equal(out.length, 0, 'worker 1 has not closed the interval yet');
  m.add(1, [part(60_000, '10.0.0.2', 4, [['2.2.2.2', 20], ['3.3.3.3', 1]], [['TLS', 20], ['DNS', 1]])], 60_000);
  assert.equal(out.length, 1);
  const r = out[0];
  assert.equal(r.recordId, 'gw:60000:10.0.0.2');
  assert.equal(r.payloads.uplink.packets, 7);
  assert.equal(r.payloads.downlink.packets, 2);
  assert.deepEqual(r.payloads.flows, { active: 2, new: 2 });
  assert.deepEqual(r.payloads.destinations.map((d) => [d.address, d.bytes]), [['2.2.2.2', 25], ['1.1.1.1', 10]], 'merged, re-ranked, top 2');
  assert.deepEqual(r.payloads.applications.map((a) => [a.app, a.bytes, a.flows]), [['TLS', 35, 2], ['DNS', 1, 1]]);
  assert.equal(m.merged, 1);

  // a part of the same interval that comes after it went out: alone, with its own id
  m.add(1, [part(60_000, '10.0.0.2', 1, [], [])], 60_000);
  assert.equal(out.length, 2);
  assert.equal(out[1].recordId, 'gw:60000:10.0.0.2:part2');
  assert.equal(m.lateParts, 1);
});

test('a worker with nothing open (idle, stopped or gone) does not hold intervals back; finish() emits the rest', () => {
  const out: InspectionReportOut[] = [];
  const m = new ReportMerger(3, 10, (r) => out.push(r));
  m.add(0, [part(60_000, '10.0.0.2', 1, [], [])], 60_000);
  m.add(1, [], null);
  assert.equal(out.length, 0, 'worker 2 has not said anything yet');
  m.add(2, [], 120_000);
  assert.equal(out.length, 1);
  m.add(0, [part(180_000, '10.0.0.3', 1, [], [])], 180_000);
  assert.equal(out.length, 1, 'worker 2 still has the interval ending at 180000 open');
  m.finish();
  assert.deepEqual(out.map((r) => r.recordId), ['gw:60000:10.0.0.2', 'gw:180000:10.0.0.3']);
});

test('workers idle at start (nothing open on any) do not make later parts late', () => {
  const out: InspectionReportOut[] = [];
  const m = new ReportMerger(2, 2, (r) => out.push(r));
  // the first flushes of both workers come before any packet (and before their idle tick)
  m.add(0, [], null);
  m.add(1, [], null);
  m.add(0, [], 60_000);
  m.add(1, [], 60_000);
  // the gateway stops: each worker sends its part of the same interval, with nothing open any more
  m.add(0, [part(120_000, '10.0.0.2', 2, [['1.1.1.1', 10]], [['ICMP', 10]])], null);
  assert.equal(out.length, 0, 'worker 1 still has the interval open');
  m.add(1, [part(120_000, '10.0.0.2', 5, [['2.2.2.2', 10]], [['HTTP', 10]])], null);
  assert.equal(out.length, 1, 'one merged report');
  assert.equal(out[0].recordId, 'gw:120000:10.0.0.2');
  assert.equal(out[0].payloads.uplink.packets, 7);
  assert.equal(m.merged, 1);
  assert.equal(m.lateParts, 0);
});

test('pools sharing their ids (a pool restarted on new ports) never give two reports one id', () => {
  const out: InspectionReportOut[] = [];
  const ids = new SplitReportIds();
  const first = new ReportMerger(2, 2, (r) => out.push(r), ids);
  first.add(0, [part(60_000, '10.0.0.2', 3, [], [])], 60_000);
  first.add(1, [], 60_000);
  // a late part inside the first pool: renamed :part2 there
  first.add(1, [part(60_000, '10.0.0.2', 1, [], [])], 60_000);
  first.finish();
  // the next pool reports the same interval for the same device: it must not be a second :part2
  const second = new ReportMerger(2, 2, (r) => out.push(r), ids);
  second.add(0, [part(60_000, '10.0.0.2', 2, [], [])], null);
  second.add(1, [], null);
  second.finish();
  assert.deepEqual(out.map((r) => r.recordId), ['gw:60000:10.0.0.2', 'gw:60000:10.0.0.2:part2', 'gw:60000:10.0.0.2:part3']);
  assert.equal(out.reduce((a, r) => a + r.payloads.uplink.packets, 0), 6, 'every part reported once');
});
