// pcapng timestamps (a 64-bit count of units of 10^-k or 2^-k s) to integer microseconds, floored.
// The split into high/low halves keeps the arithmetic exact in doubles without BigInt.

const TWO32 = 4294967296;

export const TsMode = {
  /** units coarser than or equal to 1 µs: multiply */
  MUL: 0,
  /** decimal units finer than 1 µs, divisor ≤ 10^6: exact long division */
  DIV: 1,
  /** binary units 2^-k */
  BIN: 2,
  /** decimal units finer than 10^-12 s: floating-point approximation */
  APPROX: 3,
} as const;
export type TsModeId = (typeof TsMode)[keyof typeof TsMode];

export interface TsScale {
  mode: TsModeId;
  /** MUL: multiplier; DIV/APPROX: divisor; BIN: k (units of 2^-k s) */
  factor: number;
}

/** Scale for an `if_tsresol` byte (bit 7 set: power of 2, else power of 10). */
export function tsScaleFromResol(resol: number): TsScale {
  const k = resol & 0x7f;
  if (resol & 0x80) return { mode: TsMode.BIN, factor: k };
  if (k <= 6) return { mode: TsMode.MUL, factor: 10 ** (6 - k) };
  if (k <= 12) return { mode: TsMode.DIV, factor: 10 ** (k - 6) };
  return { mode: TsMode.APPROX, factor: 10 ** (k - 6) };
}

/** Microseconds (floored) for the 64-bit timestamp hi:lo in the given scale. */
export function toMicros(hi: number, lo: number, mode: number, factor: number): number {
  if (mode === TsMode.DIV) {
    const d = factor;
    const hq = Math.floor(hi / d);
    const x = (hi - hq * d) * TWO32 + lo; // < d * 2^32 <= 2^53 for d <= 10^6
    let q = Math.floor(x / d);
    if (q * d > x) q--;
    else if ((q + 1) * d <= x) q++;
    return hq * TWO32 + q;
  }
  if (mode === TsMode.MUL) return (hi * TWO32 + lo) * factor;
  if (mode === TsMode.BIN) {
    const k = factor;
    if (k <= 32) return hi * 1e6 * 2 ** (32 - k) + Math.floor((lo * 1e6) / 2 ** k);
    // floor(x / n) == floor(floor(x) / n) for a positive integer n
    return Math.floor((hi * 1e6 + Math.floor((lo * 1e6) / TWO32)) / 2 ** (k - 32));
  }
  return Math.floor((hi * TWO32 + lo) / factor);
}
