// The classification engine: runs the dissectors over a flow's first payload packets.
//
// Each flow being classified gets a small state object (flows that finished classifying hold none).
// Candidates are tried in order (dissectors whose ports match the flow first); each returns match,
// exclude or more; a dissector that used up its budget is excluded. After a match the winner may keep
// extracting metadata (e.g. TLS ServerHello/certificate after the ClientHello) within its budget.

import type { AppMeta, Dir, Dissector, FlowView } from './dissector.js';
import { denseArray } from '../core/dense-array.js';

/** Payload packets after which a flow that matched nothing is given up on. */
const MAX_PACKETS = 24;

export type ClassifyStatus = 'classifying' | 'matched' | 'done';

class FlowClassState implements FlowView {
  l4: 'tcp' | 'udp';
  srcPort: number;
  dstPort: number;
  readonly payloadPackets: [number, number] = [0, 0];
  candidates: Dissector<unknown>[];
  states: unknown[];
  matched: Dissector<unknown> | null = null;
  matchedState: unknown = null;
  meta: AppMeta = {};
  seen = 0;
  /** Next expected TCP sequence number per direction (-1 = unknown), to skip retransmissions. */
  nextSeq: [number, number] = [-1, -1];

  constructor(l4: 'tcp' | 'udp', srcPort: number, dstPort: number, candidates: Dissector<unknown>[]) {
    this.l4 = l4;
    this.srcPort = srcPort;
    this.dstPort = dstPort;
    this.candidates = candidates;
    this.states = candidates.map((d) => d.init());
  }
}

export interface ClassifyResult {
  proto: string | null;
  meta: AppMeta;
}

export class ClassifyEngine {
  private readonly flows: (FlowClassState | undefined)[];
  private readonly tcp: Dissector<unknown>[];
  private readonly udp: Dissector<unknown>[];

  constructor(
    capacity: number,
    dissectors: readonly Dissector<unknown>[],
  ) {
    this.flows = denseArray<FlowClassState | undefined>(capacity, undefined);
    this.tcp = dissectors.filter((d) => d.when.l4 === 'tcp' || d.when.l4 === 'both');
    this.udp = dissectors.filter((d) => d.when.l4 === 'udp' || d.when.l4 === 'both');
  }

  /** Starts classifying a new TCP or UDP flow (ports as seen in its first packet). */
  start(idx: number, l4: 'tcp' | 'udp', srcPort: number, dstPort: number): void {
    const all = l4 === 'tcp' ? this.tcp : this.udp;
    const byPort = all.filter((d) => d.when.ports?.includes(srcPort) || d.when.ports?.includes(dstPort));
    const rest = all.filter((d) => !byPort.includes(d));
    this.flows[idx] = new FlowClassState(l4, srcPort, dstPort, [...byPort, ...rest]);
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
    if (st.l4 === 'tcp' && !this.inOrder(st, dir, seq, data.length)) return st.matched ? 'matched' : 'classifying';
    st.payloadPackets[dir]++;
    st.seen++;

    if (st.matched) {
      st.matched.extract?.(data, dir, st, st.matchedState, st.meta);
      return st.seen >= st.matched.budget ? 'done' : 'matched';
    }
    for (let i = 0; i < st.candidates.length; ) {
      const d = st.candidates[i];
      const r = d.probe(data, dir, st, st.states[i]);
      if (r === 'match') {
        st.matched = d;
        st.matchedState = st.states[i];
        d.extract?.(data, dir, st, st.matchedState, st.meta);
        st.candidates = [];
        st.states = [];
        return st.seen >= d.budget ? 'done' : 'matched';
      }
      if (r === 'exclude' || st.seen >= d.budget) {
        st.candidates.splice(i, 1);
        st.states.splice(i, 1);
      } else {
        i++;
      }
    }
    return st.candidates.length === 0 || st.seen >= MAX_PACKETS ? 'done' : 'classifying';
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

  private inOrder(st: FlowClassState, dir: Dir, seq: number, len: number): boolean {
    const next = st.nextSeq[dir];
    if (next >= 0) {
      // distance in sequence space (wraps at 2^32): <= 0 means this data was already seen
      const ahead = ((seq + len - next) | 0);
      if (ahead <= 0) return false;
    }
    st.nextSeq[dir] = (seq + len) >>> 0;
    return true;
  }
}
