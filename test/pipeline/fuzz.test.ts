// Fuzz: at least 1 million randomly mutated corpus packets and random frames go through the whole
// pipeline (decode, flow table, attribution, inspection), every other one through processBatch and its
// fast path; nothing may throw, and it must finish in bounded time (the loop is bounded by count, a
// hang would time the test out).
import test from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Pipeline } from '../../src/pipeline/worker.js';
import { FrameBatch } from '../../src/core/frame-batch.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { readCaptureSync } from '../../src/io/capture-reader.js';
import { corpusDir } from '../_support/tools.js';

const TOTAL = Number(process.env.FUZZ_PACKETS ?? 1_000_000);
const LINK_TYPES = [0, 1, 101, 108, 113, 228, 229, 276];

/** xorshift32: deterministic and allocation-free. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function samplePackets(t: import('node:test').TestContext): { data: Uint8Array; linkType: number }[] {
  const dir = corpusDir(t, 'ndpi/pcap');
  if (!dir) return [];
  const out: { data: Uint8Array; linkType: number }[] = [];
  for (const f of readdirSync(dir).sort()) {
    const { frames } = readCaptureSync(join(dir, f));
    for (let i = 0; i < frames.length && i < 40; i++) out.push({ data: frames[i].data, linkType: frames[i].linkType });
  }
  return out;
}

test(`fuzz: ${TOTAL} mutated and random frames never throw out of the pipeline`, { timeout: 300_000 }, (t) => {
  const samples = samplePackets(t);
  const pipeline = new Pipeline({
    operatorId: 'op',
    gatewayId: 'gw',
    intervalUs: 10e6,
    flowCapacity: 1 << 15,
    devices: DeviceDirectory.empty(),
    onReport: () => {},
  });
  const next = rng(0xf1ee7);
  const scratch = new Uint8Array(4096);
  const one = new FrameBatch(1, scratch);
  let ts = 1_700_000_000_000_000;
  let mutated = 0;
  for (let n = 0; n < TOTAL; n++) {
    let len: number;
    let linkType: number;
    if (samples.length > 0 && next() % 4 !== 0) {
      const s = samples[next() % samples.length];
      len = Math.min(s.data.length, scratch.length);
      scratch.set(s.data.subarray(0, len));
      // flip a few bytes, sometimes cut the frame short
      const flips = 1 + (next() % 4);
      for (let k = 0; k < flips; k++) scratch[next() % len] = next() & 0xff;
      if (next() % 5 === 0) len = next() % (len + 1);
      linkType = next() % 8 === 0 ? LINK_TYPES[next() % LINK_TYPES.length] : s.linkType;
      mutated++;
    } else {
      len = next() % 256;
      for (let k = 0; k < len; k++) scratch[k] = next() & 0xff;
      // make random frames look like IP often enough to reach deeper decoders
      if (len > 0 && next() % 2 === 0) scratch[0] = next() % 2 === 0 ? 0x45 : 0x60;
      linkType = LINK_TYPES[next() % LINK_TYPES.length];
    }
    ts += next() % 2000;
    if (n % 2 === 0) {
      pipeline.processFrame(scratch, 0, len, len, ts, linkType, 0);
    } else {
      // through processBatch too: its fast path reads plain IPv4 frames itself
      one.count = 0;
      one.push(0, len, len, ts, linkType, 0);
      pipeline.processBatch(one);
    }
  }
  pipeline.finish();
  assert.equal(pipeline.stats.frames, TOTAL);
  assert.equal(pipeline.flows.stats.active, 0);
  if (samples.length > 0) assert.ok(mutated > TOTAL / 2, 'most frames were mutated corpus packets');
});
