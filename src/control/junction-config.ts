// The store's Junction (API shapes: src/control/store/model.ts) as the action configs the data path
// runs (src/actions/mirror, src/actions/redirect). Used by LiveDataPlane when a snapshot arrives.
//
// - A peer's API filter { protocols?, cidrs?, ports? } means: mirror packets whose protocol is any of
//   `protocols`, whose REMOTE address (the non-device end) is in any of `cidrs` and whose remote port is
//   any of `ports`; absent lists match anything. It becomes accept rules, one set per direction (the
//   remote end is the destination uplink and the source downlink). Contiguous ports merge into ranges.
// - Redirection: `gateway` is the primary; selector `groups` and `cidrs` (destinations) map directly;
//   selector `tags` has no data-path equivalent yet and is reported by redirectionProblems().
import { parseCidr, type Cidr } from './config/cidr.js';
import { IpProto } from '../core/layers.js';
import { MIRROR_DEFAULTS, type MirroringConfig, type MirrorPeerConfig } from '../actions/mirror/config.js';
import { PROTO_ANY, PROTO_ICMP_ANY, type MirrorRule, type PortRange } from '../actions/mirror/filter.js';
import { parseRedirectionConfig, type RedirectionConfig } from '../actions/redirect/config.js';
import type { MirroringPeer, PeerFilter, Redirection } from './store/model.js';

/** More rules than this for one peer is refused (rules are evaluated in order per packet). */
export const MAX_FILTER_RULES = 4096;

function portRanges(ports: readonly number[]): PortRange[] {
  const sorted = [...new Set(ports)].sort((a, b) => a - b);
  const out: PortRange[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && p === last.to + 1) last.to = p;
    else out.push({ from: p, to: p });
  }
  return out;
}

const PROTO: Record<string, number> = { tcp: IpProto.TCP, udp: IpProto.UDP, icmp: PROTO_ICMP_ANY };

/** Accept rules equivalent to an API peer filter; throws when it would need more than MAX_FILTER_RULES. */
export function filterRules(f: PeerFilter): MirrorRule[] {
  const protos = f.protocols?.length ? [...new Set(f.protocols.map((p) => PROTO[p]))] : [PROTO_ANY];
  const cidrs: (Cidr | undefined)[] = [];
  for (const c of f.cidrs ?? []) {
    const r = parseCidr(c);
    if (r.ok) cidrs.push(r.cidr);
  }
  if (cidrs.length === 0) cidrs.push(undefined);
  const ranges: (PortRange | undefined)[] = f.ports?.length ? portRanges(f.ports) : [undefined];
  const n = protos.length * cidrs.length * ranges.length * 2;
  if (n > MAX_FILTER_RULES) throw new Error(`its filter needs ${n} rules (protocols x cidrs x port ranges x 2 directions); at most ${MAX_FILTER_RULES}`);
  const rules: MirrorRule[] = [];
  for (const direction of ['uplink', 'downlink'] as const) {
    for (const protocol of protos) {
      for (const cidr of cidrs) {
        for (const ports of ranges) {
          const r: MirrorRule = { number: rules.length + 1, action: 'accept', direction, protocol };
          if (cidr) {
            if (direction === 'uplink') r.destinationCidr = cidr;
            else r.sourceCidr = cidr;
          }
          if (ports) {
            if (direction === 'uplink') r.destinationPorts = ports;
            else r.sourcePorts = ports;
          }
          rules.push(r);
        }
      }
    }
  }
  return rules;
}

export interface MirroringFromStore {
  config: MirroringConfig;
  /** Peers left out of the data path: "address (protocol): why". */
  problems: string[];
}

/** The data path's mirroring config for the store's peers (disabled peers are kept, as disabled). */
export function mirroringFromStore(peers: readonly Readonly<MirroringPeer>[]): MirroringFromStore {
  const out: MirrorPeerConfig[] = [];
  const problems: string[] = [];
  for (const p of peers) {
    const c: MirrorPeerConfig = {
      address: p.ipAddress,
      protocol: p.protocol,
      sequence: false,
      vni: p.protocol === 'vxlan' ? (p.vni ?? MIRROR_DEFAULTS.vni) : MIRROR_DEFAULTS.vni,
      port: MIRROR_DEFAULTS.port,
      // the API has no such field (the Junction API's shape): the config file's default applies
      segmentation: p.protocol === 'vxlan' ? 'auto' : false,
      enabled: p.enabled,
    };
    if (p.protocol === 'gre' && p.key !== undefined) c.key = p.key;
    if (p.truncate !== undefined) c.truncate = p.truncate;
    if (p.description !== undefined) c.description = p.description;
    if (p.filter !== undefined) {
      try {
        c.filter = filterRules(p.filter);
      } catch (e) {
        problems.push(`${p.ipAddress} (${p.protocol}): ${(e as Error).message}`);
        continue;
      }
    }
    out.push(c);
  }
  return { config: { peers: out, queue: { slots: MIRROR_DEFAULTS.slots, slotBytes: MIRROR_DEFAULTS.slotBytes } }, problems };
}

/** The data path's redirection config, or null when there is none (throws ConfigProblems when invalid). */
export function redirectionFromStore(r: Readonly<Redirection> | null): RedirectionConfig | null {
  if (r === null) return null;
  const raw: Record<string, unknown> = { enabled: r.enabled, primary: { ...r.gateway }, localPort: r.localPort ?? 0 };
  if (r.standby) raw.standby = { ...r.standby };
  if (r.localAddress !== undefined) raw.localAddress = r.localAddress;
  if (r.probe !== undefined) raw.probe = { ...r.probe };
  const sel: Record<string, unknown> = {};
  if (r.selector?.groups?.length) sel.groups = [...r.selector.groups];
  if (r.selector?.cidrs?.length) sel.destinations = [...r.selector.cidrs];
  if (Object.keys(sel).length > 0) raw.selector = sel;
  return parseRedirectionConfig(raw);
}

/** What of the store's redirection the data path cannot apply. */
export function redirectionProblems(r: Readonly<Redirection> | null): string[] {
  return r?.selector?.tags?.length ? [`selector tags (${r.selector.tags.join(', ')}) are not applied by the data path yet: flows are selected by groups and cidrs only`] : [];
}
