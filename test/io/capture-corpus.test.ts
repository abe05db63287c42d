// Every capture of the peer corpus is read (by magic, whatever its extension) and its frame count
// is checked against Wireshark's capinfos when that tool is installed.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CaptureError } from '../../src/core/errors.js';
import { openCapture } from '../../src/io/capture-reader.js';

const corpus = resolve(process.cwd(), '../shared/corpus');

function corpusFiles(): string[] {
  const ndpi = join(corpus, 'ndpi/pcap');
  const files = existsSync(ndpi) ? readdirSync(ndpi).map((f) => join(ndpi, f)) : [];
  const sv = join(corpus, 'suricata-verify');
  if (existsSync(sv)) {
    for (const f of readdirSync(sv, { recursive: true }).map(String)) if (/\.pcap/.test(f)) files.push(join(sv, f));
  }
  return files.sort();
}

/** Frame counts from `capinfos -T -M -c -r` (one process for all files), or null without capinfos. */
function capinfosCounts(files: string[]): Map<string, number> | null {
  const r = spawnSync('capinfos', ['-T', '-M', '-c', '-r', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) return null;
  const counts = new Map<string, number>();
  for (const line of r.stdout.split('\n')) {
    const [name, n] = line.split('\t');
    if (name && n && /^\d+$/.test(n.trim())) counts.set(name, Number(n));
  }
  return counts;
}

async function countFrames(path: string, chunkBytes?: number): Promise<{ count: number; error: unknown }> {
  let count = 0;
  try {
    for await (const b of await openCapture(path, { chunkBytes })) count += b.count;
  } catch (error) {
    return { count, error };
  }
  return { count, error: null };
}

describe('peer corpus captures', () => {
  it('reads every corpus capture and matches capinfos frame counts', async (t) => {
    if (!existsSync(corpus)) {
      t.skip(`corpus not found at ${corpus}`);
      return;
    }
    const files = corpusFiles();
    assert.ok(files.length > 200, `expected the nDPI and suricata-verify captures, found ${files.length}`);
    const reference = capinfosCounts(files);
    if (!reference) t.diagnostic('capinfos is not on PATH: frame counts are not compared');
    const corrupt: string[] = [];
    let compared = 0;
    for (const f of files) {
      const { count, error } = await countFrames(f);
      if (error) {
        assert.ok(error instanceof CaptureError, `${f}: ${String(error)}`);
        corrupt.push(`${f}: ${error.message}`);
      }
      // A small chunk makes most records straddle chunk boundaries; the result must not change.
      const small = await countFrames(f, 4096);
      assert.equal(small.count, count, `${f}: count with 4 KiB chunks`);
      const expected = reference?.get(f);
      if (expected !== undefined && !error) {
        assert.equal(count, expected, `${f}: frames vs capinfos`);
        compared++;
      }
    }
    for (const c of corrupt) t.diagnostic(`corrupt capture: ${c}`);
    t.diagnostic(`${files.length} captures read, ${compared} compared with capinfos, ${corrupt.length} corrupt`);
    if (reference) assert.equal(compared + corrupt.length, files.length, 'capinfos reported every file');
  });
});
