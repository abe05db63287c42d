// Checks on `gateway.ports` that the schema cannot express: which keys belong to which port kind,
// IPv4 listen addresses, TUN addresses as CIDRs, and which kinds may be combined.
import { parseIPv4 } from '../../core/ip.js';
import { parseAddress } from './cidr.js';
import type { RawProblem } from './schema-problems.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The keys each kind accepts besides `kind`. */
const KEYS: Record<string, readonly string[]> = {
  vxlan: ['address', 'port', 'replyPort'],
  geneve: ['address', 'port', 'replyPort'],
  gtpu: ['address', 'port', 'replyPort'],
  tun: ['name', 'addresses', 'mtu'],
  pcap: ['file', 'pace'],
};
const REQUIRED: Record<string, readonly string[]> = { tun: ['name'], pcap: ['file'] };

export function portProblems(ports: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  if (!isObj(ports)) return out;
  for (const side of ['devices', 'network'] as const) {
    const p = ports[side];
    if (!isObj(p) || typeof p.kind !== 'string' || !(p.kind in KEYS)) continue;
    const at = ['gateway', 'ports', side];
    const allowed = KEYS[p.kind];
    for (const key of Object.keys(p)) {
      if (key !== 'kind' && !allowed.includes(key)) {
        out.push({ segs: [...at, key], problem: `does not apply to a ${p.kind} port (its keys: ${allowed.join(', ')})` });
      }
    }
    for (const key of REQUIRED[p.kind] ?? []) {
      if (p[key] === undefined) out.push({ segs: at, problem: `a ${p.kind} port needs '${key}'` });
    }
    if (typeof p.address === 'string' && parseIPv4(p.address.trim()) < 0) {
      out.push({ segs: [...at, 'address'], problem: `'${p.address}' is not an IPv4 address (tunnel ports listen on IPv4)` });
    }
    if (Array.isArray(p.addresses)) {
      p.addresses.forEach((a, i) => {
        if (typeof a !== 'string') return;
        if (!isInterfaceAddress(a.trim())) out.push({ segs: [...at, 'addresses', i], problem: `'${a}' is not an address with a prefix length (like 10.128.255.254/24)` });
      });
    }
  }
  const dev = isObj(ports.devices) ? ports.devices.kind : undefined;
  const net = isObj(ports.network) ? ports.network.kind : undefined;
  if (net !== undefined && net !== 'tun') {
    out.push({ segs: ['gateway', 'ports', 'network', 'kind'], problem: `the network port must be a tun port (got ${String(net)})` });
  }
  if (dev === 'pcap' && net !== undefined) {
    out.push({ segs: ['gateway', 'ports', 'network'], problem: 'a pcap devices port forwards nothing: remove the network port' });
  }
  return out;
}

/** `address/prefix` with host bits allowed (an interface address, not a network). */
function isInterfaceAddress(s: string): boolean {
  const slash = s.indexOf('/');
  if (slash <= 0) return false;
  const bytes = parseAddress(s.slice(0, slash));
  const prefix = s.slice(slash + 1);
  return bytes !== null && /^\d{1,3}$/.test(prefix) && Number(prefix) <= bytes.length * 8;
}
