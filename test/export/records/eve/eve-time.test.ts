import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eveAgeSeconds, eveTimestamp } from '../../../../src/export/records/eve/eve-time.js';
import { T0 } from './eve-fixtures.js';

test('eveTimestamp writes microseconds and +0000 like Suricata', () => {
  assert.equal(eveTimestamp(T0), '2023-09-18T06:13:41.532140+0000');
  assert.equal(eveTimestamp(0), '1970-01-01T00:00:00.000000+0000');
  assert.equal(eveTimestamp(1_000_001), '1970-01-01T00:00:01.000001+0000');
  assert.equal(eveTimestamp(999_999), '1970-01-01T00:00:00.999999+0000');
});

test('eveTimestamp keeps µs exact at current epochs (no float rounding) and truncates fractions', () => {
  assert.equal(eveTimestamp(1_767_225_599_999_999), '2025-12-31T23:59:59.999999+0000');
  assert.equal(eveTimestamp(T0 + 0.5), '2023-09-18T06:13:41.532140+0000');
});

test('eveTimestamp handles times before 1970 and non-finite input without throwing', () => {
  assert.equal(eveTimestamp(-1), '1969-12-31T23:59:59.999999+0000');
  assert.equal(eveTimestamp(Number.NaN), '1970-01-01T00:00:00.000000+0000');
  assert.equal(eveTimestamp(Number.POSITIVE_INFINITY), '1970-01-01T00:00:00.000000+0000');
});

test('eveAgeSeconds is end seconds minus start seconds, never negative', () => {
  assert.equal(eveAgeSeconds(T0, T0 + 2_500_000), 3); // 41.53 → 44.03
  // 41.532140 → 42.000001: Suricata says 1 (second fields differ by one), not 0.
  assert.equal(eveAgeSeconds(T0, 1695017622000001), 1);
  assert.equal(eveAgeSeconds(T0, T0), 0);
  assert.equal(eveAgeSeconds(T0, T0 - 5_000_000), 0);
});
