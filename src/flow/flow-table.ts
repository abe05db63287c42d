// The flow table: bidirectional flows in an open-addressing hash over typed arrays: one record per flow
// for what every packet touches (key, counters, times), columns for the rest.
//
// - A flow has a stable index in [0, capacity) for its whole life; other stages keep their own
//   per-flow columns indexed by it (allocate them with `capacity`).
// - Hash index (SlotIndex): linear probing at load <= 2/3, backward-shift deletion (no tombstones).
// - Side A = the sender of the flow's first packet; direction 0 = A→B, 1 = B→A.
// - Bytes are IP-layer bytes as the IP header claims them (p.ipLen: IPv4 total length, IPv6
//   payload length + 40), per direction; link-layer and tunnel headers are not counted.
// - Expiry, amortized O(1) per packet: every live flow is in one idle list per timeout class
//   (intrusive doubly linked list, Int32Array prev/next) kept in last-packet order because each
//   packet moves its flow to the tail; expire() pops from the old ends while they are timed out.
//   A second list holds all flows in period-start order for the active timeout. Timestamps that go
//   backwards only delay expiry (lastUs never decreases).
// - Full table: the least recently used flow (oldest head over the idle lists) is handed to onEvict
//   and freed before its index is reused.
// - Non-first fragments are attributed through a small FragmentTable filled by first fragments.
// track() and expire() allocate nothing.
import type { PacketView } from '../core/packet-view.js';
import { ConfigError } from '../core/errors.js';
import { IpProto } from '../core/layers.js';
import { formatIP } from '../core/ip.js';
import { FlowKey, loadFlowKey } from './flow-key.js';
import { hashFlowKey, hashFragmentKey, hashPlainIpv4 } from './flow-hash.js';
import type { PlainIpv4 } from '../packet/plain-ipv4.js';
import { IntrusiveLists } from './intrusive-lists.js';
import { SlotIndex } from './slot-index.js';
import { FragmentTable } from './fragment-table.js';
import { DirBit, TcpFlag, TcpState, nextTcpState, timeoutClassOf } from './tcp-state.js';
import { TIMEOUT_CLASS_COUNT, idleTimeoutsUs, resolveTimeouts } from './timeouts.js';
import type { FlowTimeouts } from './timeouts.js';
import { endpointText, protoName, tunnelName } from './flow-text.js';

export type ExpireReason = 'idle' | 'active' | 'evicted' | 'end';
export type ExpireCallback = (idx: number, reason: ExpireReason) => void;

export interface FlowTableOptions {
  /** Maximum number of live flows (1 .. 33,554,432). */
  capacity: number;
  /** Seconds; missing entries take DEFAULT_FLOW_TIMEOUTS. */
  timeouts?: Partial<FlowTimeouts>;
  /** Fragment side-table entries (default capacity / 8, clamped to 64 .. 65,536). */
  fragmentEntries?: number;
  /**
   * Receives the flow that track() frees to make room in a full table, before its index is reused:
   * reason 'evicted', or 'idle' when that flow had already passed its idle timeout. Pass the same
   * function given to expire(). Can also be set later through the `onEvict` property.
   */
  onEvict?: ExpireCallback;
}

export interface FlowTableStats {
  /** Live flows now. */
  active: number;
  created: number;
  /** Flows freed by track() because the table was full and they were still within their timeout. */
  evicted: number;
  /** Flows freed for idle timeout (by expire(), or by track() on a full table). */
  expired: number;
  /** Active-timeout reports (the flow stays, its counters restart). */
  activeRestarts: number;
  /** Flows ended by flush(). */
  ended: number;
  /** Non-first fragments attributed to their first fragment's flow. */
  fragmentsMatched: number;
  /** Non-first fragments without a known first fragment (counted to a flow with ports 0/0). */
  fragmentsOrphan: number;
}

const FREE = 255;
/**
 * A flow's record: RECORD_BYTES in one buffer, seen as float64 (`counters`, COUNTER_STRIDE per flow) and
 * as int32 (`keyWords`, KEY_STRIDE per flow). Float64 [0..3] the period's counters (C_*), [4] the time
 * of the latest packet, [5] the time of the period's first packet; int32 [KEY_BASE..KEY_BASE + 11] the key.
 * What a packet reads and writes - its key to compare, its counters and times - sits in one run of
 * adjacent cache lines, instead of one line in each of several columns.
 */
const RECORD_BYTES = 96;
/** Float64 numbers per flow in FlowTable.counters; the four counters are the first of them. */
export const COUNTER_STRIDE = RECORD_BYTES / 8;
export const C_PKTS_AB = 0;
export const C_PKTS_BA = 1;
export const C_BYTES_AB = 2;
export const C_BYTES_BA = 3;
const F_LAST_US = 4;
const F_FIRST_US = 5;
const MAX_CAPACITY = 1 << 25;
/** dirBits flag: the current period (after an active-timeout restart) has no packet yet. */
const PERIOD_EMPTY = 0x10;
/**
 * dirBits flag: the flow had a packet since the last forEachTouched. Every packet moves its flow to the
 * tail of its idle list, so the touched flows of a list always form its tail: forEachTouched walks
 * back from the tail and stops at the first untouched flow, instead of visiting every live flow.
 */
const TOUCHED = 0x20;

/**
 * Int32 words per flow in `keyWords`; the key is the 12 words from KEY_BASE (int32: same bits as the
 * unsigned values): [0..3] side A address, [4..7] side B address (IPv4 in word 0),
 * [8] portA | portB << 16, [9] proto | ipVersion << 8 | vlan << 16, [10] tunnelId, [11] tunnelKind.
 */
export const KEY_STRIDE = RECORD_BYTES / 4;
export const KEY_BASE = 12;

export class FlowTable {
  readonly capacity: number;
  readonly stats: FlowTableStats = {
    active: 0,
    created: 0,
    evicted: 0,
    expired: 0,
    activeRestarts: 0,
    ended: 0,
    fragmentsMatched: 0,
    fragmentsOrphan: 0,
  };
  readonly timeouts: Readonly<FlowTimeouts>;
  onEvict: ExpireCallback | null;

  /** The flows' records as int32: the key at idx * KEY_STRIDE + KEY_BASE (side A = first sender); addresses live only here. */
  readonly keyWords: Int32Array;
  // The key's scalar fields again as columns (written at creation, for readers).
  readonly ipVersion: Uint8Array;
  readonly proto: Uint8Array;
  readonly portA: Uint16Array;
  readonly portB: Uint16Array;
  /** First (outer) VLAN id, 0 = none. */
  readonly vlan: Uint16Array;
  /** Innermost tunnel id (VNI, TEID, GRE key) and kind (TunnelKind), 0 = none. */
  readonly tunnelId: Uint32Array;
  readonly tunnelKind: Uint8Array;
  /** flowHash of the flow (symmetric, int32). */
  readonly hash: Int32Array;

  /**
   * The flows' records as float64. Counters of the current period (since creation or the last
   * active-timeout restart) side by side, so that counting a packet and reading a flow's totals touch
   * one cache line: [idx * COUNTER_STRIDE + C_PKTS_AB] packets A→B, C_PKTS_BA packets B→A, C_BYTES_AB /
   * C_BYTES_BA IP-layer bytes (p.ipLen). Read them with pktsAB(idx) & co., or directly where it is hot.
   */
  readonly counters: Float64Array;
  /** TCP flags OR-ed per direction. */
  readonly tcpFlags0: Uint8Array;
  readonly tcpFlags1: Uint8Array;

  // Flow life.
  /** TcpState (TCP flows only; NEW for other protocols). */
  readonly tcpState: Uint8Array;
  /** DirBit: directions seen, FIN seen per direction (never restarted); 0x10 = period has no packet yet. */
  readonly dirBits: Uint8Array;
  /** Creation sequence number (0, 1, 2... over the table's life); -1 for a free index. */
  readonly seq: Float64Array;
  /** TimeoutClass of a live flow; 255 = free index. */
  readonly timeoutClass: Uint8Array;

  private readonly index: SlotIndex;
  private readonly idle: IntrusiveLists;
  private readonly period: IntrusiveLists;
  /** Freed indexes, reused last-freed first; indexes >= `fresh` were never used (and are free). */
  private readonly freeStack: Int32Array;
  private freeTop = 0;
  /** Indexes handed out at least once: 0..fresh-1. Fresh ones are taken in order 0, 1, 2..., so a
   *  table that holds few flows touches (page-faults) only the first part of its columns. */
  private fresh = 0;
  private readonly idleUs: Float64Array;
  private readonly activeUs: number;
  private readonly frags: FragmentTable;
  private readonly key = new FlowKey();
  /** The time of the packet count() is counting (see there). */
  private countUs = 0;
  private nextSeq = 0;

  constructor(opts: FlowTableOptions) {
    const cap = opts.capacity;
    if (!Number.isInteger(cap) || cap < 1 || cap > MAX_CAPACITY) {
      throw new ConfigError('flow.capacity', `must be an integer from 1 to ${MAX_CAPACITY}`);
    }
    this.capacity = cap;
    const t = resolveTimeouts(opts.timeouts);
    this.timeouts = Object.freeze(t);
    this.idleUs = idleTimeoutsUs(t);
    this.activeUs = t.active * 1e6;
    this.onEvict = opts.onEvict ?? null;

    this.ipVersion = new Uint8Array(cap);
    this.proto = new Uint8Array(cap);
    const records = new ArrayBuffer(cap * RECORD_BYTES);
    this.keyWords = new Int32Array(records);
    this.counters = new Float64Array(records);
    this.portA = new Uint16Array(cap);
    this.portB = new Uint16Array(cap);
    this.vlan = new Uint16Array(cap);
    this.tunnelId = new Uint32Array(cap);
    this.tunnelKind = new Uint8Array(cap);
    this.hash = new Int32Array(cap);
    this.tcpFlags0 = new Uint8Array(cap);
    this.tcpFlags1 = new Uint8Array(cap);
    this.tcpState = new Uint8Array(cap);
    this.dirBits = new Uint8Array(cap);
    this.seq = new Float64Array(cap);
    this.timeoutClass = new Uint8Array(cap);

    this.index = new SlotIndex(cap);
    this.idle = new IntrusiveLists(cap, TIMEOUT_CLASS_COUNT);
    this.period = new IntrusiveLists(cap, 1);
    this.freeStack = new Int32Array(cap);
    const fragEntries = opts.fragmentEntries ?? Math.min(65536, Math.max(64, cap >>> 3));
    if (!Number.isInteger(fragEntries) || fragEntries < 1) {
      throw new ConfigError('flow.fragmentEntries', 'must be a positive integer');
    }
    this.frags = new FragmentTable(fragEntries, t.fragment * 1e6);
    this.reset();
  }

  /**
   * Finds or creates the flow of p and updates its counters, TCP state and time; sets p.flowIdx,
   * p.flowDir (0 = same direction as the flow's first packet) and p.flowIsNew. Returns the flow
   * index, or -1 (and p.flowIdx = -1) when p has no IP layer.
   */
  track(p: PacketView): number {
    const ver = p.ipVersion;
    if ((ver !== 4 && ver !== 6) || p.srcAddrOff < 0 || p.dstAddrOff < 0) {
      p.flowIdx = -1;
      return -1;
    }
    const k = this.key;
    const ts = p.tsUs;
    const nonFirstFragment = p.isFragment && p.fragOffset > 0;
    loadFlowKey(p, k, !nonFirstFragment);

    if (nonFirstFragment) {
      const frags = this.frags;
      const w = frags.find(hashFragmentKey(k, p.ipId | 0), p.ipId | 0);
      if (w >= 0 && ts - frags.lastUs[w] < frags.timeoutUs) {
        const f = frags.flow[w];
        const d = frags.dir[w];
        if (this.seq[f] === frags.seq[w] && this.sameHosts(f, d, k)) {
          if (ts > frags.lastUs[w]) frags.lastUs[w] = ts;
          this.stats.fragmentsMatched++;
          this.countUs = ts;
          this.count(f, d, p.ipLen, p.tcpFlags, false);
          p.flowIdx = f;
          p.flowDir = d;
          p.flowIsNew = false;
          return f;
        }
      }
      this.stats.fragmentsOrphan++;
      // no known first fragment: the key already has ports 0/0
    }

    const h = hashFlowKey(k);
    const slots = this.index.slots;
    const mask = this.index.mask;
    let s = h & mask;
    let idx = -1;
    let dir = 0;
    for (let n = 0; n <= mask; n++) {
      const f = slots[2 * s];
      if (f < 0) break;
      if (slots[2 * s + 1] === h) {
        const d = this.matchDir(f, k);
        if (d >= 0) {
          idx = f;
          dir = d;
          break;
        }
      }
      s = (s + 1) & mask;
    }
    let isNew = false;
    if (idx < 0) {
      if (this.freeTop === 0 && this.fresh === this.capacity) {
        this.evictOne(p);
        s = this.index.emptySlot(h);
      }
      idx = this.create(k, h, s, p);
      isNew = true;
    }
    this.countUs = ts;
    this.count(idx, dir, p.ipLen, p.tcpFlags, k.proto === IpProto.TCP && !nonFirstFragment);

    if (p.isFragment && p.fragOffset === 0 && p.moreFragments) {
      // a first fragment vouches for the following fragments of its datagram
      const frags = this.frags;
      const id = p.ipId | 0;
      const fh = hashFragmentKey(k, id);
      const w = frags.slotFor(fh, id);
      frags.hash[w] = fh;
      frags.ipId[w] = id;
      frags.flow[w] = idx;
      frags.dir[w] = dir;
      frags.seq[w] = this.seq[idx];
      frags.lastUs[w] = ts;
    }
    p.flowIdx = idx;
    p.flowDir = dir;
    p.flowIsNew = isNew;
    return idx;
  }

  /**
   * The live flow of a plain IPv4 packet (readPlainIpv4: no VLAN, tunnel or fragment), as
   * idx * 2 + direction; -1 when there is none (the packet starts a flow: track() it). Changes nothing.
   */
  findPlainIpv4(t: PlainIpv4): number {
    const src = t.src;
    const dst = t.dst;
    const sp = t.srcPort;
    const dp = t.dstPort;
    const h = hashPlainIpv4(src, dst, sp, dp, t.proto);
    const typeWord = t.proto | (4 << 8);
    const slots = this.index.slots;
    const mask = this.index.mask;
    const w = this.keyWords;
    let s = h & mask;
    for (let n = 0; n <= mask; n++) {
      const f = slots[2 * s];
      if (f < 0) return -1;
      if (slots[2 * s + 1] === h) {
        // an IPv4 key's address words 1..3 are 0: words 0 and 4 are the addresses
        const o = f * KEY_STRIDE + KEY_BASE;
        if (w[o + 9] === typeWord && w[o + 10] === 0 && w[o + 11] === 0) {
          const ports = w[o + 8];
          if (w[o] === src && w[o + 4] === dst && ports === (sp | (dp << 16))) return 2 * f;
          if (w[o] === dst && w[o + 4] === src && ports === (dp | (sp << 16))) return 2 * f + 1;
        }
      }
      s = (s + 1) & mask;
    }
    return -1;
  }

  /** Counts plain packet t (time t.tsUs) to flow idx in direction dir, as found by findPlainIpv4. */
  countPlain(idx: number, dir: number, t: PlainIpv4): void {
    this.countUs = t.tsUs;
    this.count(idx, dir, t.ipLen, t.tcpFlags, t.proto === IpProto.TCP);
  }

  /**
   * Handles timeouts as of nowUs: onExpire(idx, 'idle') then frees each idle-timed-out flow; then
   * onExpire(idx, 'active') for each flow whose period reached the active timeout, after which its
   * counters (packets, bytes, flags, firstUs) restart. The callback must not change the table.
   */
  expire(nowUs: number, onExpire: ExpireCallback): void {
    const idle = this.idle;
    const rec = this.counters;
    for (let c = 0; c < TIMEOUT_CLASS_COUNT; c++) {
      const limit = nowUs - this.idleUs[c];
      for (let guard = this.capacity; guard > 0; guard--) {
        const i = idle.head[c];
        if (i < 0 || rec[i * COUNTER_STRIDE + F_LAST_US] > limit) break;
        onExpire(i, 'idle');
        this.stats.expired++;
        this.free(i);
      }
    }
    const period = this.period;
    const activeLimit = nowUs - this.activeUs;
    for (let guard = this.capacity; guard > 0; guard--) {
      const i = period.head[0];
      if (i < 0 || rec[i * COUNTER_STRIDE + F_FIRST_US] > activeLimit) break;
      const c = rec;
      const o = i * COUNTER_STRIDE;
      if (c[o + C_PKTS_AB] + c[o + C_PKTS_BA] > 0) {
        onExpire(i, 'active');
        this.stats.activeRestarts++;
        c[o] = 0;
        c[o + 1] = 0;
        c[o + 2] = 0;
        c[o + 3] = 0;
        this.tcpFlags0[i] = 0;
        this.tcpFlags1[i] = 0;
      }
      // firstUs orders the period list until the next packet sets it to its own time
      rec[o + F_FIRST_US] = nowUs;
      this.dirBits[i] |= PERIOD_EMPTY;
      period.moveToTail(0, i);
    }
  }

  /** Ends every flow (end of capture): onExpire(idx, 'end') for each, oldest period first, then clears the table. */
  flush(onExpire: ExpireCallback): void {
    const period = this.period;
    let i = period.head[0];
    for (let guard = this.capacity; i >= 0 && guard > 0; guard--) {
      const nx = period.next(i);
      onExpire(i, 'end');
      this.stats.ended++;
      i = nx;
    }
    this.reset();
  }

  /** Calls fn for every live flow, oldest period first. fn must not change the table. */
  forEachActive(fn: (idx: number) => void): void {
    const period = this.period;
    let i = period.head[0];
    for (let guard = this.capacity; i >= 0 && guard > 0; guard--) {
      const nx = period.next(i);
      fn(i);
      i = nx;
    }
  }

  /**
   * Calls fn for every live flow that had a packet since the previous call (or since it was created),
   * and clears the mark: the flows whose counters may have changed. Visits only those flows (each idle
   * list's touched tail, newest first), not every live flow. fn must not change the table.
   */
  forEachTouched(fn: (idx: number) => void): void {
    const idle = this.idle;
    const bits = this.dirBits;
    for (let c = 0; c < TIMEOUT_CLASS_COUNT; c++) {
      let i = idle.tail[c];
      for (let guard = this.capacity; i >= 0 && guard > 0 && (bits[i] & TOUCHED) !== 0; guard--) {
        bits[i] &= ~TOUCHED;
        const pv = idle.prev(i);
        fn(i);
        i = pv;
      }
    }
  }

  /** Time (µs) of the flow's latest packet. */
  lastUsOf(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + F_LAST_US];
  }

  /** Time (µs) of the current period's first packet. */
  firstUsOf(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + F_FIRST_US];
  }

  /** Packets A→B (side A = the flow's first sender) in the current period. */
  pktsAB(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + C_PKTS_AB];
  }

  pktsBA(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + C_PKTS_BA];
  }

  /** IP-layer bytes A→B in the current period. */
  bytesAB(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + C_BYTES_AB];
  }

  bytesBA(idx: number): number {
    return this.counters[idx * COUNTER_STRIDE + C_BYTES_BA];
  }

  /** Frees a live flow without any callback (e.g. a stage decided it is over). No-op for a free index. */
  remove(idx: number): void {
    if (this.isLive(idx)) this.free(idx);
  }

  isLive(idx: number): boolean {
    return idx >= 0 && idx < this.fresh && this.timeoutClass[idx] !== FREE;
  }

  /** Writes side A's address into out16 (4 bytes for IPv4, 16 for IPv6); returns the byte count. */
  addrA(idx: number, out16: Uint8Array): number {
    return this.writeAddr(idx * KEY_STRIDE + KEY_BASE, idx, out16);
  }

  addrB(idx: number, out16: Uint8Array): number {
    return this.writeAddr(idx * KEY_STRIDE + KEY_BASE + 4, idx, out16);
  }

  addrAText(idx: number): string {
    const b = new Uint8Array(16);
    this.addrA(idx, b);
    return formatIP(b, 0, this.ipVersion[idx]);
  }

  addrBText(idx: number): string {
    const b = new Uint8Array(16);
    this.addrB(idx, b);
    return formatIP(b, 0, this.ipVersion[idx]);
  }

  /** "TCP 10.0.0.1:1234 <-> 1.2.3.4:443", plus " vlan 7" and " vxlan:42" when present. */
  keyText(idx: number): string {
    const v = this.ipVersion[idx];
    const pr = this.proto[idx];
    const b = new Uint8Array(16);
    this.addrA(idx, b);
    const a = endpointText(b, v, this.portA[idx], pr);
    this.addrB(idx, b);
    let text = `${protoName(pr)} ${a} <-> ${endpointText(b, v, this.portB[idx], pr)}`;
    if (this.vlan[idx] !== 0) text += ` vlan ${this.vlan[idx]}`;
    if (this.tunnelKind[idx] !== 0) text += ` ${tunnelName(this.tunnelKind[idx])}:${this.tunnelId[idx]}`;
    return text;
  }

  /**
   * Bytes of every typed array the table owns (records, columns, hash slots, lists, fragment table)
   * once it is full: the hash index, which grows with the live flows, is counted at its largest.
   */
  memoryBytes(): number {
    // the records are one buffer seen through two views: count buffers, not views
    const buffers = new Set<ArrayBufferLike>();
    for (const v of [...Object.values(this), ...Object.values(this.idle), ...Object.values(this.period), ...Object.values(this.frags), ...Object.values(this.index)]) {
      if (ArrayBuffer.isView(v)) buffers.add(v.buffer);
    }
    buffers.delete(this.index.slots.buffer);
    let n = this.index.bytesAtCapacity;
    for (const b of buffers) n += b.byteLength;
    return n;
  }

  /** Mean probe distance (slots from home) over live flows: a health check for tests and debugging. */
  meanProbeDistance(): number {
    return this.index.meanProbeDistance();
  }

  /** Checks internal consistency (slots ↔ flows ↔ lists); returns a problem description or null. For tests. */
  checkInvariants(): string | null {
    const problem = this.index.check(this.hash, (i) => this.isLive(i), this.stats.active);
    if (problem) return problem;
    let inLists = 0;
    for (let c = 0; c < TIMEOUT_CLASS_COUNT; c++) {
      for (let i = this.idle.head[c]; i >= 0; i = this.idle.next(i)) {
        if (this.timeoutClass[i] !== c) return `flow ${i} in list ${c} has class ${this.timeoutClass[i]}`;
        if (++inLists > this.capacity) return 'idle list cycle';
      }
    }
    if (inLists !== this.stats.active) return `idle lists hold ${inLists} != active ${this.stats.active}`;
    if (this.freeTop + this.stats.active !== this.fresh) return 'free stack size mismatch';
    return null;
  }

  // ---- internals ----

  private reset(): void {
    // only what was used needs clearing: the columns of never-used indexes are still zero
    if (this.fresh > 0) {
      this.index.clear();
      this.timeoutClass.fill(FREE, 0, this.fresh);
      this.seq.fill(-1, 0, this.fresh);
    }
    this.idle.clear();
    this.period.clear();
    this.freeTop = 0;
    this.fresh = 0;
    this.frags.clear();
    this.stats.active = 0;
  }

  /** 0 if flow f is k in its own direction, 1 if reversed, -1 if not k. */
  private matchDir(f: number, k: FlowKey): number {
    const w = this.keyWords;
    const o = f * KEY_STRIDE + KEY_BASE;
    if (w[o + 9] !== (k.proto | (k.version << 8) | (k.vlan << 16)) || w[o + 10] !== k.tunnelId || w[o + 11] !== k.tunnelKind) {
      return -1;
    }
    const s = k.src;
    const d = k.dst;
    const ports = w[o + 8];
    if (
      ports === (k.srcPort | (k.dstPort << 16)) &&
      w[o] === s[0] && w[o + 4] === d[0] &&
      w[o + 1] === s[1] && w[o + 2] === s[2] && w[o + 3] === s[3] &&
      w[o + 5] === d[1] && w[o + 6] === d[2] && w[o + 7] === d[3]
    ) {
      return 0;
    }
    if (
      ports === (k.dstPort | (k.srcPort << 16)) &&
      w[o] === d[0] && w[o + 4] === s[0] &&
      w[o + 1] === d[1] && w[o + 2] === d[2] && w[o + 3] === d[3] &&
      w[o + 5] === s[1] && w[o + 6] === s[2] && w[o + 7] === s[3]
    ) {
      return 1;
    }
    return -1;
  }

  /** True if flow f joins k's hosts in direction dir (ports ignored): the fragment table's check. */
  private sameHosts(f: number, dir: number, k: FlowKey): boolean {
    if (f < 0) return false;
    const w = this.keyWords;
    const o = f * KEY_STRIDE + KEY_BASE;
    if (w[o + 9] !== (k.proto | (k.version << 8) | (k.vlan << 16)) || w[o + 10] !== k.tunnelId || w[o + 11] !== k.tunnelKind) {
      return false;
    }
    const from = dir === 0 ? o : o + 4;
    const to = dir === 0 ? o + 4 : o;
    const s = k.src;
    const d = k.dst;
    return (
      w[from] === s[0] && w[from + 1] === s[1] && w[from + 2] === s[2] && w[from + 3] === s[3] &&
      w[to] === d[0] && w[to + 1] === d[1] && w[to + 2] === d[2] && w[to + 3] === d[3]
    );
  }

  private create(k: FlowKey, h: number, s: number, p: PacketView): number {
    const ts = p.tsUs;
    const idx = this.freeTop > 0 ? this.freeStack[--this.freeTop] : this.fresh++;
    this.index.put(s, idx, h);
    this.ipVersion[idx] = k.version;
    this.proto[idx] = k.proto;
    const w = this.keyWords;
    const o = idx * KEY_STRIDE + KEY_BASE;
    w[o] = k.src[0];
    w[o + 1] = k.src[1];
    w[o + 2] = k.src[2];
    w[o + 3] = k.src[3];
    w[o + 4] = k.dst[0];
    w[o + 5] = k.dst[1];
    w[o + 6] = k.dst[2];
    w[o + 7] = k.dst[3];
    w[o + 8] = k.srcPort | (k.dstPort << 16);
    w[o + 9] = k.proto | (k.version << 8) | (k.vlan << 16);
    w[o + 10] = k.tunnelId;
    w[o + 11] = k.tunnelKind;
    this.portA[idx] = k.srcPort;
    this.portB[idx] = k.dstPort;
    this.vlan[idx] = k.vlan;
    this.tunnelId[idx] = k.tunnelId;
    this.tunnelKind[idx] = k.tunnelKind;
    this.hash[idx] = h;
    const c = this.counters;
    const co = idx * COUNTER_STRIDE;
    c[co] = 0;
    c[co + 1] = 0;
    c[co + 2] = 0;
    c[co + 3] = 0;
    c[co + F_FIRST_US] = ts;
    c[co + F_LAST_US] = ts;
    this.tcpFlags0[idx] = 0;
    this.tcpFlags1[idx] = 0;
    this.tcpState[idx] = TcpState.NEW;
    this.dirBits[idx] = TOUCHED;
    this.seq[idx] = this.nextSeq++;
    const cls = timeoutClassOf(k.proto, TcpState.NEW);
    this.timeoutClass[idx] = cls;
    this.idle.pushTail(cls, idx);
    this.period.pushTail(0, idx);
    this.stats.active++;
    this.stats.created++;
    return idx;
  }

  /**
   * Counts a packet (time this.countUs, IP length ipLen, direction dir) to flow idx; `tcp` = update the
   * TCP state from tcpFlags. Numbers, not a packet object: its callers (track, countPlain) have different
   * kinds of packet, and field reads that see two shapes are slower. The time comes through a field
   * because a double argument to a call V8 does not inline gets boxed (an allocation per packet).
   */
  private count(idx: number, dir: number, ipLen: number, tcpFlags: number, tcp: boolean): void {
    const ts = this.countUs;
    const c = this.counters;
    const o = idx * COUNTER_STRIDE;
    let bits = this.dirBits[idx] | TOUCHED;
    if (bits & PERIOD_EMPTY) {
      c[o + F_FIRST_US] = ts;
      bits &= ~PERIOD_EMPTY;
    }
    if (ts > c[o + F_LAST_US]) c[o + F_LAST_US] = ts;
    const flags = tcp ? tcpFlags & 0xff : 0;
    if (dir === 0) {
      c[o + C_PKTS_AB]++;
      c[o + C_BYTES_AB] += ipLen;
      this.tcpFlags0[idx] |= flags;
      bits |= DirBit.SEEN_A | (flags & TcpFlag.FIN ? DirBit.FIN_A : 0);
    } else {
      c[o + C_PKTS_BA]++;
      c[o + C_BYTES_BA] += ipLen;
      this.tcpFlags1[idx] |= flags;
      bits |= DirBit.SEEN_B | (flags & TcpFlag.FIN ? DirBit.FIN_B : 0);
    }
    const cls = this.timeoutClass[idx];
    if (tcp) {
      const old = this.tcpState[idx];
      const st = nextTcpState(old, flags, bits);
      if (st !== old) {
        // port reuse: a new handshake starts from this packet's direction
        if (st === TcpState.SYN && (old === TcpState.CLOSED || old === TcpState.RESET)) {
          bits = TOUCHED | (dir === 0 ? DirBit.SEEN_A : DirBit.SEEN_B); // (PERIOD_EMPTY was cleared above)
        }
        this.tcpState[idx] = st;
        const nc = timeoutClassOf(IpProto.TCP, st);
        if (nc !== cls) {
          this.dirBits[idx] = bits;
          this.idle.remove(cls, idx);
          this.idle.pushTail(nc, idx);
          this.timeoutClass[idx] = nc;
          return;
        }
      }
    }
    this.dirBits[idx] = bits;
    this.idle.moveToTail(cls, idx);
  }

  /** Frees the least recently used flow (oldest head over the idle lists) through onEvict. */
  private evictOne(p: PacketView): void {
    const ts = p.tsUs;
    let best = -1;
    let bestCls = 0;
    for (let c = 0; c < TIMEOUT_CLASS_COUNT; c++) {
      const h = this.idle.head[c];
      if (h >= 0 && (best < 0 || this.lastUsOf(h) < this.lastUsOf(best))) {
        best = h;
        bestCls = c;
      }
    }
    if (best < 0) return;
    const timedOut = this.lastUsOf(best) + this.idleUs[bestCls] <= ts;
    if (timedOut) this.stats.expired++;
    else this.stats.evicted++;
    if (this.onEvict !== null) this.onEvict(best, timedOut ? 'idle' : 'evicted');
    this.free(best);
  }

  private free(idx: number): void {
    this.index.remove(idx);
    this.idle.remove(this.timeoutClass[idx], idx);
    this.period.remove(0, idx);
    this.timeoutClass[idx] = FREE;
    this.seq[idx] = -1;
    this.freeStack[this.freeTop++] = idx;
    this.stats.active--;
  }

  private writeAddr(o: number, idx: number, out: Uint8Array): number {
    const n = this.ipVersion[idx] === 6 ? 4 : 1;
    for (let w = 0; w < n; w++) {
      const v = this.keyWords[o + w];
      out[4 * w] = v >>> 24;
      out[4 * w + 1] = (v >>> 16) & 0xff;
      out[4 * w + 2] = (v >>> 8) & 0xff;
      out[4 * w + 3] = v & 0xff;
    }
    return n * 4;
  }
}

/** Typed-array bytes per flow of capacity (hash slots, lists and fragment table included). */
export function bytesPerFlow(table: FlowTable): number {
  return table.memoryBytes() / table.capacity;
}
