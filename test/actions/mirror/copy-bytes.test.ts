import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyBytes } from '../../../src/actions/mirror/copy-bytes.js';

test('copyBytes equals a byte loop for every length 0..80 and odd offsets, across arrays and views', () => {
  const backing = new Uint8Array(4096);
  for (let i = 0; i < backing.length; i++) backing[i] = (i * 131 + 7) & 0xff;
  const src = backing.subarray(3, 2000); // a view with a byteOffset: the cached DataView must honour it
  for (let n = 0; n <= 80; n++) {
    for (const [o, s] of [[0, 0], [1, 5], [7, 13], [33, 1]]) {
      const out = new Uint8Array(200).fill(0xee);
      copyBytes(out, o, src, s, n);
      const want = new Uint8Array(200).fill(0xee);
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
