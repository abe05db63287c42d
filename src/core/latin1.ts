// Bytes as a string of the same code points (ISO-8859-1: byte 0xe9 -> U+00E9), as the protocol
// dissectors read host names, ALPN ids and header lines. Built in one call per chunk rather than a
// character at a time: appending one character per step made a string per byte for the collector.

/** Arguments handed to String.fromCharCode at once (well under engines' argument limits). */
const CHUNK = 4096;

/** b[from, to) as a latin-1 string. */
export function latin1Text(b: Uint8Array, from: number, to: number): string {
  if (to - from <= CHUNK) return String.fromCharCode.apply(null, b.subarray(from, to) as unknown as number[]);
  let s = '';
  for (let i = from; i < to; i += CHUNK) {
    s += String.fromCharCode.apply(null, b.subarray(i, Math.min(to, i + CHUNK)) as unknown as number[]);
  }
  return s;
}
