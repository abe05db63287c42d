// A JS array of n slots with fast (packed) elements. `new Array(n)` for large n gives V8 a
// dictionary-mode array: every element set then costs a hash-table entry (tens of bytes) and every
// read a hash lookup. Per-flow side tables (one slot per flow-table entry) must use this instead.
export function denseArray<T>(n: number, fill: T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(fill);
  return a;
}

/**
 * Grows a dense side table (started as `[]`) so that index idx exists, filling with `fill`. Flow indexes
 * are handed out from 0 upwards (the flow table's free stack), so a table grows to the high-water mark
 * of concurrent flows instead of being filled to capacity at start (1M slots cost ~25 ms each).
 */
export function growDense<T>(a: T[], idx: number, fill: T): void {
  while (a.length <= idx) a.push(fill);
}
