// The hash index of the flow table: flow hash → flow index, open addressing with linear probing.
// Power-of-two slot count, load <= 2/3. Each slot is two int32 words in the same cache line: [2s] flow
// index (-1 = empty) and [2s + 1] the flow's hash. Deletion is backward-shift (later entries of the
// probe run move into the hole), so there are no tombstones and probe lengths do not grow with churn.
// The probe-and-compare loop itself lives in FlowTable.track (it needs the keys).
//
// The slot array grows with the live flows (doubling, up to 1.5 x capacity rounded up to a power of
// two) rather than being sized for the capacity up front: every packet reads a slot at a random
// place, and an array sized for the flows that are live (a replay of 4,000 devices has ~50k at a
// time in a table of 1M capacity) stays in the CPU's cache, where one sized for capacity does not.

/** Slots of a new index (it grows from there). */
const INITIAL_SLOTS = 1024;

export class SlotIndex {
  slots: Int32Array;
  mask: number;
  /** Slot of each flow index (valid while the flow is live). */
  readonly slotOf: Int32Array;
  /** Occupied slots. */
  private used = 0;
  /** `used` above which the array doubles (2/3 of the slots), or Infinity once at its largest. */
  private growAt = 0;
  private readonly maxSlots: number;

  constructor(capacity: number) {
    let n = 8;
    while (n < capacity * 1.5) n *= 2;
    this.maxSlots = n;
    this.slotOf = new Int32Array(capacity);
    this.slots = new Int32Array(0);
    this.mask = 0;
    this.resize(Math.min(n, INITIAL_SLOTS));
  }

  /** The first empty slot of h's probe run. There always is one (load <= 2/3). */
  emptySlot(h: number): number {
    const mask = this.mask;
    let s = h & mask;
    for (let n = 0; n <= mask && this.slots[2 * s] >= 0; n++) s = (s + 1) & mask;
    return s;
  }

  /** Bytes of the slot array at its largest (a full table): what the index costs at capacity. */
  get bytesAtCapacity(): number {
    return this.maxSlots * 2 * Int32Array.BYTES_PER_ELEMENT;
  }

  /** Puts flow idx (hash h) into slot s, an empty slot of h's probe run. May grow the array (and so
   *  move every entry): slots and mask must be read again afterwards. */
  put(s: number, idx: number, h: number): void {
    this.slots[2 * s] = idx;
    this.slots[2 * s + 1] = h;
    this.slotOf[idx] = s;
    if (++this.used > this.growAt) this.resize(2 * (this.mask + 1));
  }

  /** Rebuilds the index over n slots (a power of two), re-inserting every entry. */
  private resize(n: number): void {
    const old = this.slots;
    const slots = new Int32Array(n * 2).fill(-1);
    const mask = n - 1;
    for (let o = 0; o < old.length; o += 2) {
      const f = old[o];
      if (f < 0) continue;
      const h = old[o + 1];
      let s = h & mask;
      while (slots[2 * s] >= 0) s = (s + 1) & mask;
      slots[2 * s] = f;
      slots[2 * s + 1] = h;
      this.slotOf[f] = s;
    }
    this.slots = slots;
    this.mask = mask;
    this.growAt = n >= this.maxSlots ? Infinity : Math.floor((n * 2) / 3);
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
    this.used--;
  }

  clear(): void {
    for (let s = 0; s <= this.mask; s++) this.slots[2 * s] = -1;
    this.used = 0;
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
