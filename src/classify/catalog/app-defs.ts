// Application definitions, as written in data/catalog/apps.yaml (built-in) and in the fleet config's
// `applications:` list (custom): the checks both share, and the normalized shape the catalog compiles.
// The checker never throws; it returns every problem with its path (`applications[2].cidrs[0]`).
import { parseAddress, parseCidr } from '../../control/config/cidr.js';
import { APP_CATEGORIES, isAppCategory } from './categories.js';
import { parseHostPattern } from './host-pattern.js';

export type L4 = 'tcp' | 'udp';

/** One application, normalized: what AppCatalog compiles. (The config's CustomAppDef has this shape.) */
export interface AppDef {
  name: string;
  category: string;
  hosts: readonly string[];
  /** Exact addresses (custom definitions only); compiled as /32 or /128. */
  ips?: readonly string[];
  cidrs: readonly string[];
  ports: readonly { proto: L4; port: number }[];
}

export interface DefProblem {
  segs: (string | number)[];
  problem: string;
}

export interface CheckOptions {
  /** Built-in data file: category required, ports only as {proto, port}, no ips/protocol. */
  builtin: boolean;
  /**
   * Report wrong types and unknown keys. Off for the fleet config, whose JSON schema reports those
   * (values of the wrong type are then skipped silently).
   */
  shapes: boolean;
}

/** Application names: used in labels like `TLS.aws-iot`, so no dots or spaces. */
export const APP_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const APP_NAME_PROBLEM = "must be 1-64 letters, digits, '_' or '-', starting with a letter or digit";

const BUILTIN_KEYS = ['name', 'category', 'hosts', 'cidrs', 'ports'];
const CUSTOM_KEYS = ['name', 'category', 'hosts', 'ips', 'cidrs', 'ports', 'protocol'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Checks a list of definitions found under the key `applications`; paths start with it. */
export function appDefProblems(list: unknown, opts: CheckOptions): DefProblem[] {
  const out: DefProblem[] = [];
  const top = ['applications'];
  if (!Array.isArray(list)) {
    if (opts.shapes && list !== undefined) out.push({ segs: top, problem: 'must be a list of applications' });
    return out;
  }
  const names = new Map<string, number>();
  const hosts = new Map<string, number>();
  const nets = new Map<string, number>();
  const ports = new Map<string, number>();
  const owner = (i: number) => {
    const e = list[i] as Obj;
    return `applications[${i}]${typeof e.name === 'string' ? ` (${e.name})` : ''}`;
  };

  list.forEach((e, i) => {
    const at = (...rest: (string | number)[]) => ['applications', i, ...rest];
    const problem = (segs: (string | number)[], text: string) => out.push({ segs, problem: text });
    if (!isObj(e)) {
      if (opts.shapes) problem(at(), 'must be a mapping like { name: my-app, hosts: ["*.example.com"] }');
      return;
    }
    if (opts.shapes) {
      const allowed = opts.builtin ? BUILTIN_KEYS : CUSTOM_KEYS;
      for (const k of Object.keys(e)) if (!allowed.includes(k)) problem(at(k), `unknown key '${k}' (allowed: ${allowed.join(', ')})`);
    }

    // name
    if (typeof e.name === 'string') {
      if (opts.shapes && !APP_NAME_RE.test(e.name)) problem(at('name'), `${APP_NAME_PROBLEM} (got ${JSON.stringify(e.name)})`);
      const key = e.name.toLowerCase();
      const first = names.get(key);
      if (first !== undefined) problem(at('name'), `duplicates the name of applications[${first}]`);
      else names.set(key, i);
    } else if (opts.shapes) {
      problem(at('name'), e.name === undefined ? 'is required' : 'must be a string');
    }

    // category (the config's schema checks it against the list)
    if (opts.shapes || opts.builtin) {
      if (e.category === undefined) {
        if (opts.builtin) problem(at('category'), 'is required');
      } else if (typeof e.category !== 'string' || !isAppCategory(e.category)) {
        problem(at('category'), `must be one of: ${APP_CATEGORIES.join(', ')} (got ${JSON.stringify(e.category)})`);
      }
    }

    const strings = (key: string, each: (s: string, j: number) => void) => {
      const v = e[key];
      if (v === undefined) return;
      if (!Array.isArray(v)) {
        if (opts.shapes) problem(at(key), 'must be a list');
        return;
      }
      v.forEach((s, j) => {
        if (typeof s === 'string') each(s, j);
        else if (opts.shapes) problem(at(key, j), 'must be a string');
      });
    };

    strings('hosts', (s, j) => {
      const r = parseHostPattern(s);
      if (!r.ok) return problem(at('hosts', j), r.problem);
      const first = hosts.get(r.pattern.text);
      if (first !== undefined) problem(at('hosts', j), `'${r.pattern.text}' is already listed by ${first === i ? 'this application' : owner(first)}`);
      else hosts.set(r.pattern.text, i);
    });

    const claimNet = (segs: (string | number)[], text: string) => {
      const first = nets.get(text);
      if (first !== undefined) problem(segs, `${text} is already listed by ${first === i ? 'this application' : owner(first)}`);
      else nets.set(text, i);
    };
    if (!opts.builtin) {
      strings('ips', (s, j) => {
        const bytes = parseAddress(s.trim());
        if (!bytes) return problem(at('ips', j), `'${s}' is not an IPv4 or IPv6 address`);
        const c = parseCidr(`${s.trim()}/${bytes.length * 8}`);
        if (c.ok) claimNet(at('ips', j), c.cidr.text);
      });
    }
    strings('cidrs', (s, j) => {
      const r = parseCidr(s.trim());
      if (!r.ok) return problem(at('cidrs', j), r.problem);
      claimNet(at('cidrs', j), r.cidr.text);
    });

    // ports: {proto, port} everywhere; plain numbers (with `protocol`) in custom definitions
    const protocol = e.protocol;
    let plainNumbers = 0;
    if (Array.isArray(e.ports)) {
      e.ports.forEach((p, j) => {
        const claim = (proto: L4, port: number) => {
          const key = `${proto}/${port}`;
          const first = ports.get(key);
          if (first !== undefined) problem(at('ports', j), `${key} is already listed by ${first === i ? 'this application' : owner(first)}`);
          else ports.set(key, i);
        };
        if (typeof p === 'number' && !opts.builtin) {
          plainNumbers++;
          if (!isPort(p)) return problem(at('ports', j), `must be a port number from 1 to 65535 (got ${p})`);
          if (protocol === 'tcp' || protocol === 'udp') claim(protocol, p);
          else if (protocol === undefined) {
            claim('tcp', p);
            claim('udp', p);
          }
          return;
        }
        if (!isObj(p)) {
          return problem(at('ports', j), opts.builtin ? 'must be a mapping { proto: tcp|udp, port: 1-65535 }' : 'must be a port number, or a mapping { proto: tcp|udp, port: 1-65535 }');
        }
        for (const k of Object.keys(p)) if (k !== 'proto' && k !== 'port') problem(at('ports', j, k), `unknown key '${k}' (allowed: proto, port)`);
        if (p.proto !== 'tcp' && p.proto !== 'udp') problem(at('ports', j, 'proto'), `must be tcp or udp (got ${JSON.stringify(p.proto)})`);
        if (!isPort(p.port)) problem(at('ports', j, 'port'), `must be a port number from 1 to 65535 (got ${JSON.stringify(p.port)})`);
        else if (p.proto === 'tcp' || p.proto === 'udp') claim(p.proto, p.port);
      });
    } else if (e.ports !== undefined && opts.shapes) {
      problem(at('ports'), 'must be a list');
    }
    if (!opts.builtin && protocol !== undefined) {
      if (protocol !== 'tcp' && protocol !== 'udp') {
        if (opts.shapes) problem(at('protocol'), `must be tcp or udp (got ${JSON.stringify(protocol)})`);
      } else if (plainNumbers === 0) {
        problem(at('protocol'), 'applies to plain port numbers in ports, and there are none');
      }
    }

    const listed = (k: string) => Array.isArray(e[k]) && (e[k] as unknown[]).length > 0;
    if (!listed('hosts') && !listed('ips') && !listed('cidrs') && !listed('ports')) {
      problem(at(), `must list at least one of hosts, ${opts.builtin ? '' : 'ips, '}cidrs or ports`);
    }
  });
  return out;
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
}
