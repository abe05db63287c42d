// IPv6 address (16 bytes read in place) → non-negative number, for the data path: an open-addressing hash
// table over typed arrays (linear probing, at most half full), so a lookup hashes and compares the bytes
// where they lie and allocates nothing. Entries are never removed (device endpoints are kept for the
// gateway's life); set() allocates only when the table doubles.

const ADDR = 16;

export class Ipv6Table {
  private keys: Uint8Array;
  private vals: Float64Array;
  private used: Uint8Array;
  private mask: number;
  /** Entries in the table. */
  size = 0;

  constructor(initial = 16) {
    let cap = 8;
    while (cap < initial * 2) cap *= 2;
    this.keys = new Uint8Array(cap * ADDR);
    this.vals = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Bucket count (a power of two, at least twice the entries). */
  get capacity(): number {
    return this.mask + 1;
  }

  /** The value kept for the address at buf[off, off + 16), or -1. */
  get(buf: Uint8Array, off: number): number {
    const i = this.bucket(buf, off);
    return this.used[i] === 1 ? this.vals[i] : -1;
  }

  /** Sets the value (a non-negative number up to 2^53) of the address at buf[off, off + 16). */
  set(buf: Uint8Array, off: number, value: number): void {
    let i = this.bucket(buf, off);
    if (this.used[i] === 1) {
      this.vals[i] = value;
      return;
    }
    if ((this.size + 1) * 2 > this.mask + 1) {
      this.grow();
      i = this.bucket(buf, off);
    }
    this.used[i] = 1;
    this.vals[i] = value;
    const k = i * ADDR;
    for (let j = 0; j < ADDR; j++) this.keys[k + j] = buf[off + j];
    this.size++;
  }

  /** The bucket holding the address, or the empty bucket where it would go. */
  private bucket(buf: Uint8Array, off: number): number {
    const mask = this.mask;
    let i = hash16(buf, off) & mask;
    for (;;) {
      if (this.used[i] === 0) return i;
      const k = i * ADDR;
      let j = 0;
      while (j < ADDR && this.keys[k + j] === buf[off + j]) j++;
      if (j === ADDR) return i;
      i = (i + 1) & mask;
    }
  }

  private grow(): void {
    const { keys, vals, used } = this;
    const cap = (this.mask + 1) * 2;
    this.keys = new Uint8Array(cap * ADDR);
    this.vals = new Float64Array(cap);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    for (let i = 0; i < used.length; i++) {
      if (used[i] === 0) continue;
      const b = this.bucket(keys, i * ADDR);
      this.used[b] = 1;
      this.vals[b] = vals[i];
      this.keys.set(keys.subarray(i * ADDR, i * ADDR + ADDR), b * ADDR);
    }
  }
}

/** FNV-1a over 16 bytes, then a final mix (device addresses in one /64 differ only in the low bytes). */
function hash16(buf: Uint8Array, off: number): number {
  let h = 0x811c9dc5;
  for (let j = 0; j < ADDR; j++) h = Math.imul(h ^ buf[off + j], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}
