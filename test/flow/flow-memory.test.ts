import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable, bytesPerFlow } from '../../src/flow/flow-table.js';
import { PacketView } from '../../src/core/packet-view.js';
import { setV4 } from './_support/packets.js';

/** n distinct UDP flows (10.0.x.y:1000 -> 192.0.2.1:53). */
function fillTable(t: FlowTable, n: number): void {
  const p = new PacketView();
  for (let i = 0; i < n; i++) t.track(setV4(p, 0x0a000000 + i, 0xc0000201, 17, 1000, 53, 1_000_000 + i));
}

test('memory: at most 300 typed-array bytes per flow at capacity 1,000,000 (slots and lists included)', (tc) => {
  const t = new FlowTable({ capacity: 1_000_000 });
  const b = bytesPerFlow(t);
  tc.diagnostic(`bytesPerFlow at 1M = ${b.toFixed(1)}`);
  assert.ok(b <= 300, `${b} bytes per flow`);
  assert.ok(b > 100, 'the count must include the columns');
  assert.equal(t.capacity, 1_000_000);
});

test('memory: the hash index is counted at the size it reaches when the table is full', () => {
  const empty = new FlowTable({ capacity: 3000 });
  const full = new FlowTable({ capacity: 3000 });
  fillTable(full, 3000);
  assert.equal(full.stats.active, 3000);
  assert.equal(full.checkInvariants(), null);
  assert.equal(empty.memoryBytes(), full.memoryBytes());
});

test('memory stays bounded for small tables too', () => {
  const t = new FlowTable({ capacity: 1000 });
  assert.ok(bytesPerFlow(t) <= 300, `${bytesPerFlow(t)}`);
});
