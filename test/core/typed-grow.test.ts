import { test } from 'node:test';
import assert from 'node:assert/strict';
import { grownTo } from '../../src/core/typed-grow.js';

test('grownTo keeps the kind and the elements, fills the new tail', () => {
  const a = Int32Array.of(1, -2, 3);
  const b = grownTo(a, 6, -1);
  assert.ok(b instanceof Int32Array);
  assert.deepEqual([...b], [1, -2, 3, -1, -1, -1]);
  const c = grownTo(Float64Array.of(0.5), 3);
  assert.ok(c instanceof Float64Array);
  assert.deepEqual([...c], [0.5, 0, 0]);
  assert.throws(() => grownTo(Uint8Array.of(1, 2, 3), 2), RangeError, 'never shrinks');
});
