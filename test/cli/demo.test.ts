// `fleetgate demo` (what `npm start` runs): live simulator traffic, the API and dashboard on a loopback
// port with a login key, a summary line, reports on disk, and a clean stop on Ctrl-C that flushes the
// last interval and revokes the login key.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { validateInspectionReport } from '../../src/export/records/inspection-report.js';
import { Store } from '../../src/control/store/store.js';

test('demo runs live with the dashboard, prints a summary, writes valid reports and stops cleanly on Ctrl-C', { timeout: 40_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-demo-'));
  try {
    const child = spawn(
      process.execPath,
      [resolve('dist/src/cli/main.js'), 'demo', '--duration', '30s', '--summary', '1s', '--devices', '20', '--data-dir', dir, '--port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    const waitFor = async (re: RegExp, ms: number) => {
      const end = Date.now() + ms;
      while (!re.test(stdout) && Date.now() < end) await new Promise((d) => setTimeout(d, 50));
      const m = re.exec(stdout);
      assert.ok(m, `no ${re} in:\n${stdout}\n${stderr}`);
      return m;
    };

    const url = (await waitFor(/Dashboard: (http:\/\/127\.0\.0\.1:\d+)\//, 15_000))[1];
    const key = (await waitFor(/Login key: (fgk_\S+)/, 1000))[1];
    const page = await fetch(`${url}/`);
    assert.ok(page.status === 200 || page.status === 503, `dashboard page: ${page.status}`); // 503 = UI not built
    const counters = await fetch(`${url}/v1/gateways/sim-gateway/counters`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(counters.status, 200);
    assert.equal(((await counters.json()) as { running: boolean }).running, true);
    await waitFor(/devices online \d+\/20 \| \d+ packets\/s/, 5000);

    child.kill('SIGINT');
    assert.equal(await exited, 0, stderr);
    assert.match(stdout, /stopped: \d+ packets, \d+ reports written/);
    const reports = readFileSync(join(dir, 'reports.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(reports.length > 0, 'the stop flushed the open interval');
    for (const rep of reports) assert.deepEqual(validateInspectionReport(rep), []);
    // The login key lived only as long as the demo.
    const store = Store.open(join(dir, 'fleetgate.db'));
    try {
      assert.equal(store.operators.authenticate(key), null);
      assert.ok(store.history.reports({ operatorId: 'sim-operator', limit: 1000 }).length >= reports.length);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
