// Growing the columns of a struct-of-typed-arrays table (off the data path: when a table doubles).

type Column = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A new array of `length` elements of a's kind, with a's elements at the front and `fill` after them. */
export function grownTo<T extends Column>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}
