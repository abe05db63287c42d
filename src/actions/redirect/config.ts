// Redirection config (`gateway.junction.redirection`): the types the data path uses, with every default
// filled in, and the validation that turns a parsed YAML/JSON value into them. Every problem is reported
// at once, each naming its field (`gateway.junction.redirection.primary.vni: ...`).
import { parseIPv4 } from '../../core/ip.js';
import { ConfigProblem, ConfigProblems } from '../../control/config/config-errors.js';
import { parseCidr, type Cidr } from '../../control/config/cidr.js';

export type TunnelProtocol = 'vxlan' | 'geneve';
/** What a tunnel carries: an Ethernet frame (VXLAN always; GENEVE 0x6558) or the bare IP packet (GENEVE 0x0800/0x86DD). */
export type TunnelPayload = 'ethernet' | 'ip';
/** Whether flows moved to the standby go back when the primary recovers (see docs/redirection.md). */
export type Failback = 'new-flows' | 'all-flows';

export interface GeneveOptionConfig {
  class: number;
  type: number;
  data: Uint8Array;
}

export interface PeerConfig {
  /** Outer IPv4 address the tunnel packets are sent to. */
  address: string;
  protocol: TunnelProtocol;
  /** 1..16777215; default 10 (Soracom Gate's default VXLAN id). */
  vni: number;
  /** Outer UDP destination port; default 4789 (VXLAN) or 6081 (GENEVE). */
  port: number;
  /** The appliance's IPv4 address inside the tunnel: probes (ICMP echo) go there. Absent = not probed (always healthy). */
  innerAddress?: string;
  /** MAC of the appliance's tunnel interface; absent = learned from the frames it returns (broadcast until then). */
  innerMac?: Uint8Array;
  payload: TunnelPayload;
  /** Extra GENEVE options sent with every packet (GENEVE only). */
  geneveOptions: GeneveOptionConfig[];
  /** AWS GWLB-style metadata (GENEVE only): class 0x0108 TLVs endpoint id (type 1), attachment id (type 2), flow cookie (type 3). */
  gwlb?: { endpointId: Uint8Array; attachmentId: Uint8Array };
}

export interface SelectorConfig {
  apps?: string[];
  /** Destination ports. */
  ports?: number[];
  destinations?: Cidr[];
  groups?: string[];
}

export interface ProbeConfig {
  /** Default 500, minimum 50. */
  intervalMs: number;
  /** Default 3, 1..10. */
  threshold: number;
}

export interface RedirectionConfig {
  enabled: boolean;
  primary: PeerConfig;
  standby?: PeerConfig;
  /** Absent = all traffic. */
  selector?: SelectorConfig;
  probe: ProbeConfig;
  /** The gateway's IPv4 address inside the tunnel (probe source; the appliance answers to it). Required when a peer has innerAddress. */
  localAddress?: string;
  /** Local UDP port the gateway sends from and receives returned packets on; default the primary's port. 0 = ephemeral. */
  localPort: number;
  failback: Failback;
}

export const REDIRECTION_DEFAULTS = {
  vni: 10,
  vxlanPort: 4789,
  genevePort: 6081,
  intervalMs: 500,
  minIntervalMs: 50,
  threshold: 3,
  failback: 'new-flows' as Failback,
} as const;

export const DEFAULT_PATH = 'gateway.junction.redirection';

type Obj = Record<string, unknown>;

class Problems {
  readonly list: ConfigProblem[] = [];
  add(path: string, problem: string): void {
    this.list.push(new ConfigProblem(path, problem));
  }
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  return typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v);
}

function unknownKeys(o: Obj, allowed: readonly string[], path: string, pr: Problems): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) pr.add(`${path}.${k}`, `unknown key '${k}' (allowed: ${allowed.join(', ')})`);
}

function intIn(v: unknown, lo: number, hi: number, path: string, pr: Problems, what = 'an integer'): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
    pr.add(path, `must be ${what} from ${lo} to ${hi} (got ${show(v)})`);
    return undefined;
  }
  return v;
}

function ipv4(v: unknown, path: string, pr: Problems): string | undefined {
  if (typeof v !== 'string' || parseIPv4(v) < 0) {
    pr.add(path, `must be an IPv4 address like 192.0.2.10 (got ${show(v)})`);
    return undefined;
  }
  return v;
}

function hexBytes(v: unknown, len: number, path: string, pr: Problems): Uint8Array | undefined {
  const s = typeof v === 'string' ? v.replace(/^0x/i, '') : '';
  if (!/^[0-9a-fA-F]*$/.test(s) || s.length !== len * 2) {
    pr.add(path, `must be ${len} bytes as ${len * 2} hex digits (got ${show(v)})`);
    return undefined;
  }
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function mac(v: unknown, path: string, pr: Problems): Uint8Array | undefined {
  if (typeof v !== 'string' || !/^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/.test(v)) {
    pr.add(path, `must be a MAC address like 02:00:00:00:00:02 (got ${show(v)})`);
    return undefined;
  }
  return Uint8Array.from(v.split(/[:-]/).map((x) => parseInt(x, 16)));
}

const PEER_KEYS = ['address', 'protocol', 'vni', 'port', 'innerAddress', 'innerMac', 'payload', 'geneveOptions', 'gwlb'] as const;

function peer(v: unknown, path: string, pr: Problems): PeerConfig | undefined {
  if (!isObj(v)) {
    pr.add(path, `must be a mapping { address, protocol: vxlan | geneve, vni?, innerAddress? } (got ${show(v)})`);
    return undefined;
  }
  unknownKeys(v, PEER_KEYS, path, pr);
  const before = pr.list.length;
  const address = ipv4(v.address, `${path}.address`, pr);
  let protocol: TunnelProtocol = 'vxlan';
  if (v.protocol !== 'vxlan' && v.protocol !== 'geneve') pr.add(`${path}.protocol`, `must be 'vxlan' or 'geneve' (got ${show(v.protocol)})`);
  else protocol = v.protocol;
  const vni = v.vni === undefined ? REDIRECTION_DEFAULTS.vni : intIn(v.vni, 1, 16777215, `${path}.vni`, pr);
  const dfltPort = protocol === 'vxlan' ? REDIRECTION_DEFAULTS.vxlanPort : REDIRECTION_DEFAULTS.genevePort;
  const port = v.port === undefined ? dfltPort : intIn(v.port, 1, 65535, `${path}.port`, pr);
  const innerAddress = v.innerAddress === undefined ? undefined : ipv4(v.innerAddress, `${path}.innerAddress`, pr);
  const innerMac = v.innerMac === undefined ? undefined : mac(v.innerMac, `${path}.innerMac`, pr);

  let gwlb: PeerConfig['gwlb'];
  if (v.gwlb !== undefined) {
    const gp = `${path}.gwlb`;
    if (protocol !== 'geneve') pr.add(gp, `GWLB metadata needs protocol: geneve`);
    if (!isObj(v.gwlb)) pr.add(gp, `must be a mapping { endpointId, attachmentId } (16 hex digits each)`);
    else {
      unknownKeys(v.gwlb, ['endpointId', 'attachmentId'], gp, pr);
      const endpointId = hexBytes(v.gwlb.endpointId, 8, `${gp}.endpointId`, pr);
      const attachmentId = hexBytes(v.gwlb.attachmentId, 8, `${gp}.attachmentId`, pr);
      if (endpointId && attachmentId) gwlb = { endpointId, attachmentId };
    }
  }

  let payload: TunnelPayload = protocol === 'geneve' && v.gwlb !== undefined ? 'ip' : 'ethernet';
  if (v.payload !== undefined) {
    if (v.payload !== 'ethernet' && v.payload !== 'ip') pr.add(`${path}.payload`, `must be 'ethernet' or 'ip' (got ${show(v.payload)})`);
    else if (protocol === 'vxlan' && v.payload === 'ip') pr.add(`${path}.payload`, `VXLAN always carries Ethernet frames; 'ip' needs protocol: geneve`);
    else payload = v.payload;
  }

  const geneveOptions: GeneveOptionConfig[] = [];
  if (v.geneveOptions !== undefined) {
    const gp = `${path}.geneveOptions`;
    if (protocol !== 'geneve') pr.add(gp, `options need protocol: geneve`);
    if (!Array.isArray(v.geneveOptions)) pr.add(gp, `must be a list of { class, type, data (hex) }`);
    else {
      v.geneveOptions.forEach((o: unknown, i: number) => {
        const op = `${gp}[${i}]`;
        if (!isObj(o)) return pr.add(op, `must be a mapping { class, type, data }`);
        unknownKeys(o, ['class', 'type', 'data'], op, pr);
        const cls = intIn(o.class, 0, 0xffff, `${op}.class`, pr);
        const type = intIn(o.type, 0, 0xff, `${op}.type`, pr);
        const hex = typeof o.data === 'string' ? o.data.replace(/^0x/i, '') : undefined;
        const len = hex !== undefined && hex.length % 8 === 0 ? hex.length / 2 : -1;
        if (len < 0 || len > 124) pr.add(`${op}.data`, `must be hex whose length is a multiple of 4 bytes, at most 124 bytes (got ${show(o.data)})`);
        const data = len >= 0 && len <= 124 ? hexBytes(o.data, len, `${op}.data`, pr) : undefined;
        if (cls !== undefined && type !== undefined && data) geneveOptions.push({ class: cls, type, data });
      });
    }
  }
  let optBytes = gwlb ? 3 * 4 + 8 + 8 + 4 : 0;
  for (const o of geneveOptions) optBytes += 4 + o.data.length;
  if (optBytes > 252) pr.add(`${path}.geneveOptions`, `GENEVE options total ${optBytes} bytes; at most 252 fit`);

  if (pr.list.length > before || address === undefined || vni === undefined || port === undefined) return undefined;
  return { address, protocol, vni, port, innerAddress, innerMac, payload, geneveOptions, gwlb };
}

function stringList(v: unknown, path: string, pr: Problems): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0 || v.some((s) => typeof s !== 'string' || s.trim() === '')) {
    pr.add(path, `must be a non-empty list of names (got ${show(v)})`);
    return undefined;
  }
  return v.map((s: string) => s.trim());
}

function selector(v: unknown, path: string, pr: Problems): SelectorConfig | undefined {
  if (!isObj(v)) {
    pr.add(path, `must be a mapping with any of apps, ports, destinations, groups (got ${show(v)})`);
    return undefined;
  }
  unknownKeys(v, ['apps', 'ports', 'destinations', 'groups'], path, pr);
  const out: SelectorConfig = {};
  if (v.apps !== undefined) out.apps = stringList(v.apps, `${path}.apps`, pr);
  if (v.groups !== undefined) out.groups = stringList(v.groups, `${path}.groups`, pr);
  if (v.ports !== undefined) {
    if (!Array.isArray(v.ports) || v.ports.length === 0) pr.add(`${path}.ports`, `must be a non-empty list of ports (got ${show(v.ports)})`);
    else {
      const ports: number[] = [];
      v.ports.forEach((x: unknown, i: number) => {
        const n = intIn(x, 1, 65535, `${path}.ports[${i}]`, pr, 'a port number');
        if (n !== undefined) ports.push(n);
      });
      out.ports = ports;
    }
  }
  if (v.destinations !== undefined) {
    if (!Array.isArray(v.destinations) || v.destinations.length === 0) {
      pr.add(`${path}.destinations`, `must be a non-empty list of CIDRs (got ${show(v.destinations)})`);
    } else {
      const cidrs: Cidr[] = [];
      v.destinations.forEach((x: unknown, i: number) => {
        const r = parseCidr(typeof x === 'string' ? x : String(x));
        if (r.ok) cidrs.push(r.cidr);
        else pr.add(`${path}.destinations[${i}]`, r.problem);
      });
      out.destinations = cidrs;
    }
  }
  if (Object.keys(out).length === 0 && Object.keys(v).length === 0) {
    pr.add(path, `is empty: remove it to redirect all traffic, or list apps, ports, destinations or groups`);
  }
  return out;
}

const TOP_KEYS = ['enabled', 'primary', 'standby', 'selector', 'probe', 'localAddress', 'localPort', 'failback'] as const;

/**
 * Checks a redirection config value (already parsed from YAML/JSON) and fills defaults.
 * Throws ConfigProblems (a ConfigError; `problems` lists each one with its path) when anything is wrong.
 */
export function parseRedirectionConfig(raw: unknown, path: string = DEFAULT_PATH): RedirectionConfig {
  const pr = new Problems();
  if (!isObj(raw)) {
    pr.add(path, `must be a mapping { enabled, primary, standby?, selector?, probe? } (got ${show(raw)})`);
    throw new ConfigProblems(pr.list);
  }
  unknownKeys(raw, TOP_KEYS, path, pr);
  let enabled = true;
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled !== 'boolean') pr.add(`${path}.enabled`, `must be true or false (got ${show(raw.enabled)})`);
    else enabled = raw.enabled;
  }
  let primary: PeerConfig | undefined;
  if (raw.primary === undefined) pr.add(`${path}.primary`, `is required: the gateway peer { address, protocol, vni }`);
  else primary = peer(raw.primary, `${path}.primary`, pr);
  const standby = raw.standby === undefined ? undefined : peer(raw.standby, `${path}.standby`, pr);
  const sel = raw.selector === undefined ? undefined : selector(raw.selector, `${path}.selector`, pr);

  const probe: ProbeConfig = { intervalMs: REDIRECTION_DEFAULTS.intervalMs, threshold: REDIRECTION_DEFAULTS.threshold };
  if (raw.probe !== undefined) {
    const pp = `${path}.probe`;
    if (!isObj(raw.probe)) pr.add(pp, `must be a mapping { intervalMs?, threshold? } (got ${show(raw.probe)})`);
    else {
      unknownKeys(raw.probe, ['intervalMs', 'threshold'], pp, pr);
      if (raw.probe.intervalMs !== undefined) {
        const n = intIn(raw.probe.intervalMs, REDIRECTION_DEFAULTS.minIntervalMs, 60_000, `${pp}.intervalMs`, pr, 'a number of milliseconds');
        if (n !== undefined) probe.intervalMs = n;
      }
      if (raw.probe.threshold !== undefined) {
        const n = intIn(raw.probe.threshold, 1, 10, `${pp}.threshold`, pr);
        if (n !== undefined) probe.threshold = n;
      }
    }
  }
  const localAddress = raw.localAddress === undefined ? undefined : ipv4(raw.localAddress, `${path}.localAddress`, pr);
  const probed = (raw.primary !== undefined && isObj(raw.primary) && raw.primary.innerAddress !== undefined) ||
    (isObj(raw.standby) && raw.standby.innerAddress !== undefined);
  if (probed && raw.localAddress === undefined) {
    pr.add(`${path}.localAddress`, `is required when a peer has innerAddress: it is the source of health probes (the gateway's address inside the tunnel)`);
  }
  let localPort = primary?.port ?? 0;
  if (raw.localPort !== undefined) {
    const n = intIn(raw.localPort, 0, 65535, `${path}.localPort`, pr);
    if (n !== undefined) localPort = n;
  }
  let failback: Failback = REDIRECTION_DEFAULTS.failback;
  if (raw.failback !== undefined) {
    if (raw.failback !== 'new-flows' && raw.failback !== 'all-flows') pr.add(`${path}.failback`, `must be 'new-flows' or 'all-flows' (got ${show(raw.failback)})`);
    else failback = raw.failback;
  }
  if (pr.list.length > 0 || primary === undefined) throw new ConfigProblems(pr.list);
  return { enabled, primary, standby, selector: sel, probe, localAddress, localPort, failback };
}
