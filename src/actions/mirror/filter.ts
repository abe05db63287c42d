// Mirror filters: a peer's numbered rules, validated and compiled once, evaluated per packet.
//
// Semantics (AWS Traffic Mirroring filters, anchors-spec §2.1): rules are evaluated from the lowest
// number up and the FIRST matching rule decides (accept = mirror, reject = do not). A packet no rule
// matches is not mirrored, so an empty rule list mirrors nothing. (A peer with no `filter` key at all
// mirrors everything, the Junction behaviour: that is decided in config.ts, not here.)
// All fields of a rule must match; an absent field matches anything.
import { cidrContains, parseCidr, type Cidr } from '../../control/config/cidr.js';
import { ConfigProblem, ConfigProblems } from '../../control/config/config-errors.js';
import { IpProto } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';

export type RuleAction = 'accept' | 'reject';
export type RuleDirection = 'uplink' | 'downlink' | 'any';

/** Protocol value meaning "ICMP of the packet's IP version" (1 for IPv4, 58 for IPv6). */
export const PROTO_ICMP_ANY = -2;
/** Protocol value meaning "any protocol". */
export const PROTO_ANY = -1;

export interface PortRange {
  from: number;
  to: number;
}

/** One validated rule. */
export interface MirrorRule {
  number: number;
  action: RuleAction;
  direction: RuleDirection;
  /** IP protocol number, PROTO_ANY or PROTO_ICMP_ANY. */
  protocol: number;
  sourceCidr?: Cidr;
  destinationCidr?: Cidr;
  sourcePorts?: PortRange;
  destinationPorts?: PortRange;
  /** Device groups (any of them); a packet of no device or a device in no group never matches. */
  groups?: string[];
  /** Application names (any of them), see appMatches. */
  apps?: string[];
  description?: string;
}

/** What a filter looks at, filled once per packet and reused (fromPacket allocates nothing). */
export class MirrorMatchContext {
  /** True for device → network packets. */
  uplink = false;
  proto = 0;
  ipVersion = 0;
  /** Buffer holding the addresses (the packet buffer), and their offsets (4 or 16 bytes each). */
  addrBuf: Uint8Array = new Uint8Array(0);
  srcAddrOff = -1;
  dstAddrOff = -1;
  srcPort = 0;
  dstPort = 0;
  /** The device's group, if the packet belongs to a device in a group. */
  group: string | undefined = undefined;
  /** Application label of the packet's flow ("MQTT", "TLS.aws-iot", "Unknown" before classification). */
  app = 'Unknown';

  fromPacket(p: PacketView, uplink: boolean, group: string | undefined, app: string): this {
    this.uplink = uplink;
    this.proto = p.ipProto;
    this.ipVersion = p.ipVersion;
    this.addrBuf = p.buf;
    this.srcAddrOff = p.srcAddrOff;
    this.dstAddrOff = p.dstAddrOff;
    this.srcPort = p.srcPort;
    this.dstPort = p.dstPort;
    this.group = group;
    this.app = app;
    return this;
  }
}

export type MirrorMatcher = (ctx: MirrorMatchContext) => boolean;

export const MATCH_ALL: MirrorMatcher = () => true;
export const MATCH_NONE: MirrorMatcher = () => false;

/** ASCII case-insensitive: does label[start, start + name.length) equal name? */
function eqFold(label: string, start: number, name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    let a = label.charCodeAt(start + i);
    let b = name.charCodeAt(i);
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}

/**
 * An app name matches a label when it equals the whole label ("TLS.aws-iot"), the protocol part before
 * the dot ("TLS") or the application part after it ("aws-iot"); ASCII case is ignored. No allocation.
 */
export function appMatches(label: string, name: string): boolean {
  const ll = label.length;
  const nl = name.length;
  if (nl === 0 || nl > ll) return false;
  if (nl === ll) return eqFold(label, 0, name);
  if (label.charCodeAt(nl) === 46 && eqFold(label, 0, name)) return true; // "TLS" of "TLS.x"
  return label.charCodeAt(ll - nl - 1) === 46 && eqFold(label, ll - nl, name); // "x" of "TLS.x"
}

function inList(v: string | undefined, list: readonly string[]): boolean {
  if (v === undefined) return false;
  for (let i = 0; i < list.length; i++) if (list[i] === v) return true;
  return false;
}

/** Does one rule match the packet? All present fields must match. */
export function ruleMatches(r: MirrorRule, c: MirrorMatchContext): boolean {
  if (r.direction !== 'any' && (r.direction === 'uplink') !== c.uplink) return false;
  const proto = r.protocol;
  if (proto === PROTO_ICMP_ANY) {
    if (c.proto !== (c.ipVersion === 6 ? IpProto.ICMPV6 : IpProto.ICMP)) return false;
  } else if (proto !== PROTO_ANY && c.proto !== proto) return false;
  const sc = r.sourceCidr;
  if (sc !== undefined && (c.ipVersion !== sc.version || c.srcAddrOff < 0 || !cidrContains(sc, c.addrBuf, c.srcAddrOff))) return false;
  const dc = r.destinationCidr;
  if (dc !== undefined && (c.ipVersion !== dc.version || c.dstAddrOff < 0 || !cidrContains(dc, c.addrBuf, c.dstAddrOff))) return false;
  const sp = r.sourcePorts;
  if (sp !== undefined && (c.srcPort < sp.from || c.srcPort > sp.to)) return false;
  const dp = r.destinationPorts;
  if (dp !== undefined && (c.dstPort < dp.from || c.dstPort > dp.to)) return false;
  if (r.groups !== undefined && !inList(c.group, r.groups)) return false;
  if (r.apps !== undefined) {
    let any = false;
    for (let i = 0; i < r.apps.length && !any; i++) any = appMatches(c.app, r.apps[i]);
    if (!any) return false;
  }
  return true;
}

/**
 * Compiles validated rules (any order) into a matcher: first match by ascending rule number decides;
 * no match = false. An empty list yields MATCH_NONE.
 */
export function compileMirrorFilter(rules: readonly MirrorRule[]): MirrorMatcher {
  if (rules.length === 0) return MATCH_NONE;
  const sorted = [...rules].sort((a, b) => a.number - b.number);
  const accept = sorted.map((r) => r.action === 'accept');
  const n = sorted.length;
  return (c: MirrorMatchContext): boolean => {
    for (let i = 0; i < n; i++) if (ruleMatches(sorted[i], c)) return accept[i];
    return false;
  };
}

// ---- validation -----------------------------------------------------------------------------------

/** Collects problems (each a ConfigProblem naming its path). */
export class ProblemList {
  readonly list: ConfigProblem[] = [];
  add(path: string, problem: string): void {
    this.list.push(new ConfigProblem(path, problem));
  }
}

/** Highest rule number (AWS Traffic Mirroring uses 1..32766). */
export const MAX_RULE_NUMBER = 32766;
/** Bound on rules per filter: each packet may walk the whole list. */
export const MAX_RULES = 1000;

const RULE_KEYS = [
  'number', 'action', 'direction', 'protocol', 'sourceCidr', 'destinationCidr', 'sourcePorts', 'destinationPorts',
  'group', 'app', 'description',
] as const;
const PROTOCOL_NAMES: Record<string, number> = { any: PROTO_ANY, tcp: IpProto.TCP, udp: IpProto.UDP, icmp: PROTO_ICMP_ANY };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function showValue(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : (JSON.stringify(v) ?? String(v));
}

function portRange(v: unknown): PortRange | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 65535 ? { from: v, to: v } : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d{1,5})\s*(?:-\s*(\d{1,5})\s*)?$/.exec(v);
  if (!m) return null;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return from <= to && to <= 65535 ? { from, to } : null;
}

function names(v: unknown): string[] | null {
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
  if (list === null || list.length === 0 || list.some((s) => typeof s !== 'string' || s.trim() === '')) return null;
  return list.map((s: string) => s.trim());
}

function parseRule(v: unknown, path: string, pr: ProblemList): MirrorRule | undefined {
  if (!isObj(v)) {
    pr.add(path, `must be a mapping { number, action: accept | reject, direction?, protocol?, ... } (got ${showValue(v)})`);
    return undefined;
  }
  const before = pr.list.length;
  const num = v.number;
  const numOk = typeof num === 'number' && Number.isInteger(num) && num >= 1 && num <= MAX_RULE_NUMBER;
  const label = numOk ? `rule ${num}` : 'rule';
  const add = (field: string, problem: string) => pr.add(`${path}.${field}`, `${label}: ${problem}`);
  for (const k of Object.keys(v)) {
    if (!(RULE_KEYS as readonly string[]).includes(k)) add(k, `unknown key '${k}' (allowed: ${RULE_KEYS.join(', ')})`);
  }
  if (num === undefined) add('number', `is required: rules are evaluated from the lowest number up (1..${MAX_RULE_NUMBER})`);
  else if (!numOk) add('number', `must be an integer from 1 to ${MAX_RULE_NUMBER} (got ${showValue(num)})`);

  let action: RuleAction = 'accept';
  if (v.action !== 'accept' && v.action !== 'reject') add('action', `must be 'accept' or 'reject' (got ${showValue(v.action)})`);
  else action = v.action;

  let direction: RuleDirection = 'any';
  if (v.direction !== undefined) {
    if (v.direction !== 'uplink' && v.direction !== 'downlink' && v.direction !== 'any') {
      add('direction', `must be 'uplink' (device to network), 'downlink' or 'any' (got ${showValue(v.direction)})`);
    } else direction = v.direction;
  }

  let protocol = PROTO_ANY;
  if (v.protocol !== undefined) {
    const p = v.protocol;
    if (typeof p === 'string' && PROTOCOL_NAMES[p.toLowerCase()] !== undefined) protocol = PROTOCOL_NAMES[p.toLowerCase()];
    else if (typeof p === 'number' && Number.isInteger(p) && p >= 0 && p <= 255) protocol = p;
    else add('protocol', `must be tcp, udp, icmp, any or an IP protocol number 0..255 (got ${showValue(p)})`);
  }

  const cidr = (field: 'sourceCidr' | 'destinationCidr'): Cidr | undefined => {
    const x = v[field];
    if (x === undefined) return undefined;
    const r = parseCidr(typeof x === 'string' ? x.trim() : String(x));
    if (r.ok) return r.cidr;
    add(field, r.problem);
    return undefined;
  };
  const sourceCidr = cidr('sourceCidr');
  const destinationCidr = cidr('destinationCidr');
  if (sourceCidr && destinationCidr && sourceCidr.version !== destinationCidr.version) {
    add('destinationCidr', `sourceCidr (${sourceCidr.text}) and destinationCidr (${destinationCidr.text}) must both be IPv4 or both IPv6`);
  }

  const ports = (field: 'sourcePorts' | 'destinationPorts'): PortRange | undefined => {
    const x = v[field];
    if (x === undefined) return undefined;
    const r = portRange(x);
    if (r === null) {
      add(field, `must be a port (443) or a range 'from-to' ('1024-65535') within 0..65535 (got ${showValue(x)})`);
      return undefined;
    }
    if (protocol !== IpProto.TCP && protocol !== IpProto.UDP) add(field, `port ranges need protocol: tcp or protocol: udp`);
    return r;
  };
  const sourcePorts = ports('sourcePorts');
  const destinationPorts = ports('destinationPorts');

  let groups: string[] | undefined;
  if (v.group !== undefined) {
    groups = names(v.group) ?? undefined;
    if (groups === undefined) add('group', `must be a group name or a non-empty list of names (got ${showValue(v.group)})`);
  }
  let apps: string[] | undefined;
  if (v.app !== undefined) {
    apps = names(v.app) ?? undefined;
    if (apps === undefined) add('app', `must be an application name (MQTT, TLS, aws-iot...) or a non-empty list (got ${showValue(v.app)})`);
  }
  let description: string | undefined;
  if (v.description !== undefined) {
    if (typeof v.description !== 'string' || v.description.length > 256) add('description', 'must be text of at most 256 characters');
    else description = v.description;
  }
  if (pr.list.length > before || !numOk) return undefined;
  const r: MirrorRule = { number: num, action, direction, protocol };
  if (sourceCidr) r.sourceCidr = sourceCidr;
  if (destinationCidr) r.destinationCidr = destinationCidr;
  if (sourcePorts) r.sourcePorts = sourcePorts;
  if (destinationPorts) r.destinationPorts = destinationPorts;
  if (groups) r.groups = groups;
  if (apps) r.apps = apps;
  if (description !== undefined) r.description = description;
  return r;
}

/**
 * Validates a filter value `{ rules: [...] }` (already parsed from YAML/JSON). Problems go to `pr`, each
 * naming the rule number and field (`...filter.rules[1].destinationPorts: rule 20: ...`).
 */
export function parseMirrorFilter(raw: unknown, path: string, pr: ProblemList): MirrorRule[] {
  if (!isObj(raw)) {
    pr.add(path, `must be a mapping { rules: [...] } (got ${showValue(raw)}); remove the key to mirror everything`);
    return [];
  }
  for (const k of Object.keys(raw)) if (k !== 'rules') pr.add(`${path}.${k}`, `unknown key '${k}' (allowed: rules)`);
  const list = raw.rules ?? [];
  if (!Array.isArray(list)) {
    pr.add(`${path}.rules`, `must be a list of rules (got ${showValue(list)})`);
    return [];
  }
  if (list.length > MAX_RULES) pr.add(`${path}.rules`, `has ${list.length} rules; at most ${MAX_RULES} are allowed`);
  const rules: MirrorRule[] = [];
  const seen = new Map<number, number>();
  list.forEach((x: unknown, i: number) => {
    const r = parseRule(x, `${path}.rules[${i}]`, pr);
    // duplicates are checked on every numbered rule, valid or not, so the report is complete
    const n = isObj(x) && typeof x.number === 'number' ? x.number : undefined;
    const dup = n === undefined ? undefined : seen.get(n);
    if (dup !== undefined) pr.add(`${path}.rules[${i}].number`, `rule ${n}: the number is already used by rules[${dup}]; numbers must be unique`);
    else if (n !== undefined) seen.set(n, i);
    if (r !== undefined) rules.push(r);
  });
  return rules;
}

/** Validates and compiles a filter in one step; throws ConfigProblems listing every problem. */
export function compileFilterConfig(raw: unknown, path = 'filter'): MirrorMatcher {
  const pr = new ProblemList();
  const rules = parseMirrorFilter(raw, path, pr);
  if (pr.list.length > 0) throw new ConfigProblems(pr.list);
  return compileMirrorFilter(rules);
}
