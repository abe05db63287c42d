import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { toMicros, tsScaleFromResol } from '../../src/io/timestamp.js';

/** Exact reference: floor(ts * 1e6 / unitsPerSecond). */
function reference(ts: bigint, resol: number): number {
  const k = BigInt(resol & 0x7f);
  const perSec = resol & 0x80 ? 1n << k : 10n ** k;
  return Number((ts * 1000000n) / perSec);
}

describe('pcapng timestamp conversion', () => {
  it('floors to microseconds exactly for decimal and binary resolutions', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const secs = [0n, 1n, 1700000000n, 2000000000n, 4000000000n];
    for (const resol of [0, 3, 6, 7, 9, 12, 0x80 | 0, 0x80 | 10, 0x80 | 20, 0x80 | 30, 0x80 | 32, 0x80 | 40]) {
      const s = tsScaleFromResol(resol);
      const k = BigInt(resol & 0x7f);
      const perSec = resol & 0x80 ? 1n << k : 10n ** k;
      for (const sec of secs) {
        for (let j = 0; j < 50; j++) {
          const frac = j === 0 ? 0n : j === 1 ? perSec - 1n : BigInt(Math.floor(rnd() * Number(perSec)));
          const ts = sec * perSec + frac;
          if (ts >= 1n << 64n) continue;
          const hi = Number(ts >> 32n);
          const lo = Number(ts & 0xffffffffn);
          assert.equal(toMicros(hi, lo, s.mode, s.factor), reference(ts, resol), `resol ${resol} ts ${ts}`);
        }
      }
    }
  });

  it('approximates resolutions finer than a picosecond', () => {
    const s = tsScaleFromResol(15);
    const ts = 1700000000n * 10n ** 15n;
    const us = toMicros(Number(ts >> 32n), Number(ts & 0xffffffffn), s.mode, s.factor);
    assert.ok(Math.abs(us - 1700000000e6) < 1e3);
  });
});
