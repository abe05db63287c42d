// The classification engine: runs the dissectors over a flow's first payload packets.
//
// Candidates are tried in order: dissectors whose ports match the flow first, then the rest of the
// flow's L4. The order is computed once per (L4, which dissectors name the flow's ports) and shared;
// a flow keeps only a bitmask of excluded candidates and creates a dissector's state the first time
// that dissector is probed, so a flow matched on its first packet costs one state, not one per
// dissector. Each probe returns match, exclude or more; a dissector that used up its budget is
// excluded. After a match the winner may keep extracting metadata (e.g. TLS ServerHello/certificate
// after the ClientHello) within its budget, until it says it is complete.

import type { AppMeta, Dir, Dissector, FlowView } from './dissector.js';
import { growDense } from '../core/dense-array.js';

/** Payload packets after which a flow that matched nothing is given up on. */
const MAX_PACKETS = 24;
/** The exclusion mask is a 32-bit integer. */
const MAX_DISSECTORS = 31;

export type ClassifyStatus = 'classifying' | 'matched' | 'done';

class FlowClassState implements FlowView {
  readonly payloadPackets: [number, number] = [0, 0];
  /** Candidates i with bit i set are excluded. */
  excluded = 0;
  states: unknown[] | null = null;
  matched: Dissector<unknown> | null = null;
  matchedState: unknown = null;
  meta: AppMeta = {};
  seen = 0;
  /** Next expected TCP sequence number per direction (-1 = unknown), to skip retransmissions. */
  next0 = -1;
  next1 = -1;

  constructor(
    readonly l4: 'tcp' | 'udp',
    readonly srcPort: number,
    readonly dstPort: number,
    readonly order: readonly Dissector<unknown>[],
  ) {}
}

export interface ClassifyResult {
  proto: string | null;
  meta: AppMeta;
}

export class ClassifyEngine {
  private readonly flows: (FlowClassState | undefined)[];
  private readonly capacity: number;
  private readonly tcp: Dissector<unknown>[];
  private readonly udp: Dissector<unknown>[];
  /** Per L4 (0 tcp, 1 udp): port -> bit i set when candidate i of that L4's list names the port. */
  private readonly portBits: [Map<number, number>, Map<number, number>];
  /** Candidate order per (L4, the bits of the flow's two ports), computed once: a fleet's flows use
   *  thousands of ephemeral ports but few combinations of known ones. Bounded without a limit: the
   *  keys come from the dissectors' own port lists, whatever ports the traffic uses. */
  private readonly orders = new Map<number, readonly Dissector<unknown>[]>();

  constructor(capacity: number, dissectors: readonly Dissector<unknown>[]) {
    if (dissectors.length > MAX_DISSECTORS) throw new Error(`at most ${MAX_DISSECTORS} dissectors`);
    // grown by start()/reserve() (growDense) up to the highest index used, at most capacity
    this.flows = [];
    this.capacity = capacity;
    this.tcp = dissectors.filter((d) => d.when.l4 === 'tcp' || d.when.l4 === 'both');
    this.udp = dissectors.filter((d) => d.when.l4 === 'udp' || d.when.l4 === 'both');
    this.portBits = [portBitsOf(this.tcp), portBitsOf(this.udp)];
  }

  /** Starts classifying a new TCP or UDP flow (ports as seen in its first packet). */
  start(idx: number, l4: 'tcp' | 'udp', srcPort: number, dstPort: number): void {
    if (idx >= this.flows.length) this.reserve(idx);
    this.flows[idx] = new FlowClassState(l4, srcPort, dstPort, this.order(l4, srcPort, dstPort));
  }

  /** Makes flow index idx addressable (reads of it then stay in bounds). */
  reserve(idx: number): void {
    if (idx < 0 || idx >= this.capacity) throw new RangeError(`flow index ${idx} outside 0..${this.capacity - 1}`);
    growDense(this.flows, idx, undefined);
  }

  /** The dissectors that name port a or b first (in list order), then the rest of the L4's. */
  private order(l4: 'tcp' | 'udp', a: number, b: number): readonly Dissector<unknown>[] {
    const u = l4 === 'tcp' ? 0 : 1;
    const bits = this.portBits[u];
    const mask = ((bits.get(a) ?? 0) | (bits.get(b) ?? 0)) >>> 0;
    const key = mask * 2 + u;
    let o = this.orders.get(key);
    if (!o) {
      const all = u === 0 ? this.tcp : this.udp;
      const byPort = all.filter((_, i) => (mask & (1 << i)) !== 0);
      o = [...byPort, ...all.filter((d) => !byPort.includes(d))];
      this.orders.set(key, o);
    }
    return o;
  }

  isActive(idx: number): boolean {
    return this.flows[idx] !== undefined;
  }

  /**
   * Feeds one payload; `seq` is the TCP sequence number (ignored for UDP). Returns the status after it:
   * 'done' means the engine needs no more packets of this flow (call `finish`).
   */
  feed(idx: number, data: Uint8Array, dir: Dir, seq: number): ClassifyStatus {
    const st = this.flows[idx];
    if (!st) return 'done';
    if (data.length === 0) return st.matched ? 'matched' : 'classifying';
    if (st.l4 === 'tcp' && !inOrder(st, dir, seq, data.length)) return st.matched ? 'matched' : 'classifying';
    st.payloadPackets[dir]++;
    st.seen++;

    if (st.matched) {
      st.matched.extract?.(data, dir, st, st.matchedState, st.meta);
      return afterMatch(st, st.matched, st.matchedState);
    }
    const order = st.order;
    let remaining = 0;
    for (let i = 0; i < order.length; i++) {
      const bit = 1 << i;
      if (st.excluded & bit) continue;
      const d = order[i];
      const states = st.states ?? (st.states = []);
      let s = states[i];
      if (s === undefined) s = states[i] = d.init();
      const r = d.probe(data, dir, st, s);
      if (r === 'match') {
        st.matched = d;
        st.matchedState = s;
        st.states = null;
        d.extract?.(data, dir, st, s, st.meta);
        return afterMatch(st, d, s);
      }
      if (r === 'exclude' || st.seen >= d.budget) {
        st.excluded |= bit;
        states[i] = null; // free the state; never probed again
      } else {
        remaining++;
      }
    }
    return remaining === 0 || st.seen >= MAX_PACKETS ? 'done' : 'classifying';
  }

  /** The flow's result so far; releases its state. */
  finish(idx: number): ClassifyResult {
    const st = this.flows[idx];
    this.flows[idx] = undefined;
    if (!st) return { proto: null, meta: {} };
    return { proto: st.matched ? st.matched.name : null, meta: st.meta };
  }

  /** Current result without releasing (for flows that end while still being classified). */
  peek(idx: number): ClassifyResult | null {
    const st = this.flows[idx];
    return st ? { proto: st.matched ? st.matched.name : null, meta: st.meta } : null;
  }
}

/** port -> bit i for each port that candidate i of `list` names. */
function portBitsOf(list: readonly Dissector<unknown>[]): Map<number, number> {
  const bits = new Map<number, number>();
  list.forEach((d, i) => {
    for (const port of d.when.ports ?? []) bits.set(port, (bits.get(port) ?? 0) | (1 << i));
  });
  return bits;
}

/** A matched flow is done when its dissector's budget is used up or it has nothing more to learn. */
function afterMatch(st: FlowClassState, d: Dissector<unknown>, s: unknown): ClassifyStatus {
  return st.seen >= d.budget || d.complete?.(s) === true ? 'done' : 'matched';
}

/** False for data already seen in this direction (a retransmission); sequence space wraps at 2^32. */
function inOrder(st: FlowClassState, dir: Dir, seq: number, len: number): boolean {
  const next = dir === 0 ? st.next0 : st.next1;
  if (next >= 0 && ((seq + len - next) | 0) <= 0) return false;
  const n = (seq + len) >>> 0;
  if (dir === 0) st.next0 = n;
  else st.next1 = n;
  return true;
}
