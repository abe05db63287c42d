// Test support for the protocol dissectors: a tiny engine that feeds payloads to one dissector the
// way the classifier will (budget, three outcomes, extract after the match), a seeded PRNG, and the
// corpus loader (pcap → flows with their payloads) plus the nDPI expected master protocol per flow.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestContext } from 'node:test';
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../../../src/classify/dissector.js';
import { readCaptureSync } from '../../../src/io/capture-reader.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { formatIP } from '../../../src/core/ip.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { corpusDir } from '../../_support/tools.js';

export interface Payload {
  dir: Dir;
  data: Uint8Array;
}

export interface CorpusFlow {
  /** "TCP a:1 b:2" with the endpoints sorted, to match the nDPI .out lines. */
  key: string;
  l4: 'tcp' | 'udp';
  srcPort: number;
  dstPort: number;
  /** "addr:port" of the first packet's sender: direction 0. */
  first: string;
  payloads: Payload[];
}

export interface RunResult {
  outcome: ProbeResult;
  /** Payload packets probed until the outcome. */
  probed: number;
  meta: AppMeta;
}

/** xorshift32: deterministic random bytes for fuzz tests. */
export function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function randomBytes(next: () => number, len: number): Uint8Array {
  const b = new Uint8Array(len);
  for (let i = 0; i < len; i++) b[i] = next() & 0xff;
  return b;
}

export function flowView(l4: 'tcp' | 'udp', srcPort: number, dstPort: number): FlowView & { payloadPackets: [number, number] } {
  return { l4, srcPort, dstPort, payloadPackets: [0, 0] };
}

/** Runs a dissector over payloads like the engine: probe within budget, then extract on the rest (up to extractLimit). */
export function runDissector<S>(
  d: Dissector<S>,
  l4: 'tcp' | 'udp',
  srcPort: number,
  dstPort: number,
  payloads: readonly Payload[],
  extractLimit = 32,
): RunResult {
  const st = d.init();
  const flow = flowView(l4, srcPort, dstPort);
  const meta: AppMeta = {};
  let outcome: ProbeResult = 'more';
  let probed = 0;
  for (let i = 0; i < payloads.length && i < extractLimit; i++) {
    const { dir, data } = payloads[i];
    flow.payloadPackets[dir]++;
    if (outcome === 'more') {
      if (probed >= d.budget) break;
      probed++;
      outcome = d.probe(data, dir, flow, st);
      if (outcome === 'exclude') break;
    }
    if (outcome === 'match') d.extract?.(data, dir, flow, st, meta);
  }
  return { outcome, probed, meta };
}

/** Every prefix of `data` (lengths 0 … n-1) run through probe and extract on fresh state: nothing may throw. */
export function probeAllPrefixes<S>(d: Dissector<S>, l4: 'tcp' | 'udp', sport: number, dport: number, data: Uint8Array): ProbeResult[] {
  const out: ProbeResult[] = [];
  for (let n = 0; n < data.length; n++) {
    const cut = data.subarray(0, n);
    const st = d.init();
    const flow = flowView(l4, sport, dport);
    flow.payloadPackets[0] = 1;
    out.push(d.probe(cut, 0, flow, st));
    d.extract?.(cut, 0, flow, st, {});
    d.extract?.(cut, 1, flow, st, {});
  }
  return out;
}

/** Probes `count` random payloads (random lengths up to maxLen) on fresh state; returns how many matched. */
export function fuzzMatches<S>(d: Dissector<S>, l4: 'tcp' | 'udp', sport: number, dport: number, seed: number, count = 3000, maxLen = 300): number {
  const next = prng(seed);
  let matches = 0;
  for (let i = 0; i < count; i++) {
    const data = randomBytes(next, next() % maxLen);
    const st = d.init();
    const flow = flowView(l4, sport, dport);
    flow.payloadPackets[0] = 1;
    if (d.probe(data, 0, flow, st) === 'match') matches++;
    d.extract?.(data, 0, flow, st, {});
  }
  return matches;
}

export function bytes(...parts: (number[] | string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Uint8Array.from(p)));
  return Uint8Array.from(Buffer.concat(chunks));
}

export function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

// ---- corpus ----

/** Canonical text of an IPv4 or IPv6 address (IPv6 fully expanded), so tools that compress differently agree. */
export function canonicalAddr(a: string): string {
  if (!a.includes(':')) return a;
  let s = a;
  // nDPI's printer can emit two "::" (e.g. "2600:…:5999::19::"); the first one stands for a single zero group.
  while (s.indexOf('::') !== s.lastIndexOf('::')) s = s.replace('::', ':0:');
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head === '' ? [] : head.split(':');
  const tl = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - tl.length).fill('0'), ...tl];
  return groups.map((g) => g.padStart(4, '0').toLowerCase()).join(':');
}

function addFlowPacket(
  flows: Map<string, CorpusFlow>,
  l4: 'tcp' | 'udp',
  src: string,
  sport: number,
  dst: string,
  dport: number,
  payload: Uint8Array,
): void {
  const a = `${canonicalAddr(src)}:${sport}`;
  const b = `${canonicalAddr(dst)}:${dport}`;
  const key = `${l4.toUpperCase()} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
  let f = flows.get(key);
  if (f === undefined) {
    f = { key, l4, srcPort: sport, dstPort: dport, first: a, payloads: [] };
    flows.set(key, f);
  }
  if (payload.length > 0) f.payloads.push({ dir: a === f.first ? 0 : 1, data: payload });
}

function readFlows(path: string): Map<string, CorpusFlow> {
  const flows = new Map<string, CorpusFlow>();
  const p = new PacketView();
  for (const fr of readCaptureSync(path).frames) {
    decodeFrame(p, fr.data, 0, fr.data.length, fr.wireLen, fr.tsUs, fr.linkType);
    if (p.ipProto !== 6 && p.ipProto !== 17) continue;
    if (p.srcAddrOff < 0 || (p.isFragment && p.fragOffset > 0)) continue;
    const l4 = p.ipProto === 6 ? 'tcp' : 'udp';
    const src = formatIP(p.buf, p.srcAddrOff, p.ipVersion);
    const dst = formatIP(p.buf, p.dstAddrOff, p.ipVersion);
    const end = Math.min(p.payloadOff + p.payloadLen, p.frameEnd);
    const payload = Uint8Array.from(p.buf.subarray(p.payloadOff, Math.max(p.payloadOff, end)));
    addFlowPacket(flows, l4, src, p.srcPort, dst, p.dstPort, payload);
  }
  return flows;
}

/** Flows of a corpus capture (TCP/UDP only, first fragments), or null with the test skipped when the corpus is absent. */
export function corpusFlows(t: TestContext, name: string): Map<string, CorpusFlow> | null {
  const dir = corpusDir(t, 'ndpi/pcap');
  if (dir === null) return null;
  return readFlows(resolve(dir, name));
}

/** Expected nDPI master protocol per flow key ("TCP a:1 b:2" sorted), from result/<name>.out. */
export function expectedMasters(name: string): Map<string, string> {
  const text = readFileSync(resolve(process.cwd(), '../shared/corpus/ndpi/result', `${name}.out`), 'utf8');
  const out = new Map<string, string>();
  const re = /^\t\d+\t(TCP|UDP) (\S+) <?-> (\S+) .*?\[proto: [\d.:A-Z]*\/([^\]]+)\]/;
  for (const line of text.split('\n')) {
    const m = re.exec(line);
    if (m === null) continue;
    const norm = (e: string): string => {
      const v6 = /^\[(.*)\]:(\d+)$/.exec(e);
      return v6 === null ? e : `${canonicalAddr(v6[1])}:${v6[2]}`;
    };
    const a = norm(m[2]);
    const b = norm(m[3]);
    const key = `${m[1]} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
    out.set(key, m[4].split('.')[0]);
  }
  return out;
}
