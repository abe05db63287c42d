// Redirection in bump-in-the-wire mode: the way back for packets a redirection peer returns.
//
// In bump mode every datagram goes straight back to its sender (UdpTunnelPort.reply). A packet of a
// redirected flow goes to the peer instead, and the peer returns only its inner IP packet (a kernel
// appliance routes it back through its own tunnel). To send it on as bump mode would have, the bytes
// in front of the inner IP packet (tunnel header as it arrived: VNI, GENEVE options such as a GWLB
// flow cookie, GTP-U TEID; for Ethernet tunnels the inner Ethernet header) and the sender's address and
// UDP port are kept here, per flow and direction, each time a packet goes to the peer (remember), and
// found again from the returned packet (find, then writeDatagram). The peer gets the innermost IP
// packet, so with tunnels nested inside the datagram everything before it is kept as it came (length
// fields in there are not rewritten: right as long as the appliance returns the packet at its length).
//
// Keyed by the inner 5-tuple (version, protocol, addresses, ports; symmetric hash, one record for both
// directions), not by a lookup in the pipeline's flow table: the flow key includes the tunnel id (VNI)
// and VLAN, which the returned packet does not carry, so the flow table cannot be probed with it. Flows
// of one 5-tuple in different VNIs (a VTEP that sends the two directions in two VNIs: two flows for the
// pipeline, one for the appliance) share a record, each direction its own path (the latest packet sent
// to the peer that way decides): an appliance that routes by address cannot tell them apart either.
// Returned non-first fragments carry no ports: the record of their first fragment (same addresses,
// protocol and IP id) is kept in a small direct-mapped table; one that comes back before its first
// fragment finds no path.
//
// Memory is bounded and only for redirected flows: one int per flow-table index (its record), and
// records (key + per direction the sender and up to MAX_PATH_HDR header bytes) that grow by doubling
// from 256 up to min(flow capacity, MAX_PATH_RECORDS). Records are reused round-robin: the next SCAN
// are looked at for one whose flow is gone; if all are live the store grows, and at its maximum the next
// record is taken from its (live) flow, which takes another at its next packet to the peer: only that
// flow's packets already at the peer then find no path (counted as noPath). Nothing is allocated per
// packet (the store grows at most 8 times, doubling).
import type { FlowTable } from '../flow/flow-table.js';
import { KEY_BASE, KEY_STRIDE } from '../flow/flow-table.js';
import { FlowKey, loadFlowKey } from '../flow/flow-key.js';
import { hashFlowKey, hashFragmentKey } from '../flow/flow-hash.js';
import { SlotIndex } from '../flow/slot-index.js';
import { PacketView } from '../core/packet-view.js';
import { LinkType } from '../core/layers.js';
import { decodeFrame } from '../packet/decode.js';
import { MAX_TUNNEL_HDR } from './live-endpoints.js';
import { grownTo } from '../core/typed-grow.js';

/** Longest kept prefix: a tunnel header (GENEVE with 252 option bytes) + Ethernet with two VLAN tags. */
export const MAX_PATH_HDR = MAX_TUNNEL_HDR + 24;
/** Most records kept (each 2 x MAX_PATH_HDR bytes + key and index): 65536 = about 40 MB at most. */
export const MAX_PATH_RECORDS = 65536;
const FIRST_RECORDS = 256;
/** Key words per record: addresses A (4), B (4), ports A | B << 16, proto | version << 8. */
const RK = 10;
const FRAG_SLOTS = 256;
/** Records looked at for one whose flow is gone before the store grows. */
const SCAN = 8;

export class BumpPaths {
  /** Returned packets for which no path was kept (dropped by the caller). */
  noPath = 0;
  /** Packets sent to the peer whose prefix was longer than MAX_PATH_HDR (their return finds no path). */
  tooLong = 0;
  /** Records taken from a still-live flow because the store was full (see above). */
  recycledLive = 0;
  /** After find(): the sender's address (host order) and UDP port, the prefix length. */
  addr = 0;
  port = 0;
  private size = 0;
  private used = 0;
  private hand = 0;
  private readonly max: number;
  /**
   * Per flow-table index: record * 2 + flip (1 when the flow's side A is the record's side B), or -1;
   * valid while the record names this flow and its seq (else found again by 5-tuple).
   */
  private readonly recordOf: Int32Array;
  private recFlow = new Int32Array(0);
  private recSeq = new Float64Array(0);
  private recKey = new Int32Array(0);
  private recHash = new Int32Array(0);
  /** Times each record was reused for another 5-tuple (fragment entries check it). */
  private recGen = new Int32Array(0);
  /** Per record and direction (r * 2 + dir): prefix length (0 = none), sender address and port, bytes. */
  private pathLen = new Uint16Array(0);
  private pathAddr = new Uint32Array(0);
  private pathPort = new Uint16Array(0);
  private hdr = new Uint8Array(0);
  private index: SlotIndex;
  private readonly key = new FlowKey();
  private readonly view = new PacketView();
  private readonly fragHash = new Int32Array(FRAG_SLOTS);
  private readonly fragId = new Int32Array(FRAG_SLOTS);
  private readonly fragPath = new Int32Array(FRAG_SLOTS).fill(-1);
  private readonly fragGen = new Int32Array(FRAG_SLOTS);

  constructor(private readonly flows: FlowTable, maxRecords = MAX_PATH_RECORDS) {
    this.max = Math.max(1, Math.min(flows.capacity, maxRecords));
    this.recordOf = new Int32Array(flows.capacity).fill(-1);
    this.index = new SlotIndex(1);
    this.grow(Math.min(this.max, FIRST_RECORDS));
  }

  /** Records allocated now (tests, status). */
  get records(): number {
    return this.size;
  }

  /**
   * Keeps the way back for flow idx, direction dir (its packet just went to the peer): the sender
   * (host-order address, UDP port) and buf[hdrOff, hdrOff + hdrLen), the bytes before the inner IP packet.
   */
  remember(idx: number, dir: number, addr: number, port: number, buf: Uint8Array, hdrOff: number, hdrLen: number): void {
    if (idx < 0 || idx >= this.recordOf.length) return;
    if (hdrLen <= 0 || hdrLen > MAX_PATH_HDR) {
      this.tooLong++;
      return;
    }
    const seq = this.flows.seq[idx];
    let rf = this.recordOf[idx];
    if (rf < 0 || this.recFlow[rf >> 1] !== idx || this.recSeq[rf >> 1] !== seq) {
      rf = this.attach(idx, seq);
      this.recordOf[idx] = rf;
    }
    const d = (rf & ~1) + ((dir ^ rf) & 1);
    this.pathAddr[d] = addr;
    this.pathPort[d] = port;
    this.pathLen[d] = hdrLen;
    const h = d * MAX_PATH_HDR;
    for (let k = 0; k < hdrLen; k++) this.hdr[h + k] = buf[hdrOff + k];
  }

  /**
   * The kept path of the IP packet buf[off, off + len) returned by the peer: its number (for
   * writeDatagram; this.addr / this.port are set), or -1 (counted in noPath).
   */
  find(buf: Uint8Array, off: number, len: number): number {
    const v = this.view;
    decodeFrame(v, buf, off, len, len, 0, LinkType.RAW);
    if ((v.ipVersion !== 4 && v.ipVersion !== 6) || v.srcAddrOff < 0 || v.dstAddrOff < 0) return this.miss();
    const k = this.key;
    const nonFirst = v.isFragment && v.fragOffset > 0;
    loadFlowKey(v, k, !nonFirst);
    k.vlan = 0;
    k.tunnelId = 0;
    k.tunnelKind = 0;
    let d: number;
    if (nonFirst) {
      const fh = hashFragmentKey(k, v.ipId | 0);
      const s = fh & (FRAG_SLOTS - 1);
      d = this.fragPath[s];
      // the record must still hold the 5-tuple it had when the first fragment came back
      if (d < 0 || this.fragHash[s] !== fh || this.fragId[s] !== (v.ipId | 0) || this.recGen[d >> 1] !== this.fragGen[s]) return this.miss();
    } else {
      d = this.lookup(k, hashFlowKey(k));
      if (d < 0) return this.miss();
      if (v.isFragment && v.moreFragments) {
        const fh = hashFragmentKey(k, v.ipId | 0);
        const s = fh & (FRAG_SLOTS - 1);
        this.fragHash[s] = fh;
        this.fragId[s] = v.ipId | 0;
        this.fragPath[s] = d;
        this.fragGen[s] = this.recGen[d >> 1];
      }
    }
    if (this.pathLen[d] === 0) return this.miss();
    this.addr = this.pathAddr[d];
    this.port = this.pathPort[d];
    return d;
  }

  /** Length of path d's prefix (d from find()). */
  prefixLen(d: number): number {
    return this.pathLen[d];
  }

  /**
   * Writes path d's prefix then the IP packet src[from, from + ipLen) at out[o]; returns the datagram's
   * length. `gtpu`: the GTP-U length field (bytes 2..3) is set for the new payload.
   */
  writeDatagram(d: number, out: Uint8Array, o: number, src: Uint8Array, from: number, ipLen: number, gtpu: boolean): number {
    const hl = this.pathLen[d];
    const h = d * MAX_PATH_HDR;
    for (let k = 0; k < hl; k++) out[o + k] = this.hdr[h + k];
    if (gtpu && hl >= 8) {
      const gl = hl - 8 + ipLen; // everything after the 8 mandatory header bytes
      out[o + 2] = (gl >> 8) & 0xff;
      out[o + 3] = gl & 0xff;
    }
    const w = o + hl;
    for (let k = 0; k < ipLen; k++) out[w + k] = src[from + k];
    return hl + ipLen;
  }

  private miss(): number {
    this.noPath++;
    return -1;
  }

  /**
   * The record for flow idx (seq): the one holding its 5-tuple if any (its paths are kept: an ended flow's,
   * or another VNI's), else a free or the oldest one. Returns record * 2 + flip (see recordOf).
   */
  private attach(idx: number, seq: number): number {
    const k = this.key;
    const w = this.flows.keyWords;
    const o = idx * KEY_STRIDE + KEY_BASE;
    for (let i = 0; i < 4; i++) {
      k.src[i] = w[o + i];
      k.dst[i] = w[o + 4 + i];
    }
    k.srcPort = w[o + 8] & 0xffff;
    k.dstPort = (w[o + 8] >>> 16) & 0xffff;
    k.proto = w[o + 9] & 0xff;
    k.version = (w[o + 9] >> 8) & 0xff;
    k.vlan = 0;
    k.tunnelId = 0;
    k.tunnelKind = 0;
    const hash = hashFlowKey(k);
    const found = this.lookup(k, hash);
    if (found >= 0) {
      const r = found >> 1;
      this.recFlow[r] = idx;
      this.recSeq[r] = seq;
      return found;
    }
    const r = this.take();
    this.index.put(this.index.emptySlot(hash), r, hash);
    this.recFlow[r] = idx;
    this.recSeq[r] = seq;
    this.recHash[r] = hash;
    // a new record in this flow's orientation (side A first): flip 0
    const rk = r * RK;
    for (let i = 0; i < 8; i++) this.recKey[rk + i] = w[o + i];
    this.recKey[rk + 8] = w[o + 8];
    this.recKey[rk + 9] = w[o + 9] & 0xffff;
    this.pathLen[r * 2] = 0;
    this.pathLen[r * 2 + 1] = 0;
    return r * 2;
  }

  /** A record to (re)use, out of the hash index: never used, else one whose flow is gone, else grow, else the oldest. */
  private take(): number {
    if (this.used < this.size) return this.used++;
    for (let n = 0; n < SCAN; n++) {
      const r = this.hand;
      this.hand = r + 1 >= this.size ? 0 : r + 1;
      if (!this.isLive(r)) {
        this.index.remove(r);
        this.recGen[r]++;
        return r;
      }
    }
    if (this.size < this.max) {
      this.grow(Math.min(this.max, this.size * 2));
      return this.used++;
    }
    const r = this.hand;
    this.hand = r + 1 >= this.size ? 0 : r + 1;
    this.recycledLive++;
    this.index.remove(r);
    this.recGen[r]++;
    return r;
  }

  private isLive(r: number): boolean {
    const f = this.recFlow[r];
    return f >= 0 && this.flows.isLive(f) && this.flows.seq[f] === this.recSeq[r] && this.recordOf[f] >> 1 === r;
  }

  /** Record * 2 + direction of the record holding k (k as the packet goes), or -1. */
  private lookup(k: FlowKey, hash: number): number {
    const slots = this.index.slots;
    const mask = this.index.mask;
    const rk = this.recKey;
    const s0 = k.src;
    const d0 = k.dst;
    const pv = k.proto | (k.version << 8);
    let s = hash & mask;
    for (let n = 0; n <= mask; n++) {
      const r = slots[2 * s];
      if (r < 0) break;
      if (slots[2 * s + 1] === hash) {
        const o = r * RK;
        if (rk[o + 9] === pv) {
          const ports = rk[o + 8];
          if (
            ports === (k.srcPort | (k.dstPort << 16)) &&
            rk[o] === s0[0] && rk[o + 1] === s0[1] && rk[o + 2] === s0[2] && rk[o + 3] === s0[3] &&
            rk[o + 4] === d0[0] && rk[o + 5] === d0[1] && rk[o + 6] === d0[2] && rk[o + 7] === d0[3]
          ) {
            return r * 2;
          }
          if (
            ports === (k.dstPort | (k.srcPort << 16)) &&
            rk[o] === d0[0] && rk[o + 1] === d0[1] && rk[o + 2] === d0[2] && rk[o + 3] === d0[3] &&
            rk[o + 4] === s0[0] && rk[o + 5] === s0[1] && rk[o + 6] === s0[2] && rk[o + 7] === s0[3]
          ) {
            return r * 2 + 1;
          }
        }
      }
      s = (s + 1) & mask;
    }
    return -1;
  }

  /** Grows the record store to n (off the per-packet path: at most log2(max / 256) times). */
  private grow(n: number): void {
    this.recFlow = grownTo(this.recFlow, n, -1);
    this.recSeq = grownTo(this.recSeq, n);
    this.recKey = grownTo(this.recKey, n * RK);
    const recHash = (this.recHash = grownTo(this.recHash, n));
    this.recGen = grownTo(this.recGen, n);
    this.pathLen = grownTo(this.pathLen, n * 2);
    this.pathAddr = grownTo(this.pathAddr, n * 2);
    this.pathPort = grownTo(this.pathPort, n * 2);
    this.hdr = grownTo(this.hdr, n * 2 * MAX_PATH_HDR);
    const index = new SlotIndex(n);
    for (let r = 0; r < this.used; r++) index.put(index.emptySlot(recHash[r]), r, recHash[r]);
    this.index = index;
    this.size = n;
  }
}
