import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable, bytesPerFlow } from '../../src/flow/flow-table.js';

test('memory: at most 300 typed-array bytes per flow at capacity 1,000,000 (slots and lists included)', (tc) => {
  const t = new FlowTable({ capacity: 1_000_000 });
  const b = bytesPerFlow(t);
  tc.diagnostic(`bytesPerFlow at 1M = ${b.toFixed(1)}`);
  assert.ok(b <= 300, `${b} bytes per flow`);
  assert.ok(b > 100, 'the count must include the columns');
  assert.equal(t.capacity, 1_000_000);
});

test('memory stays bounded for small tables too', () => {
  const t = new FlowTable({ capacity: 1000 });
  assert.ok(bytesPerFlow(t) <= 300, `${bytesPerFlow(t)}`);
});
