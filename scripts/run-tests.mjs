// Runs every compiled test file (dist/test/**/*.test.js) with Node's own test runner.
// Node 20 has no glob support for --test, and a bare directory would also run helper modules.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = 'dist/test';
const filter = process.argv[2];
const files = readdirSync(root, { recursive: true })
  .map(String)
  .filter((f) => f.endsWith('.test.js'))
  .filter((f) => !filter || f.includes(filter))
  .map((f) => join(root, f))
  .sort();
if (files.length === 0) {
  console.error(`no test files under ${root}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
// --test-timeout: no single test may hang CI (the slowest, a 30 s broker outage, takes about a minute);
// --test-force-exit: a test file whose tests are done exits even if a client left a socket open.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=300000', '--test-force-exit', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
