// SSH (RFC 4253): each side opens with an identification line "SSH-<proto>-<software>[ comments]".
// After the banners both sides send SSH_MSG_KEXINIT in the clear; its algorithm name-lists give the
// HASSH fingerprints (Salesforce): md5("kex;enc;mac;cmp") over the client→server lists of the
// client's KEXINIT (hassh) and the server→client lists of the server's KEXINIT (hassh_server).
import { createHash } from 'node:crypto';
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface SshState {
  /** Bytes of each direction's first binary packet (KEXINIT), kept until it is complete. */
  kexBuf: [Uint8Array | null, Uint8Array | null];
  kexLen: [number, number];
  /** Per direction: 0 = waiting for the banner, 1 = reading KEXINIT, 2 = done. */
  stage: [number, number];
}

const MAX_BANNER = 255;
const MAX_KEX_PACKET = 35000;
const KEXINIT = 20;
const SSH_PORT = 22;

/** Length of a valid identification line at the start of `b` (without CR LF), or -1; -2 if it may continue in the next segment. */
export function bannerLength(b: Uint8Array): number {
  if (b.length < 4) return -1;
  if (b[0] !== 0x53 || b[1] !== 0x53 || b[2] !== 0x48 || b[3] !== 0x2d) return -1; // "SSH-"
  // protoversion: digits '.' digits, then '-'
  let p = 4;
  let digits = 0;
  while (p < b.length && p < 12 && b[p] >= 0x30 && b[p] <= 0x39) { p++; digits++; }
  if (digits === 0 || p >= b.length || b[p] !== 0x2e) return p >= b.length ? -2 : -1;
  p++;
  digits = 0;
  while (p < b.length && p < 16 && b[p] >= 0x30 && b[p] <= 0x39) { p++; digits++; }
  if (digits === 0 || p >= b.length || b[p] !== 0x2d) return p >= b.length ? -2 : -1;
  p++;
  const limit = Math.min(b.length, MAX_BANNER);
  const softStart = p;
  for (; p < limit; p++) {
    const c = b[p];
    if (c === 0x0d || c === 0x0a) return p > softStart ? p : -1;
    if (c < 0x20 || c > 0x7e) return -1;
  }
  return p < MAX_BANNER ? -2 : -1;
}

/** Which direction carries the client, judged from the ports (the well-known/lower port is the server). */
function clientDir(flow: FlowView): Dir {
  if (flow.dstPort === SSH_PORT) return 0;
  if (flow.srcPort === SSH_PORT) return 1;
  return flow.dstPort <= flow.srcPort ? 0 : 1;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}

/** The ten name-lists of a KEXINIT payload (after the message byte and cookie at `o`), or null. */
function nameLists(b: Uint8Array, o: number, end: number): string[] | null {
  const lists: string[] = [];
  let p = o;
  for (let i = 0; i < 10; i++) {
    if (p + 4 > end) return null;
    const len = u32(b, p);
    if (len > end - p - 4) return null;
    lists.push(Buffer.from(b.buffer, b.byteOffset + p + 4, len).toString('latin1'));
    p += 4 + len;
  }
  return lists;
}

function md5(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}

/** Parses the KEXINIT held in `b[0, len)` into meta; returns true when the packet was complete (or not a KEXINIT). */
function takeKexinit(b: Uint8Array, len: number, isClient: boolean, meta: AppMeta): boolean {
  if (len < 6) return false;
  const plen = u32(b, 0);
  if (plen < 2 || plen > MAX_KEX_PACKET) return true;
  if (len < 4 + plen) return false;
  if (b[5] !== KEXINIT) return true;
  const pad = b[4];
  const payloadEnd = 4 + plen - pad;
  if (payloadEnd < 6 + 16) return true;
  const lists = nameLists(b, 6 + 16, payloadEnd);
  if (lists === null) return true;
  const s = (meta.ssh ??= {});
  if (isClient) s.hassh = md5(`${lists[0]};${lists[2]};${lists[4]};${lists[6]}`);
  else s.hassh_server = md5(`${lists[0]};${lists[3]};${lists[5]};${lists[7]}`);
  return true;
}

/** Appends binary bytes of one direction and tries to read its KEXINIT. */
function feedBinary(st: SshState, d: Dir, data: Uint8Array, from: number, isClient: boolean, meta: AppMeta): void {
  if (from >= data.length) return;
  let buf = st.kexBuf[d];
  const have = st.kexLen[d];
  const add = data.length - from;
  if (have === 0 && takeKexinit(from === 0 ? data : data.subarray(from), add, isClient, meta)) {
    st.stage[d] = 2;
    return;
  }
  // Segmented KEXINIT: keep the bytes (bounded) until the packet is complete.
  const need = Math.min(have + add, MAX_KEX_PACKET + 4);
  if (buf === null || buf.length < need) {
    const bigger = new Uint8Array(Math.max(need, 2048));
    if (buf !== null) bigger.set(buf.subarray(0, have));
    buf = bigger;
    st.kexBuf[d] = buf;
  }
  const n = need - have;
  buf.set(data.subarray(from, from + n), have);
  st.kexLen[d] = need;
  if (takeKexinit(buf, need, isClient, meta) || need >= MAX_KEX_PACKET + 4) {
    st.stage[d] = 2;
    st.kexBuf[d] = null;
  }
}

export const sshDissector: Dissector<SshState> = {
  name: 'SSH',
  when: { l4: 'tcp', ports: [SSH_PORT] },
  budget: 4,
  init: () => ({ kexBuf: [null, null], kexLen: [0, 0], stage: [0, 0] }),
  probe(data: Uint8Array): ProbeResult {
    const n = bannerLength(data);
    if (n >= 0) return 'match';
    return n === -2 ? 'more' : 'exclude';
  },
  extract(data: Uint8Array, dir: Dir, flow: FlowView, st: SshState, meta: AppMeta): void {
    const isClient = dir === clientDir(flow);
    if (st.stage[dir] === 2) return;
    let from = 0;
    if (st.stage[dir] === 0) {
      const n = bannerLength(data);
      if (n < 0) return;
      const s = (meta.ssh ??= {});
      const banner = Buffer.from(data.buffer, data.byteOffset, n).toString('latin1');
      if (isClient) s.client_banner = banner;
      else s.server_banner = banner;
      st.stage[dir] = 1;
      from = n;
      if (from < data.length && data[from] === 0x0d) from++;
      if (from < data.length && data[from] === 0x0a) from++;
    }
    feedBinary(st, dir, data, from, isClient, meta);
  },
};
