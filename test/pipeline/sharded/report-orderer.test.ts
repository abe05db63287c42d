// The sharded replay's report orderer: stable order, and an interval released only once every shard closed it.
import test from 'node:test';
import assert from 'node:assert/strict';
import { ReportOrderer } from '../../../src/pipeline/sharded/report-orderer.js';
import type { InspectionReportOut } from '../../../src/export/inspection/report-builder.js';

const report = (timestamp: number, ip: string) => ({ timestamp, recordId: `gw:${timestamp}:${ip}` }) as InspectionReportOut;

test('releases the reports of intervals ending at or before the frontier, sorted by end then record id', () => {
  const out: string[] = [];
  const o = new ReportOrderer((r) => out.push(r.recordId));
  o.add(report(120_000, '10.0.0.2'));
  o.add(report(60_000, '10.0.0.9'));
  o.add(report(180_000, '10.0.0.1'));
  o.add(report(60_000, '10.0.0.10'));
  o.release(59_999);
  assert.deepEqual(out, [], 'nothing has closed yet');
  o.release(60_000);
  assert.deepEqual(out, ['gw:60000:10.0.0.10', 'gw:60000:10.0.0.9']);
  o.add(report(120_000, '10.0.0.1')); // a late shard's report of an interval not yet released
  o.release(120_000);
  assert.deepEqual(out.slice(2), ['gw:120000:10.0.0.1', 'gw:120000:10.0.0.2']);
  o.releaseAll();
  assert.deepEqual(out.slice(4), ['gw:180000:10.0.0.1']);
  assert.equal(o.released, 5);
});
