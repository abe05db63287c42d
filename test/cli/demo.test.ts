// `fleetgate demo` (what `npm start` runs): live simulator traffic, a summary line, reports on disk,
// and a clean stop that flushes the last interval.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { validateInspectionReport } from '../../src/export/records/inspection-report.js';

test('demo runs live, prints a summary, writes valid reports and stops cleanly', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-demo-'));
  try {
    const r = spawnSync(
      process.execPath,
      [resolve('dist/src/cli/main.js'), 'demo', '--duration', '4s', '--summary', '1s', '--devices', '20', '--data-dir', dir],
      { encoding: 'utf8', timeout: 30_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /devices online \d+\/20 \| \d+ packets\/s/);
    assert.match(r.stdout, /stopped: \d+ packets, \d+ reports written/);
    const reports = readFileSync(join(dir, 'reports.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(reports.length > 0, 'the stop flushed the open interval');
    for (const rep of reports) assert.deepEqual(validateInspectionReport(rep), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
