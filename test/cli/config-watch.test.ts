// ConfigWatch: a reload is queued when the config file's bytes change, whether the editor renames a new
// file over it or writes it in place; events are debounced into one reload; other files of the folder,
// a rewrite with the same bytes, a missing file (between unlink and rename) and bytes a SIGHUP reload
// already loaded (markLoaded) queue nothing.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigWatch } from '../../src/cli/config-watch.js';

const DEBOUNCE = 60;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Long enough for fs events plus the debounce. */
const quiet = () => wait(DEBOUNCE * 5);

test('rename-over saves, in-place writes and re-creation each queue one reload; no-ops queue none', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-watch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fleet.yaml');
  writeFileSync(file, 'v: 1\n');
  let reloads = 0;
  const w = new ConfigWatch(file, () => reloads++, { debounceMs: DEBOUNCE });
  t.after(() => w.close());
  await quiet();
  assert.equal(reloads, 0, 'nothing at start');

  // an editor's save: write a temporary file, rename it over the config
  writeFileSync(join(dir, '.fleet.yaml.swp'), 'v: 2\n');
  renameSync(join(dir, '.fleet.yaml.swp'), file);
  await quiet();
  assert.equal(reloads, 1, 'atomic rename: one reload');

  // in place, in several writes (truncate, then content): debounced into one
  writeFileSync(file, '');
  writeFileSync(file, 'v: 3\n');
  writeFileSync(file, 'v: 3\nx: 1\n');
  await quiet();
  assert.equal(reloads, 2, 'in-place writes: one reload');

  writeFileSync(file, 'v: 3\nx: 1\n');
  writeFileSync(join(dir, 'reports.jsonl'), '{}\n');
  await quiet();
  assert.equal(reloads, 2, 'same bytes, or another file of the folder: nothing');

  unlinkSync(file);
  await quiet();
  assert.equal(reloads, 2, 'a missing file: nothing (yet)');
  writeFileSync(file, 'v: 4\n');
  await quiet();
  assert.equal(reloads, 3, 'created again with new bytes: one reload');

  // a SIGHUP reload read these bytes already: the watch does not queue them again
  writeFileSync(file, 'v: 5\n');
  w.markLoaded();
  await quiet();
  assert.equal(reloads, 3, 'bytes already loaded by another reload');
  assert.equal(w.triggered, 3);

  w.close();
  writeFileSync(file, 'v: 6\n');
  await quiet();
  assert.equal(reloads, 3, 'closed: nothing');
});

test('a folder that cannot be watched is reported, not thrown', () => {
  const problems: string[] = [];
  const w = new ConfigWatch('/nonexistent-fg-dir/fleet.yaml', () => {}, { onError: (e) => problems.push(e.message) });
  w.close();
  assert.equal(problems.length, 1);
  assert.match(problems[0], /ENOENT/);
});
