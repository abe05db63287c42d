// The hash index of the flow table: flow hash → flow index, open addressing with linear probing.
// Power-of-two slot count >= 1.5 x capacity (load <= 2/3). Each slot is two int32 words in the same
// cache line: [2s] flow index (-1 = empty) and [2s + 1] the flow's hash. Deletion is backward-shift
// (later entries of the probe run move into the hole), so there are no tombstones and probe lengths
// do not grow with churn. The probe-and-compare loop itself lives in FlowTable.track (it needs the keys).

export class SlotIndex {
  readonly slots: Int32Array;
  readonly mask: number;
  /** Slot of each flow index (valid while the flow is live). */
  readonly slotOf: Int32Array;

  constructor(capacity: number) {
    let n = 8;
    while (n < capacity * 1.5) n *= 2;
    this.slots = new Int32Array(n * 2);
    this.mask = n - 1;
    this.slotOf = new Int32Array(capacity);
    this.clear();
  }

  /** The first empty slot of h's probe run. There always is one (load <= 2/3). */
  emptySlot(h: number): number {
    const mask = this.mask;
    let s = h & mask;
    for (let n = 0; n <= mask && this.slots[2 * s] >= 0; n++) s = (s + 1) & mask;
    return s;
  }

  put(s: number, idx: number, h: number): void {
    this.slots[2 * s] = idx;
    this.slots[2 * s + 1] = h;
    this.slotOf[idx] = s;
  }

  /** Removes flow idx (backward shift). */
  remove(idx: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = this.slotOf[idx];
    let j = hole;
    for (let n = 0; n < mask; n++) {
      j = (j + 1) & mask;
      const f = slots[2 * j];
      if (f < 0) break;
      const h = slots[2 * j + 1];
      // the entry at j may move back to the hole if the hole is not before its home slot
      if (((j - (h & mask)) & mask) >= ((j - hole) & mask)) {
        slots[2 * hole] = f;
        slots[2 * hole + 1] = h;
        this.slotOf[f] = hole;
        hole = j;
      }
    }
    slots[2 * hole] = -1;
  }

  clear(): void {
    for (let s = 0; s <= this.mask; s++) this.slots[2 * s] = -1;
  }

  /** Mean probe distance (slots from home) over occupied slots. */
  meanProbeDistance(): number {
    let sum = 0;
    let n = 0;
    for (let s = 0; s <= this.mask; s++) {
      if (this.slots[2 * s] < 0) continue;
      sum += (s - (this.slots[2 * s + 1] & this.mask)) & this.mask;
      n++;
    }
    return n === 0 ? 0 : sum / n;
  }

  /** Consistency check against the flows' hashes; returns a problem or null. `live` = expected entries. */
  check(hashOf: Int32Array, isLive: (idx: number) => boolean, live: number): string | null {
    let occupied = 0;
    for (let s = 0; s <= this.mask; s++) {
      const f = this.slots[2 * s];
      if (f < 0) continue;
      occupied++;
      if (!isLive(f)) return `slot ${s} holds free flow ${f}`;
      if (this.slotOf[f] !== s) return `flow ${f} slotOf ${this.slotOf[f]} != ${s}`;
      if (this.slots[2 * s + 1] !== hashOf[f]) return `slot ${s} hash differs from flow ${f}`;
      // every slot between home and s must be occupied (linear probing invariant)
      for (let q = this.slots[2 * s + 1] & this.mask; q !== s; q = (q + 1) & this.mask) {
        if (this.slots[2 * q] < 0) return `gap at ${q} before flow ${f} in slot ${s}`;
      }
    }
    return occupied === live ? null : `occupied slots ${occupied} != live flows ${live}`;
  }
}
