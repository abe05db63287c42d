// JsonlWriter: every line comes back in order and intact - multi-byte text, lines that cross the
// buffer's flush point, a line longer than the whole buffer - and append mode keeps what was there.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { JsonlWriter } from '../../src/export/jsonl-writer.js';

function readLines(path: string): unknown[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

test('lines come back in order and intact across flushes, with multi-byte text and a huge line', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-jsonl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'out.jsonl');
  const want: unknown[] = [];
  const w = new JsonlWriter(path);
  for (let i = 0; i < 5000; i++) {
    // about 1.4 MB in all: the 1 MiB buffer is flushed on the way
    const o = { i, name: `gerät-${i} ✓ 📷`, pad: 'x'.repeat(250) };
    want.push(o);
    w.write(o);
    if (i === 2500) {
      const huge = { i: -1, blob: 'é'.repeat(1 << 20) }; // 2 MB of UTF-8: more than the buffer
      want.push(huge);
      w.write(huge);
    }
  }
  w.close();
  assert.equal(w.lines, want.length);
  assert.deepEqual(readLines(path), want);
});

test('append mode adds after what the file holds', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fleetgate-jsonl-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'out.jsonl');
  const a = new JsonlWriter(path);
  a.write({ n: 1 });
  a.close();
  const b = new JsonlWriter(path, { append: true });
  b.write({ n: 2 });
  b.close();
  assert.deepEqual(readLines(path), [{ n: 1 }, { n: 2 }]);
});
