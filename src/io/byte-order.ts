// Unsigned reads in either byte order, by hand (no DataView): capture headers come in both endians.

export function u16(b: Uint8Array, o: number, le: boolean): number {
  return le ? b[o] | (b[o + 1] << 8) : (b[o] << 8) | b[o + 1];
}

export function u32(b: Uint8Array, o: number, le: boolean): number {
  return le
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** Signed 64-bit integer as a JS number (exact up to 2^53). */
export function i64(b: Uint8Array, o: number, le: boolean): number {
  const hi = le ? u32(b, o + 4, le) | 0 : u32(b, o, le) | 0;
  const lo = le ? u32(b, o, le) : u32(b, o + 4, le);
  return hi * 4294967296 + lo;
}
