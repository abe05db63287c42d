// A JS array of n slots with fast (packed) elements. `new Array(n)` for large n gives V8 a
// dictionary-mode array: every element set then costs a hash-table entry (tens of bytes) and every
// read a hash lookup. Per-flow side tables (one slot per flow-table entry) must use this instead.
export function denseArray<T>(n: number, fill: T): T[] {
  const a: T[] = [];
  for (let i = 0; i < n; i++) a.push(fill);
  return a;
}
