// Ipv6Table: 16-byte keys read in place (any offset), values replaced in place, growth past its initial
// size keeps every entry, and lookups of absent addresses (also in a crowded /64) return -1.
import test from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Ipv6Table } from '../../src/pipeline/ipv6-table.js';

/** fd00:66::<n> (the low 32 bits), at offset `at` of a fresh buffer. */
function addr(n: number, at = 0): Uint8Array {
  const b = new Uint8Array(at + 16);
  b.set([0xfd, 0x00, 0x00, 0x66], at);
  b[at + 12] = n >>> 24;
  b[at + 13] = (n >>> 16) & 0xff;
  b[at + 14] = (n >>> 8) & 0xff;
  b[at + 15] = n & 0xff;
  return b;
}

test('set, get at any offset, replace', () => {
  const t = new Ipv6Table(4);
  assert.equal(t.get(addr(1), 0), -1);
  t.set(addr(1), 0, 7);
  t.set(addr(2, 5), 5, 0);
  assert.equal(t.get(addr(1, 9), 9), 7, 'same 16 bytes at another offset');
  assert.equal(t.get(addr(2), 0), 0, 'value 0 is a value, not absent');
  assert.equal(t.get(addr(3), 0), -1);
  t.set(addr(1), 0, 0xfedc_ba98);
  assert.equal(t.get(addr(1), 0), 0xfedc_ba98, 'replaced; a full uint32 fits');
  assert.equal(t.size, 2);
});

test('grows from 1 entry to 5000 in one /64 and keeps all of them; half full at most', () => {
  const t = new Ipv6Table(1);
  const start = t.capacity;
  for (let i = 0; i < 5000; i++) t.set(addr(i), 0, i * 3);
  assert.equal(t.size, 5000);
  assert.ok(t.capacity > start && t.capacity >= 2 * t.size, `capacity ${t.capacity} for ${t.size}`);
  for (let i = 0; i < 5000; i++) assert.equal(t.get(addr(i), 0), i * 3);
  for (let i = 5000; i < 6000; i++) assert.equal(t.get(addr(i), 0), -1);
});

test('random addresses agree with a Map reference', () => {
  const t = new Ipv6Table(8);
  const ref = new Map<string, number>();
  const keys: Buffer[] = [];
  for (let i = 0; i < 2000; i++) {
    const k = i % 5 === 4 ? keys[i >> 1] : randomBytes(16); // some replacements
    keys.push(k);
    ref.set(k.toString('hex'), i);
    t.set(k, 0, i);
  }
  assert.equal(t.size, ref.size);
  for (const [hex, v] of ref) assert.equal(t.get(Buffer.from(hex, 'hex'), 0), v);
});
