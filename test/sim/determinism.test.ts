import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { LiveSimulator, simulate, type SimOptions } from '../../src/sim/index.js';

function streamHash(opts: SimOptions): { hash: string; frames: number } {
  const h = createHash('sha256');
  const ts = new Float64Array(1);
  let frames = 0;
  simulate(opts, (buf, off, len, tsUs) => {
    ts[0] = tsUs;
    h.update(new Uint8Array(ts.buffer));
    h.update(buf.subarray(off, off + len));
    frames++;
  });
  return { hash: h.digest('hex'), frames };
}

const OPTS: SimOptions = { devices: 12, durationSec: 40, seed: 42, scenarios: ['scanner', 'dns-blocklisted'] };

test('same seed gives identical bytes and timestamps', () => {
  const a = streamHash(OPTS);
  const b = streamHash(OPTS);
  assert.ok(a.frames > 500, `only ${a.frames} frames`);
  assert.equal(a.hash, b.hash);
});

test('a different seed gives a different stream', () => {
  assert.notEqual(streamHash(OPTS).hash, streamHash({ ...OPTS, seed: 43 }).hash);
});

test('LiveSimulator in small steps produces exactly what simulate() does', () => {
  const h = createHash('sha256');
  const live = new LiveSimulator(OPTS);
  let t = live.startUs;
  let frames = 0;
  let batches = 0;
  while (!live.done && batches < 100_000) {
    t += 250_000;
    frames += live.nextBatch(t, (buf, off, len, tsUs) => {
      assert.ok(tsUs <= t);
      const ts = new Float64Array([tsUs]);
      h.update(new Uint8Array(ts.buffer));
      h.update(buf.subarray(off, off + len));
    });
    batches++;
  }
  const whole = streamHash(OPTS);
  assert.equal(frames, whole.frames);
  assert.equal(h.digest('hex'), whole.hash);
  assert.equal(live.stats().packets, frames);
});
