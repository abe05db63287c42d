import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClassifyEngine } from '../../src/classify/engine.js';
import type { Dissector } from '../../src/classify/dissector.js';

/** A dissector that matches any payload: the first one tried wins, so the winner shows the order. */
function greedy(name: string, ports: number[]): Dissector<null> {
  return { name, when: { l4: 'tcp', ports }, budget: 1, init: () => null, probe: () => 'match' };
}

test('candidates naming a flow port are tried first, whatever the other (ephemeral) port', () => {
  const engine = new ClassifyEngine(64, [greedy('A', [80]), greedy('B', [1883]), greedy('C', [443, 8443])]);
  const winner = (idx: number, src: number, dst: number) => {
    engine.start(idx, 'tcp', src, dst);
    engine.feed(idx, Uint8Array.of(1), 0, 1);
    return engine.finish(idx).proto;
  };
  let idx = 0;
  for (const eph of [40000, 40001, 51515, 65535]) {
    assert.equal(winner(idx++, eph, 443), 'C');
    assert.equal(winner(idx++, 8443, eph), 'C');
    assert.equal(winner(idx++, eph, 1883), 'B');
    assert.equal(winner(idx++, eph, eph + 1 > 65535 ? 1 : eph + 1), 'A'); // no known port: list order
  }
  // two known ports: both their dissectors before the rest, in list order
  assert.equal(winner(idx++, 1883, 443), 'B');
  assert.equal(winner(idx++, 443, 80), 'A');
});
