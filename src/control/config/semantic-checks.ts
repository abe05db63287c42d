// Checks a JSON schema cannot express: addresses and subnets parse, devices sit inside a subnet,
// identifiers are unique, groups exist, custom applications' host patterns/addresses/ports are valid
// and not listed twice. Written defensively: it runs on documents that may also have
// schema errors, so it skips values of the wrong type (the schema reports those).
import { cidrContains, parseAddress, parseCidr, formatBytes } from './cidr.js';
import type { Cidr } from './cidr.js';
import type { RawProblem } from './schema-problems.js';
import { appDefProblems } from '../../classify/catalog/app-defs.js';
import { portProblems } from './port-checks.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function semanticProblems(doc: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  if (!isObj(doc)) return out;
  const gateway = isObj(doc.gateway) ? doc.gateway : undefined;

  // subnets
  const cidrs: Cidr[] = [];
  let subnetsOk = true;
  const subnets = gateway && Array.isArray(gateway.deviceSubnets) ? gateway.deviceSubnets : [];
  const seenSubnet = new Map<string, number>();
  subnets.forEach((s, i) => {
    if (typeof s !== 'string') {
      subnetsOk = false;
      return;
    }
    const r = parseCidr(s.trim());
    if (!r.ok) {
      subnetsOk = false;
      out.push({ segs: ['gateway', 'deviceSubnets', i], problem: r.problem });
      return;
    }
    const first = seenSubnet.get(r.cidr.text);
    if (first !== undefined) out.push({ segs: ['gateway', 'deviceSubnets', i], problem: `duplicates gateway.deviceSubnets[${first}]` });
    else seenSubnet.set(r.cidr.text, i);
    cidrs.push(r.cidr);
  });

  // groups
  const groupsDeclared = Array.isArray(doc.groups);
  const groupNames = new Map<string, number>();
  if (Array.isArray(doc.groups)) {
    doc.groups.forEach((g, i) => {
      if (!isObj(g) || typeof g.name !== 'string') return;
      const first = groupNames.get(g.name);
      if (first !== undefined) out.push({ segs: ['groups', i, 'name'], problem: `duplicates the name of groups[${first}]` });
      else groupNames.set(g.name, i);
    });
  }

  // devices
  if (Array.isArray(doc.devices)) {
    const seen = { ip: new Map<string, number>(), imsi: new Map<string, number>(), teid: new Map<string, number>(), name: new Map<string, number>() };
    const unique = (field: keyof typeof seen, key: string, i: number) => {
      const first = seen[field].get(key);
      if (first !== undefined) out.push({ segs: ['devices', i, field], problem: `duplicates the ${field} of devices[${first}]` });
      else seen[field].set(key, i);
    };
    doc.devices.forEach((d, i) => {
      if (!isObj(d)) return;
      if (typeof d.ip === 'string') {
        const bytes = parseAddress(d.ip.trim());
        if (!bytes) {
          out.push({ segs: ['devices', i, 'ip'], problem: `'${d.ip}' is not an IPv4 or IPv6 address` });
        } else {
          const text = formatBytes(bytes);
          const version = bytes.length === 4 ? 4 : 6;
          if (subnetsOk && cidrs.length > 0 && !cidrs.some((c) => c.version === version && cidrContains(c, bytes, 0))) {
            out.push({ segs: ['devices', i, 'ip'], problem: `${text} is outside every gateway.deviceSubnets entry (${cidrs.map((c) => c.text).join(', ')})` });
          }
          unique('ip', text, i);
        }
      }
      if (typeof d.imsi === 'string') unique('imsi', d.imsi, i);
      if (typeof d.teid === 'number') unique('teid', String(d.teid), i);
      if (typeof d.name === 'string') unique('name', d.name, i);
      if (groupsDeclared && typeof d.group === 'string' && !groupNames.has(d.group)) {
        const known = [...groupNames.keys()];
        out.push({
          segs: ['devices', i, 'group'],
          problem: `'${d.group}' is not declared in groups${known.length ? ` (declared: ${known.join(', ')})` : ''}`,
        });
      }
    });
  }

  // custom applications (shapes are the schema's job; values and duplicates are checked here)
  out.push(...appDefProblems(doc.applications, { builtin: false, shapes: false }));
  if (gateway) out.push(...portProblems(gateway.ports));
  return out;
}
