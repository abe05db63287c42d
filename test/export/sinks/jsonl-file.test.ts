import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { JsonlFileSink } from '../../../src/export/sinks/jsonl-file.js';
import type { SinkRecord } from '../../../src/export/sinks/sink.js';

const rec = (i: number): SinkRecord => ({ id: `r${i}`, type: 'flow', body: Buffer.from(JSON.stringify({ i, pad: 'x'.repeat(40) })) });

test('appends one line per record and rotates by size into gzip files, losing nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jsonl-'));
  try {
    const sink = new JsonlFileSink({ name: 'f', path: join(dir, 'out.jsonl'), rotateBytes: 500, gzip: true });
    await sink.open();
    for (let b = 0; b < 10; b++) await sink.write(Array.from({ length: 10 }, (_, k) => rec(b * 10 + k)));
    await sink.close();
    assert.ok(sink.rotated.length >= 8, `rotated ${sink.rotated.length}`);
    assert.ok(sink.rotated.every((f) => f.endsWith('.jsonl.gz')));
    const files = readdirSync(dir).sort();
    assert.equal(files.filter((f) => f.endsWith('.gz')).length, sink.rotated.length);
    const lines: string[] = [];
    for (const f of sink.rotated) lines.push(...gunzipSync(readFileSync(f)).toString().trim().split('\n'));
    lines.push(...readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n').filter(Boolean));
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { i: number }).i), Array.from({ length: 100 }, (_, i) => i));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('rotates by age', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-jsonl-'));
  try {
    let now = Date.UTC(2026, 0, 1);
    const sink = new JsonlFileSink({ name: 'f', path: join(dir, 'out.jsonl'), rotateSeconds: 60, now: () => now });
    await sink.open();
    await sink.write([rec(1)]);
    now += 30_000;
    await sink.write([rec(2)]);
    assert.equal(sink.rotated.length, 0);
    now += 31_000;
    await sink.write([rec(3)]);
    await sink.close();
    assert.equal(sink.rotated.length, 1);
    assert.match(sink.rotated[0], /out\.2026-01-01T00-01-01-000Z\.jsonl$/);
    assert.equal(readFileSync(sink.rotated[0], 'utf8').trim().split('\n').length, 2);
    assert.equal(readFileSync(join(dir, 'out.jsonl'), 'utf8'), `${Buffer.from(rec(3).body).toString()}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
