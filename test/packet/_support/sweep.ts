// Robustness helpers: run a decoder on every truncation of valid bytes, and snapshot a view's fields.
import assert from 'node:assert/strict';
import { Layer } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import type { LayerDecoder } from '../../../src/packet/layer-decoder.js';

/**
 * Calls `d.decode` on bytes[0, n) for every n in 0..len-1 (placed at a non-zero offset, followed by
 * garbage that must not be read). Below `minLen` the decoder must stop with event `ev`.
 */
export function truncationSweep(d: LayerDecoder, bytes: Uint8Array, minLen: number, ev: number): void {
  const p = new PacketView();
  const at = 3;
  for (let n = 0; n < bytes.length; n++) {
    const buf = new Uint8Array(at + bytes.length + 8).fill(0xff);
    buf.set(bytes.subarray(0, n), at);
    p.reset(buf, at, n, n, 0, 1);
    const next = d.decode(p, at, at + n);
    assert.ok(next >= Layer.NONE && next < 17, `length ${n}: next layer ${next} out of range`);
    if (n < minLen) {
      assert.equal(next, Layer.NONE, `length ${n}: must stop below ${minLen} bytes`);
      assert.ok(p.hasEvent(ev), `length ${n}: event ${ev} expected, got [${Array.from(p.events.subarray(0, p.eventCount))}]`);
    }
    if (next !== Layer.NONE) {
      assert.ok(p.nextOff >= at && p.nextOff <= p.nextEnd && p.nextEnd <= at + n, `length ${n}: next range out of bounds`);
    }
  }
}

/** Every decoded field of a view, for equality checks (not the buffer itself). */
export function snapshot(p: PacketView): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'buf') continue;
    out[k] = ArrayBuffer.isView(v) ? Array.from(v as Uint8Array) : v;
  }
  return out;
}

/** Small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
