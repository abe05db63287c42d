// Longest-prefix match over IPv4 or IPv6 CIDRs: a binary trie in typed arrays. A lookup reads the
// address bytes straight from a packet buffer, walks at most 32 or 128 bits, and allocates nothing.

export class CidrTrie {
  /** child[2*node + bit]; 0 = none (the root, node 0, is never a child). */
  private child: Int32Array;
  /** Value stored at a node, -1 = none. */
  private value: Int32Array;
  private nodes = 1;
  readonly bits: 32 | 128;
  private empty = true;

  constructor(version: 4 | 6) {
    this.bits = version === 4 ? 32 : 128;
    this.child = new Int32Array(64);
    this.value = new Int32Array(32).fill(-1);
  }

  /** Stores value for bytes/prefix. Returns -1, or the value already stored for the same prefix. */
  add(bytes: Uint8Array, prefix: number, value: number): number {
    let node = 0;
    for (let i = 0; i < prefix; i++) {
      const bit = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
      let next = this.child[2 * node + bit];
      if (next === 0) {
        next = this.newNode();
        this.child[2 * node + bit] = next;
      }
      node = next;
    }
    if (this.value[node] >= 0) return this.value[node];
    this.value[node] = value;
    this.empty = false;
    return -1;
  }

  /** Value of the longest prefix containing the address at buf[off], or -1. */
  lookup(buf: Uint8Array, off: number): number {
    if (this.empty) return -1;
    let node = 0;
    let best = this.value[0];
    const bits = this.bits;
    for (let i = 0; i < bits; i++) {
      const bit = (buf[off + (i >> 3)] >> (7 - (i & 7))) & 1;
      node = this.child[2 * node + bit];
      if (node === 0) break;
      const v = this.value[node];
      if (v >= 0) best = v;
    }
    return best;
  }

  private newNode(): number {
    if (this.nodes >= this.value.length) {
      const child = new Int32Array(this.child.length * 2);
      child.set(this.child);
      this.child = child;
      const value = new Int32Array(this.value.length * 2).fill(-1);
      value.set(this.value);
      this.value = value;
    }
    return this.nodes++;
  }
}
