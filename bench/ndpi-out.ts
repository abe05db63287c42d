// Reads the per-flow lines of nDPI's expected-result files (`result/*.out`); see the corpus README.
import { readFileSync } from 'node:fs';
import { parseIPv6, formatIPv6 } from '../src/core/ip.js';

export interface NdpiFlow {
  l4: string;
  a: string;
  aPort: number;
  b: string;
  bPort: number;
  /** Master protocol name, e.g. 'DNS' from 'DNS.Google' (tunnel prefixes like 'VXLAN:' removed). */
  master: string;
  app: string;
  vlan?: number;
}

// "\t<idx>\t<L4> <A>:<port> <-> <B>:<port> [..." - IPv6 endpoints are bracketed.
const FLOW_RE = /^\t\d+\t(\S+) (\[[^\]]+\]|[^\s:]+):(\d+) (?:<->|->) (\[[^\]]+\]|[^\s:]+):(\d+) (.*)$/;

export function parseNdpiOut(path: string): NdpiFlow[] {
  const out: NdpiFlow[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = FLOW_RE.exec(line);
    if (!m) continue;
    const rest = m[6];
    const proto = /\[proto: (?:[A-Za-z0-9_]+:)?[\d.]+\/([^\]]+)\]/.exec(rest);
    const label = proto ? proto[1] : 'Unknown';
    const dot = label.indexOf('.');
    const vlan = /\[VLAN: (\d+)\]/.exec(rest);
    const f: NdpiFlow = {
      l4: m[1],
      a: m[2].replace(/^\[|\]$/g, ''),
      aPort: Number(m[3]),
      b: m[4].replace(/^\[|\]$/g, ''),
      bPort: Number(m[5]),
      master: dot >= 0 ? label.slice(0, dot) : label,
      app: dot >= 0 ? label.slice(dot + 1) : label,
    };
    if (vlan) f.vlan = Number(vlan[1]);
    out.push(f);
  }
  return out;
}

/** Direction-free key of a flow: L4 and the two endpoints in sorted order. */
export function flowKey(l4: string, a: string, aPort: number, b: string, bPort: number): string {
  const x = `${canonicalAddr(a)}|${aPort}`;
  const y = `${canonicalAddr(b)}|${bPort}`;
  return x < y ? `${l4}|${x}|${y}` : `${l4}|${y}|${x}`;
}

/** IPv6 text in RFC 5952 form (nDPI compresses single zero words; we do not). Unparseable text stays. */
export function canonicalAddr(a: string): string {
  if (!a.includes(':')) return a;
  const bytes = parseIPv6(a);
  return bytes ? formatIPv6(bytes, 0) : a;
}
