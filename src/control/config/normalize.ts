// Fills defaults and canonical forms into a config that passed every check.
import { parseAddress, parseCidr, formatBytes } from './cidr.js';
import { CONFIG_DEFAULTS } from './types.js';
import type { OutputsConfig, OutputSinkConfig, OutputRecordType, CustomAppDef, DeviceConfig, DevicePortConfig, FleetConfig, FlowTimeoutsConfig, GroupConfig, JunctionConfig, PortsConfig, TunPortConfig } from './types.js';
import { parseMirroringConfig } from '../../actions/mirror/config.js';
import { parseRedirectionConfig } from '../../actions/redirect/config.js';

type Obj = Record<string, unknown>;

export function normalizeConfig(doc: Obj): FleetConfig {
  const op = doc.operator as Obj;
  const gw = doc.gateway as Obj;
  const insp = (gw.inspection ?? {}) as Obj;
  const ft = (doc.flowTable ?? {}) as Obj;

  const devices: DeviceConfig[] = ((doc.devices ?? []) as Obj[]).map((d) => {
    const out: DeviceConfig = { ip: formatBytes(parseAddress((d.ip as string).trim()) as Uint8Array), tags: [...((d.tags as string[] | undefined) ?? [])] };
    if (d.imsi !== undefined) out.imsi = d.imsi as string;
    if (d.name !== undefined) out.name = d.name as string;
    if (d.group !== undefined) out.group = d.group as string;
    if (d.teid !== undefined) out.teid = d.teid as number;
    if (d.downlinkTeid !== undefined) out.downlinkTeid = d.downlinkTeid as number;
    return out;
  });

  let groups: GroupConfig[];
  if (Array.isArray(doc.groups)) {
    groups = (doc.groups as Obj[]).map((g) => (g.description !== undefined ? { name: g.name as string, description: g.description as string } : { name: g.name as string }));
  } else {
    const names = new Set<string>();
    for (const d of devices) if (d.group !== undefined) names.add(d.group);
    groups = [...names].map((name) => ({ name }));
  }

  const timeouts: FlowTimeoutsConfig = { ...((ft.timeouts ?? {}) as FlowTimeoutsConfig) };

  const cfg: FleetConfig = {
    operator: op.name !== undefined ? { id: op.id as string, name: op.name as string } : { id: op.id as string },
    gateway: {
      id: gw.id as string,
      deviceSubnets: (gw.deviceSubnets as string[]).map((s) => {
        const r = parseCidr(s.trim());
        return r.ok ? r.cidr.text : s;
      }),
      inspection: {
        enabled: (insp.enabled as boolean | undefined) ?? CONFIG_DEFAULTS.inspectionEnabled,
        intervalSeconds: (insp.intervalSeconds as number | undefined) ?? CONFIG_DEFAULTS.intervalSeconds,
        topDestinations: (insp.topDestinations as number | undefined) ?? CONFIG_DEFAULTS.topDestinations,
      },
      maxUnregisteredDevices: (gw.maxUnregisteredDevices as number | undefined) ?? CONFIG_DEFAULTS.maxUnregisteredDevices,
    },
    groups,
    devices,
    flowTable: { capacity: (ft.capacity as number | undefined) ?? CONFIG_DEFAULTS.flowTableCapacity, timeouts },
    applications: ((doc.applications ?? []) as Obj[]).map(normalizeApp),
  };
  if (gw.name !== undefined) cfg.gateway.name = gw.name as string;
  if (gw.ports !== undefined) cfg.gateway.ports = normalizePorts(gw.ports as Obj);
  if (gw.junction !== undefined) cfg.gateway.junction = normalizeJunction(gw.junction as Obj);
  if (gw.outputs !== undefined) cfg.gateway.outputs = normalizeOutputs(gw.outputs as Obj);
  return cfg;
}

const OUTPUT_KEYS = new Set(['name', 'kind', 'types', 'envelope', 'batchSize']);

function normalizeOutputs(o: Obj): OutputsConfig {
  const out: OutputsConfig = {
    sinks: (o.sinks as Obj[]).map((s): OutputSinkConfig => {
      const options: Obj = {};
      for (const [k, v] of Object.entries(s)) if (!OUTPUT_KEYS.has(k)) options[k] = v;
      return {
        name: s.name as string,
        kind: s.kind as string,
        types: [...((s.types as OutputRecordType[] | undefined) ?? ['inspection', 'flow', 'alert', 'anomaly', 'eve'])],
        envelope: (s.envelope as boolean | undefined) ?? true,
        batchSize: (s.batchSize as number | undefined) ?? 500,
        options,
      };
    }),
  };
  if (o.spool !== undefined) {
    const sp = o.spool as Obj;
    out.spool = { dir: sp.dir as string, limitBytes: (sp.limitBytes as number | undefined) ?? 1 << 30, durable: (sp.durable as boolean | undefined) ?? false };
  }
  return out;
}

/** The actions' parsers fill the defaults (semantic checks already ran them, so they do not throw here). */
function normalizeJunction(j: Obj): JunctionConfig {
  const out: JunctionConfig = {};
  if (j.mirroring !== undefined) out.mirroring = parseMirroringConfig(j.mirroring, 'gateway.junction.mirroring');
  if (j.redirection !== undefined) out.redirection = parseRedirectionConfig(j.redirection, 'gateway.junction.redirection');
  return out;
}

function normalizePorts(p: Obj): PortsConfig {
  const out: PortsConfig = { devices: normalizePort(p.devices as Obj), gatewayMac: ((p.gatewayMac as string | undefined) ?? CONFIG_DEFAULTS.gatewayMac).toLowerCase() };
  if (p.network !== undefined) out.network = normalizePort(p.network as Obj) as TunPortConfig;
  return out;
}

function normalizePort(p: Obj): DevicePortConfig {
  const kind = p.kind as DevicePortConfig['kind'];
  if (kind === 'tun') {
    const t: TunPortConfig = { kind, name: p.name as string, addresses: [...((p.addresses as string[] | undefined) ?? [])] };
    if (p.mtu !== undefined) t.mtu = p.mtu as number;
    return t;
  }
  if (kind === 'pcap') return { kind, file: p.file as string, pace: (p.pace as 'fast' | 'capture' | undefined) ?? 'fast' };
  const wellKnown = CONFIG_DEFAULTS.tunnelPorts[kind];
  return {
    kind,
    address: ((p.address as string | undefined) ?? '0.0.0.0').trim(),
    port: (p.port as number | undefined) ?? wellKnown,
    replyPort: (p.replyPort as number | undefined) ?? wellKnown,
  };
}

function normalizeApp(a: Obj): CustomAppDef {
  const canon = (s: string) => {
    const r = parseCidr(s.trim());
    return r.ok ? r.cidr.text : s.trim();
  };
  const ports: CustomAppDef['ports'] = [];
  for (const p of (a.ports ?? []) as (number | { proto: 'tcp' | 'udp'; port: number })[]) {
    if (typeof p !== 'number') ports.push({ proto: p.proto, port: p.port });
    else if (a.protocol === 'tcp' || a.protocol === 'udp') ports.push({ proto: a.protocol, port: p });
    else ports.push({ proto: 'tcp', port: p }, { proto: 'udp', port: p });
  }
  return {
    name: a.name as string,
    category: (a.category as string | undefined) ?? CONFIG_DEFAULTS.customAppCategory,
    hosts: ((a.hosts ?? []) as string[]).map((h) => h.trim()),
    ips: ((a.ips ?? []) as string[]).map((s) => formatBytes(parseAddress(s.trim()) as Uint8Array)),
    cidrs: ((a.cidrs ?? []) as string[]).map(canon),
    ports,
  };
}
