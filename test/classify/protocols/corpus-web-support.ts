// Test support (not a test): pulls per-flow L4 payloads out of the nDPI corpus pcaps with tshark, runs a
// dissector over each flow like the engine would, and reads nDPI's expected per-flow fields from `.out`.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../../../src/classify/dissector.js';

export const NDPI_DIR = path.resolve(process.cwd(), '../shared/corpus/ndpi');

export interface CorpusPacket { src: string; dst: string; l4: 'tcp' | 'udp'; payload: Buffer }
export interface CorpusFlow { key: string; client: string; server: string; l4: 'tcp' | 'udp'; packets: { dir: Dir; payload: Buffer }[] }

let tsharkOk: boolean | null = null;

/** Why corpus tests cannot run here, or null when they can. */
export function corpusSkipReason(): string | null {
  if (!existsSync(path.join(NDPI_DIR, 'pcap'))) return 'nDPI corpus not present at ../shared/corpus/ndpi';
  if (tsharkOk === null) {
    try {
      execFileSync('tshark', ['--version'], { stdio: 'ignore' });
      tsharkOk = true;
    } catch {
      tsharkOk = false;
    }
  }
  return tsharkOk ? null : 'tshark not on PATH (needed to read payloads from the corpus pcaps)';
}

function last(field: string): string {
  const parts = field.split(',');
  return parts[parts.length - 1];
}

function endpoint(v4: string, v6: string, port: string): string {
  return v6 !== '' ? `[${last(v6)}]:${port}` : `${last(v4)}:${port}`;
}

/** Payload-carrying TCP/UDP packets of a corpus pcap, in capture order. */
export function corpusPackets(pcapName: string): CorpusPacket[] {
  const out = execFileSync('tshark', [
    '-r', path.join(NDPI_DIR, 'pcap', pcapName), '-T', 'fields', '-E', 'separator=/t',
    '-e', 'ip.src', '-e', 'ipv6.src', '-e', 'ip.dst', '-e', 'ipv6.dst', '-e', 'tcp.srcport', '-e', 'tcp.dstport',
    '-e', 'udp.srcport', '-e', 'udp.dstport', '-e', 'tcp.payload', '-e', 'udp.payload',
    '-Y', 'tcp.len>0 or udp.length>8',
  ], { encoding: 'utf8', maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  const rows: CorpusPacket[] = [];
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const f = line.split('\t');
    const tcp = f[4] !== '';
    const sp = last(tcp ? f[4] : f[6]);
    const dp = last(tcp ? f[5] : f[7]);
    const hex = last(tcp ? f[8] : f[9]).replace(/:/g, '');
    if (sp === '' || hex === '') continue;
    rows.push({ src: endpoint(f[0], f[1], sp), dst: endpoint(f[2], f[3], dp), l4: tcp ? 'tcp' : 'udp', payload: Buffer.from(hex, 'hex') });
  }
  return rows;
}

export function flowKey(l4: string, a: string, b: string): string {
  return a < b ? `${l4} ${a} ${b}` : `${l4} ${b} ${a}`;
}

export function corpusFlows(pcapName: string): Map<string, CorpusFlow> {
  const flows = new Map<string, CorpusFlow>();
  for (const p of corpusPackets(pcapName)) {
    const key = flowKey(p.l4, p.src, p.dst);
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { key, client: p.src, server: p.dst, l4: p.l4, packets: [] }));
    f.packets.push({ dir: p.src === f.client ? 0 : 1, payload: p.payload });
  }
  return flows;
}

export interface RunResult { result: ProbeResult; meta: AppMeta; probed: number }

/**
 * Runs a dissector over one flow's payloads: probe until a decision or the budget, then extract on that
 * packet and on the next `extractMore` payloads (the engine is expected to keep extracting for a while).
 */
export function runFlow<S>(d: Dissector<S>, l4: 'tcp' | 'udp', packets: readonly { dir: Dir; payload: Uint8Array }[], extractMore = 16): RunResult {
  const st = d.init();
  const counts: [number, number] = [0, 0];
  const meta: AppMeta = {};
  let result: ProbeResult = 'more';
  let probed = 0;
  let after = -1;
  for (const p of packets) {
    counts[p.dir]++;
    const flow: FlowView = { l4, srcPort: 0, dstPort: 0, payloadPackets: [counts[0], counts[1]] };
    if (result === 'more') {
      if (probed >= d.budget) break;
      probed++;
      result = d.probe(p.payload, p.dir, flow, st);
      if (result === 'exclude') break;
      if (result === 'match') after = 0;
    }
    if (result === 'match') {
      d.extract?.(p.payload, p.dir, flow, st, meta);
      if (++after > extractMore) break;
    }
  }
  return { result, meta, probed };
}

export interface ExpectedFlow { l4: string; a: string; b: string; proto: string; fields: Map<string, string> }

/** The flows listed in nDPI's `.out` for a pcap, with their bracketed "[Name: value]" fields. */
export function expectedFlows(pcapName: string): ExpectedFlow[] {
  const text = readFileSync(path.join(NDPI_DIR, 'result', pcapName + '.out'), 'utf8');
  const out: ExpectedFlow[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s+\d+\s+(TCP|UDP) (\S+) <?->? (\S+) \[proto: [\d.]+\/([^\]]+)\]/.exec(line);
    if (!m) continue;
    const fields = new Map<string, string>();
    for (const fm of line.matchAll(/\[([A-Za-z0-9 /()-]+): ([^\]]*)\]/g)) if (!fields.has(fm[1])) fields.set(fm[1], fm[2]);
    out.push({ l4: m[1].toLowerCase(), a: m[2], b: m[3], proto: m[4], fields });
  }
  return out;
}
