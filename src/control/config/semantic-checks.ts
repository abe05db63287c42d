// Checks a JSON schema cannot express: addresses and subnets parse, devices sit inside a subnet,
// identifiers are unique, groups exist, custom applications' host patterns/addresses/ports are valid
// and not listed twice. Written defensively: it runs on documents that may also have
// schema errors, so it skips values of the wrong type (the schema reports those).
import { cidrContains, parseAddress, parseCidr, formatBytes } from './cidr.js';
import type { Cidr } from './cidr.js';
import type { RawProblem } from './schema-problems.js';
import { appDefProblems } from '../../classify/catalog/app-defs.js';
import { portProblems } from './port-checks.js';
import { outputProblems } from './output-checks.js';
import { ConfigProblems } from './config-errors.js';
import { parseMirroringConfig } from '../../actions/mirror/config.js';
import { parseRedirectionConfig } from '../../actions/redirect/config.js';

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
    const seen = { ip: new Map<string, number>(), imsi: new Map<string, number>(), teid: new Map<string, number>(), downlinkTeid: new Map<string, number>(), name: new Map<string, number>() };
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
      if (typeof d.downlinkTeid === 'number') unique('downlinkTeid', String(d.downlinkTeid), i);
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
  if (gateway && isObj(gateway.junction)) out.push(...junctionProblems(gateway.junction));
  if (gateway && isObj(gateway.outputs)) out.push(...outputProblems(gateway.outputs));
  return out;
}

/** `gateway.junction.{mirroring,redirection}`: the actions' own parsers, so their messages name the path. */
function junctionProblems(j: Obj): RawProblem[] {
  const out: RawProblem[] = [];
  const check = (key: string, parse: (raw: unknown, path: string) => unknown): void => {
    if (j[key] === undefined) return;
    try {
      parse(j[key], `gateway.junction.${key}`);
    } catch (e) {
      if (!(e instanceof ConfigProblems)) throw e;
      for (const p of e.problems) out.push({ segs: pathSegments(p.path), problem: p.problem });
    }
  };
  check('mirroring', parseMirroringConfig);
  check('redirection', parseRedirectionConfig);
  return out;
}

/** 'a.b[1].c' → ['a', 'b', 1, 'c']. */
function pathSegments(path: string): (string | number)[] {
  const segs: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) segs.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return segs;
}
