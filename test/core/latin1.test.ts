import { test } from 'node:test';
import assert from 'node:assert/strict';
import { latin1Text } from '../../src/core/latin1.js';

test('latin1Text maps each byte to the code point of its value, over any range', () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.equal(latin1Text(all, 0, 256), Buffer.from(all).toString('latin1'));
  assert.equal(latin1Text(all, 0x41, 0x44), 'ABC');
  assert.equal(latin1Text(all, 5, 5), '');
  assert.equal(latin1Text(all, 9, 3), '');
  // longer than one fromCharCode call takes: chunks join in order
  const long = Uint8Array.from({ length: 10_001 }, (_, i) => 32 + ((i * 7) % 200));
  assert.equal(latin1Text(long, 1, 10_001), Buffer.from(long.subarray(1)).toString('latin1'));
});
