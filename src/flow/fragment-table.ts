// Side table that attributes non-first IP fragments to the flow of their first fragment.
// Key (src, dst, proto, vlan, tunnel, IP id) → (flow index, direction), filled by a first fragment
// (offset 0, more-fragments set). It is a 4-way set-associative cache: fixed size, no deletion, no
// lists; a full set replaces its oldest entry. The flow table reads and writes the columns itself
// (times are doubles: passing them into a non-inlined call would box them, an allocation). An entry is trusted only if it is
// younger than the fragment timeout and its flow is still the same incarnation (creation sequence
// number) - the flow table then checks the addresses too, so a hash collision never misattributes.

const WAYS = 4;

export class FragmentTable {
  readonly entries: number;
  private readonly setMask: number;
  /** How long an entry vouches for later fragments (µs). */
  readonly timeoutUs: number;
  readonly hash: Int32Array;
  /** IP identification as int32 (IPv6 ids use all 32 bits). */
  readonly ipId: Int32Array;
  /** Flow index, -1 = empty. */
  readonly flow: Int32Array;
  /** Direction of the fragments relative to the flow's side A. */
  readonly dir: Uint8Array;
  /** Creation sequence number of the flow when the entry was made. */
  readonly seq: Float64Array;
  /** Time of the last fragment seen for the entry (µs). */
  readonly lastUs: Float64Array;

  /** `entries` is rounded up to a power of two (at least 4). */
  constructor(entries: number, timeoutUs: number) {
    let n = WAYS;
    while (n < entries && n < 1 << 24) n <<= 1;
    this.entries = n;
    this.setMask = n / WAYS - 1;
    this.timeoutUs = timeoutUs;
    this.hash = new Int32Array(n);
    this.ipId = new Int32Array(n);
    this.flow = new Int32Array(n).fill(-1);
    this.dir = new Uint8Array(n);
    this.seq = new Float64Array(n);
    this.lastUs = new Float64Array(n);
  }

  /** Entry index holding (h, ipId), or -1. The caller checks its age and its flow. */
  find(h: number, ipId: number): number {
    const base = (h & this.setMask) * WAYS;
    for (let w = base; w < base + WAYS; w++) {
      if (this.flow[w] >= 0 && this.hash[w] === h && this.ipId[w] === ipId) return w;
    }
    return -1;
  }

  /**
   * Entry index to (re)use for (h, ipId): the entry already holding it, else an empty one, else the
   * oldest of the set. The caller writes every column of the entry.
   */
  slotFor(h: number, ipId: number): number {
    const base = (h & this.setMask) * WAYS;
    let victim = base;
    for (let w = base; w < base + WAYS; w++) {
      if (this.flow[w] < 0 || (this.hash[w] === h && this.ipId[w] === ipId)) return w;
      if (this.lastUs[w] < this.lastUs[victim]) victim = w;
    }
    return victim;
  }

  clear(): void {
    this.flow.fill(-1);
  }
}
