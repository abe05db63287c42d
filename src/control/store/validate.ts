// Value checks for store inputs, reusing the fleet-config rules (CIDR parsing, address canonical form,
// IMSI format, device IP inside a device subnet). Shapes are the API's JSON Schema job; these checks
// also protect direct callers (seeding, CLI). Each returns problems instead of throwing.
import { cidrContains, formatBytes, parseAddress, parseCidr, type Cidr } from '../config/cidr.js';
import type { StoreProblem } from './store-error.js';
import type { InspectionSettings, MirroringPeer, PeerFilter, Redirection, RedirectionTarget } from './model.js';

export const IMSI_RE = /^\d{14,15}$/;
export const NAME_MAX = 128;

export function canonicalAddress(text: string, path: string, out: StoreProblem[]): string | null {
  const b = typeof text === 'string' ? parseAddress(text.trim()) : null;
  if (!b) {
    out.push({ path, problem: `'${text}' is not an IPv4 or IPv6 address` });
    return null;
  }
  return formatBytes(b);
}

/** Canonical CIDRs; at least one, no duplicates. */
export function checkSubnets(list: readonly string[], path: string, out: StoreProblem[]): Cidr[] {
  const cidrs: Cidr[] = [];
  if (list.length === 0) out.push({ path, problem: 'at least one device subnet is required' });
  const seen = new Set<string>();
  list.forEach((s, i) => {
    const r = parseCidr(String(s).trim());
    if (!r.ok) return out.push({ path: `${path}[${i}]`, problem: r.problem });
    if (seen.has(r.cidr.text)) return out.push({ path: `${path}[${i}]`, problem: `duplicates ${r.cidr.text}` });
    seen.add(r.cidr.text);
    cidrs.push(r.cidr);
  });
  return cidrs;
}

export function parseSubnets(list: readonly string[]): Cidr[] {
  const out: Cidr[] = [];
  for (const s of list) {
    const r = parseCidr(s);
    if (r.ok) out.push(r.cidr);
  }
  return out;
}

/** Device IP: canonical and inside one of the gateway's subnets. */
export function checkDeviceIp(ip: string, subnets: readonly Cidr[], path: string, out: StoreProblem[]): string | null {
  const b = typeof ip === 'string' ? parseAddress(ip.trim()) : null;
  if (!b) {
    out.push({ path, problem: `'${ip}' is not an IPv4 or IPv6 address` });
    return null;
  }
  const text = formatBytes(b);
  const v = b.length === 4 ? 4 : 6;
  if (!subnets.some((c) => c.version === v && cidrContains(c, b, 0))) {
    out.push({ path, problem: `${text} is outside every device subnet of the gateway (${subnets.map((c) => c.text).join(', ')})` });
    return null;
  }
  return text;
}

export function checkImsi(imsi: string, path: string, out: StoreProblem[]): void {
  if (!IMSI_RE.test(imsi)) out.push({ path, problem: `'${imsi}' is not an IMSI (14 or 15 digits)` });
}

export function checkName(name: string, path: string, out: StoreProblem[]): void {
  if (name.trim() === '' || name.length > NAME_MAX) out.push({ path, problem: `must be 1..${NAME_MAX} characters` });
}

export function checkInspection(s: InspectionSettings, path: string, out: StoreProblem[]): void {
  if (!Number.isInteger(s.intervalSeconds) || s.intervalSeconds < 10 || s.intervalSeconds > 3600) {
    out.push({ path: `${path}.intervalSeconds`, problem: 'must be an integer from 10 to 3600' });
  }
  if (!Number.isInteger(s.topDestinations) || s.topDestinations < 1 || s.topDestinations > 1000) {
    out.push({ path: `${path}.topDestinations`, problem: 'must be an integer from 1 to 1000' });
  }
}

function checkFilter(f: PeerFilter, path: string, out: StoreProblem[]): PeerFilter {
  const r: PeerFilter = {};
  if (f.protocols) r.protocols = [...new Set(f.protocols)];
  if (f.ports) {
    f.ports.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p > 65535) out.push({ path: `${path}.ports[${i}]`, problem: 'must be a port 0..65535' });
    });
    r.ports = [...new Set(f.ports)];
  }
  if (f.cidrs) {
    r.cidrs = [];
    f.cidrs.forEach((c, i) => {
      const p = parseCidr(String(c).trim());
      if (!p.ok) out.push({ path: `${path}.cidrs[${i}]`, problem: p.problem });
      else r.cidrs!.push(p.cidr.text);
    });
  }
  return r;
}

/** A mirroring peer in canonical form (address text, protocol-specific fields checked). */
export function checkPeer(p: MirroringPeer, path: string, out: StoreProblem[]): MirroringPeer {
  const ip = canonicalAddress(p.ipAddress, `${path}.ipAddress`, out) ?? p.ipAddress;
  const r: MirroringPeer = { ipAddress: ip, protocol: p.protocol, enabled: p.enabled === true };
  if (p.protocol !== 'gre' && p.protocol !== 'vxlan') out.push({ path: `${path}.protocol`, problem: "must be 'gre' or 'vxlan'" });
  if (p.key !== undefined) {
    if (p.protocol !== 'gre') out.push({ path: `${path}.key`, problem: 'a key is for gre peers only' });
    else if (!Number.isInteger(p.key) || p.key < 0 || p.key > 0xffffffff) out.push({ path: `${path}.key`, problem: 'must be 0..4294967295' });
    r.key = p.key;
  }
  if (p.vni !== undefined) {
    if (p.protocol !== 'vxlan') out.push({ path: `${path}.vni`, problem: 'a vni is for vxlan peers only' });
    else if (!Number.isInteger(p.vni) || p.vni < 0 || p.vni > 0xffffff) out.push({ path: `${path}.vni`, problem: 'must be 0..16777215' });
    r.vni = p.vni;
  }
  if (p.description !== undefined) {
    if (p.description.length > 256) out.push({ path: `${path}.description`, problem: 'must be at most 256 characters' });
    r.description = p.description;
  }
  if (p.truncate !== undefined) {
    if (!Number.isInteger(p.truncate) || p.truncate < 64 || p.truncate > 65535) out.push({ path: `${path}.truncate`, problem: 'must be 64..65535 bytes' });
    r.truncate = p.truncate;
  }
  if (p.filter !== undefined) r.filter = checkFilter(p.filter, `${path}.filter`, out);
  return r;
}

function checkTarget(t: RedirectionTarget, path: string, out: StoreProblem[]): RedirectionTarget {
  const address = canonicalAddress(t.address, `${path}.address`, out) ?? t.address;
  if (t.protocol !== 'vxlan' && t.protocol !== 'geneve') out.push({ path: `${path}.protocol`, problem: "must be 'vxlan' or 'geneve'" });
  if (!Number.isInteger(t.vni) || t.vni < 1 || t.vni > 0xffffff) out.push({ path: `${path}.vni`, problem: 'must be 1..16777215' });
  const res: RedirectionTarget = { address, protocol: t.protocol, vni: t.vni };
  if (t.port !== undefined) {
    if (!Number.isInteger(t.port) || t.port < 1 || t.port > 65535) out.push({ path: `${path}.port`, problem: 'must be 1..65535' });
    res.port = t.port;
  }
  if (t.innerAddress !== undefined) {
    const inner = canonicalAddress(t.innerAddress, `${path}.innerAddress`, out);
    if (inner !== null && inner.includes(':')) out.push({ path: `${path}.innerAddress`, problem: 'must be an IPv4 address (probes are ICMP echo over IPv4)' });
    res.innerAddress = inner ?? t.innerAddress;
  }
  return res;
}

export function checkRedirection(r: Redirection, groups: ReadonlySet<string>, path: string, out: StoreProblem[]): Redirection {
  const res: Redirection = { enabled: r.enabled === true, gateway: checkTarget(r.gateway, `${path}.gateway`, out) };
  if (r.standby) {
    res.standby = checkTarget(r.standby, `${path}.standby`, out);
    if (res.standby.address === res.gateway.address) out.push({ path: `${path}.standby.address`, problem: 'must differ from gateway.address' });
  }
  if (r.description !== undefined) res.description = r.description;
  if (r.localAddress !== undefined) {
    const a = canonicalAddress(r.localAddress, `${path}.localAddress`, out);
    if (a !== null && a.includes(':')) out.push({ path: `${path}.localAddress`, problem: 'must be an IPv4 address (the source of ICMP health probes)' });
    res.localAddress = a ?? r.localAddress;
  }
  if (r.localPort !== undefined) {
    if (!Number.isInteger(r.localPort) || r.localPort < 0 || r.localPort > 65535) out.push({ path: `${path}.localPort`, problem: 'must be 0..65535 (0: any free port)' });
    res.localPort = r.localPort;
  }
  if ((res.gateway.innerAddress !== undefined || res.standby?.innerAddress !== undefined) && res.localAddress === undefined) {
    out.push({ path: `${path}.localAddress`, problem: "is required when a peer has innerAddress: it is the source of health probes (the gateway's address inside the tunnel)" });
  }
  if (r.probe !== undefined) {
    res.probe = {};
    const { intervalMs, threshold } = r.probe;
    if (intervalMs !== undefined) {
      if (!Number.isInteger(intervalMs) || intervalMs < 50 || intervalMs > 60_000) out.push({ path: `${path}.probe.intervalMs`, problem: 'must be 50..60000 ms' });
      res.probe.intervalMs = intervalMs;
    }
    if (threshold !== undefined) {
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > 10) out.push({ path: `${path}.probe.threshold`, problem: 'must be 1..10' });
      res.probe.threshold = threshold;
    }
  }
  if (r.selector) {
    const s = r.selector;
    res.selector = {};
    if (s.groups) {
      s.groups.forEach((g, i) => {
        if (!groups.has(g)) out.push({ path: `${path}.selector.groups[${i}]`, problem: `no group '${g}' on this gateway` });
      });
      res.selector.groups = [...new Set(s.groups)];
    }
    if (s.tags) res.selector.tags = [...new Set(s.tags)];
    if (s.cidrs) {
      res.selector.cidrs = [];
      s.cidrs.forEach((c, i) => {
        const p = parseCidr(String(c).trim());
        if (!p.ok) out.push({ path: `${path}.selector.cidrs[${i}]`, problem: p.problem });
        else res.selector!.cidrs!.push(p.cidr.text);
      });
    }
  }
  return res;
}
