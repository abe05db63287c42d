// The benchmark's floor (bench/minimal-count.ts) counts what the product counts on a simulated fleet
// capture, and refuses what it cannot read with an error that says why.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { countMinimal } from '../../bench/minimal-count.js';
import { writeSimCapture } from '../_support/sim-capture.js';
import { openCapture } from '../../src/io/capture-reader.js';
import { decodeFrame } from '../../src/packet/decode.js';
import { PacketView } from '../../src/core/packet-view.js';
import { FlowTable } from '../../src/flow/flow-table.js';

/** Frames and flows as the product's packet core sees them. */
async function productCount(path: string): Promise<{ frames: number; flows: number }> {
  const reader = await openCapture(path);
  const p = new PacketView();
  // expire() is never called, so no flow ends: one flow per 5-tuple, as the floor counts
  const flows = new FlowTable({ capacity: 1 << 20 });
  let frames = 0;
  for await (const b of reader) {
    for (let i = 0; i < b.count; i++) {
      decodeFrame(p, b.buf, b.off[i], b.capLen[i], b.wireLen[i], b.tsUs[i], b.linkType[i]);
      flows.track(p);
    }
    frames += b.count;
  }
  return { frames, flows: flows.stats.created };
}

describe('the benchmark floor (minimal loop)', async () => {
  const cap = await writeSimCapture({ devices: 20, durationSec: 60, seed: 3 });
  after(() => rmSync(cap.dir, { recursive: true, force: true }));

  it('counts the same frames and flows as the flow table on a simulated fleet', async () => {
    const got = await countMinimal(cap.pcap);
    assert.equal(got.frames, cap.frames);
    assert.ok(got.flows > 100, `only ${got.flows} flows`);
    assert.deepEqual(got, await productCount(cap.pcap));
  });

  it('refuses a file that is not a little-endian Ethernet pcap', async () => {
    const bad = join(cap.dir, 'not.pcap');
    writeFileSync(bad, 'this is not a capture file at all');
    await assert.rejects(countMinimal(bad), /not a little-endian µs pcap of Ethernet frames/);
  });

  it('names the byte offset of a truncated last record', async () => {
    const whole = readFileSync(cap.pcap);
    const cut = join(cap.dir, 'cut.pcap');
    writeFileSync(cut, whole.subarray(0, whole.length - 10));
    await assert.rejects(countMinimal(cut), /truncated record at byte offset \d+/);
  });
});
