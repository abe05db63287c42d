import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldChecksum, internetChecksum, pseudoSumV4, pseudoSumV6, sumWords } from '../../../src/packet/build/checksum.js';

test('RFC 1071 example: words 0001 f203 f4f5 f6f7 sum to ddf2, checksum 220d', () => {
  const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
  assert.equal(foldChecksum(sumWords(b, 0, b.length)) ^ 0xffff, 0xddf2);
  assert.equal(internetChecksum(b, 0, b.length), 0x220d);
});

test('odd length pads the last byte with zero, and offsets are honoured', () => {
  const b = Uint8Array.of(0xff, 0x12, 0x34, 0x56);
  assert.equal(internetChecksum(b, 1, 3), internetChecksum(Uint8Array.of(0x12, 0x34, 0x56, 0x00), 0, 4));
});

test('a region with its checksum filled in verifies to zero', () => {
  const b = new Uint8Array(101);
  for (let i = 0; i < b.length; i++) b[i] = (i * 37 + 11) & 0xff;
  b[10] = 0;
  b[11] = 0;
  const c = internetChecksum(b, 0, b.length);
  b[10] = c >> 8;
  b[11] = c & 0xff;
  assert.equal(internetChecksum(b, 0, b.length), 0);
});

test('large inputs do not lose carries', () => {
  const b = new Uint8Array(1 << 20).fill(0xff);
  assert.equal(internetChecksum(b, 0, b.length), 0);
  const c = new Uint8Array(65536 * 3).fill(0x80);
  // every word is 0x8080; the folded one's complement sum of n equal words is n*w folded
  let s = 0;
  for (let i = 0; i < c.length / 2; i++) s += 0x8080;
  assert.equal(internetChecksum(c, 0, c.length), foldChecksum(s));
});

test('pseudo-header sums include addresses, protocol and length', () => {
  const b = Uint8Array.of(10, 0, 0, 1, 10, 0, 0, 2);
  assert.equal(pseudoSumV4(b, 0, 4, 6, 20), 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 6 + 20);
  const v6 = new Uint8Array(32);
  v6[15] = 1;
  v6[31] = 2;
  assert.equal(pseudoSumV6(v6, 0, 16, 17, 0x10008), 1 + 2 + 17 + 1 + 8);
});
