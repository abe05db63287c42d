import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyBytes } from '../../../src/actions/mirror/copy-bytes.js';
import { loadNative, nativeLoadError } from '../../../src/io/native/index.js';

// 0..300 crosses both paths: the DataView loop below 128 bytes, the native memmove (when built) above
test('copyBytes equals a byte loop for every length 0..300 and odd offsets, across arrays and views', () => {
  const backing = new Uint8Array(4096);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
  const src = backing.subarray(3, 2000); // a view with a byteOffset: the cached DataView must honour it
  for (let n = 0; n <= 300; n++) {
    for (const [o, s] of [[0, 0], [1, 5], [7, 13], [33, 1]]) {
      const out = new Uint8Array(400).fill(0xee);
      copyBytes(out, o, src, s, n);
      const want = new Uint8Array(400).fill(0xee);
      for (let i = 0; i < n; i++) want[o + i] = src[s + i];
      assert.deepEqual(out, want, `n=${n} o=${o} s=${s}`);
    }
  }
});

test('copyBytes copies a 1400-byte frame exactly and moves within one array towards the start', () => {
  const a = new Uint8Array(3000);
  for (let i = 0; i < a.length; i++) a[i] = i & 0xff;
  const out = new Uint8Array(1500);
  copyBytes(out, 50, a, 101, 1400);
  for (let i = 0; i < 1400; i++) assert.equal(out[50 + i], (101 + i) & 0xff);
  const ref = a.slice();
  copyBytes(a, 10, a, 13, 1000); // overlapping, dst before src
  for (let i = 0; i < 1000; i++) assert.equal(a[10 + i], ref[13 + i]);
  assert.equal(a[1010], ref[1010]);
});

test('the native copy refuses spans outside either array and non-Uint8Array arguments', (t) => {
  const addon = loadNative();
  if (!addon) return t.skip(`native addon not built: ${nativeLoadError() ?? 'unknown reason'}`);
  const a = new Uint8Array(200);
  const b = new Uint8Array(300).fill(7);
  addon.copyBytes(a, 10, b, 100, 190);
  assert.equal(a[10], 7);
  assert.equal(a[199], 7);
  assert.equal(a[9], 0);
  assert.throws(() => addon.copyBytes(a, 11, b, 100, 190), RangeError);
  assert.throws(() => addon.copyBytes(a, 0, b, 200, 101), RangeError);
  assert.throws(() => addon.copyBytes(a, -1, b, 0, 1), RangeError);
  assert.throws(() => addon.copyBytes(a, 0.5, b, 0, 1), RangeError);
  assert.throws(() => addon.copyBytes(new Uint16Array(4) as unknown as Uint8Array, 0, b, 0, 1), TypeError);
});
