// SplitReportIds: the parts of a device split across live workers get distinct record ids.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SplitReportIds } from '../../../src/pipeline/live-workers/split-report-ids.js';
import type { InspectionReportOut } from '../../../src/export/inspection/report-builder.js';

const report = (timestamp: number, ip: string) => ({ recordId: `gw:${timestamp}:${ip}`, timestamp }) as InspectionReportOut;

describe('SplitReportIds', () => {
  it('keeps the first id of an interval and numbers the later parts', () => {
    const ids = new SplitReportIds();
    const a = report(60_000, '10.128.0.2');
    const b = report(60_000, '10.128.0.2');
    const c = report(60_000, '10.128.0.3');
    const d = report(60_000, '10.128.0.2');
    const e = report(120_000, '10.128.0.2');
    for (const r of [a, b, c, d, e]) ids.claim(r);
    assert.deepEqual([a, b, c, d, e].map((r) => r.recordId), ['gw:60000:10.128.0.2', 'gw:60000:10.128.0.2:part2', 'gw:60000:10.128.0.3', 'gw:60000:10.128.0.2:part3', 'gw:120000:10.128.0.2']);
    assert.equal(ids.renamed, 2);
  });

  it('remembers only the last few intervals', () => {
    const ids = new SplitReportIds();
    for (let k = 1; k <= 10; k++) ids.claim(report(k * 60_000, '10.128.0.2'));
    const old = report(60_000, '10.128.0.2');
    ids.claim(old);
    assert.equal(old.recordId, 'gw:60000:10.128.0.2', 'an interval long closed is forgotten');
    const recent = report(10 * 60_000, '10.128.0.2');
    ids.claim(recent);
    assert.equal(recent.recordId, 'gw:600000:10.128.0.2:part2');
  });
});
