import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSimulator, simulate } from '../../src/sim/index.js';

test('an endless live simulator keeps producing traffic batch after batch, scenarios included', () => {
  const start = Date.UTC(2026, 5, 1) * 1000;
  const live = new LiveSimulator({ devices: 10, durationSec: Infinity, seed: 1, startTimeUs: start, scenarios: ['scanner'] });
  let last = start;
  for (let i = 1; i <= 8; i++) {
    const until = start + i * 10e6;
    const n = live.nextBatch(until, (_b, _o, _l, ts) => {
      assert.ok(ts >= last && ts <= until);
      last = ts;
    });
    assert.ok(n > 0, `batch ${i} is empty`);
    assert.ok(!live.done);
  }
  assert.ok(live.nextTimeUs > start + 80e6);
  assert.ok(live.stats().flows > 100, 'the scanner started by 80 s (10% of the assumed ten minutes)');
});

test('timestamps start at startTimeUs and traffic stops shortly after the duration', () => {
  const start = 1_800_000_000_000_000;
  const st = simulate({ devices: 5, durationSec: 20, startTimeUs: start }, () => {});
  assert.ok(st.firstTsUs >= start && st.firstTsUs < start + 20e6);
  assert.ok(st.lastTsUs > start + 10e6 && st.lastTsUs < start + 60e6, `last ${st.lastTsUs - start}`);
});

test('rate multiplies activity', () => {
  const base = simulate({ devices: 10, durationSec: 60, seed: 2 }, () => {});
  const double = simulate({ devices: 10, durationSec: 60, seed: 2, rate: 2 }, () => {});
  assert.ok(double.flows > base.flows * 1.5, `${base.flows} → ${double.flows}`);
});
