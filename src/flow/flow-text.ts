// Text forms of flow keys, for records, `fleetgate flows` and tests (off the hot path).
import { formatIP } from '../core/ip.js';
import { IpProto, TunnelKind } from '../core/layers.js';
import { hasPorts } from './flow-key.js';

const PROTO_NAMES: Record<number, string> = {
  [IpProto.ICMP]: 'ICMP',
  [IpProto.TCP]: 'TCP',
  [IpProto.UDP]: 'UDP',
  [IpProto.GRE]: 'GRE',
  [IpProto.ESP]: 'ESP',
  [IpProto.ICMPV6]: 'ICMPV6',
  [IpProto.SCTP]: 'SCTP',
  [IpProto.IPIP]: 'IPIP',
  [IpProto.IPV6]: 'IPV6',
  2: 'IGMP',
  51: 'AH',
  89: 'OSPF',
  112: 'VRRP',
};

/** "TCP", "UDP", ... or "IP-<n>" for protocols without a name here. */
export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? `IP-${proto}`;
}

const TUNNEL_NAMES: Record<number, string> = {
  [TunnelKind.VXLAN]: 'vxlan',
  [TunnelKind.GENEVE]: 'geneve',
  [TunnelKind.GRE]: 'gre',
  [TunnelKind.GTPU]: 'gtpu',
  [TunnelKind.IPIP]: 'ipip',
};

export function tunnelName(kind: number): string {
  return TUNNEL_NAMES[kind] ?? `tunnel-${kind}`;
}

/** "10.0.0.1:1234", "[2001:db8::1]:443", or the bare address for protocols without ports. */
export function endpointText(addr16: Uint8Array, version: number, port: number, proto: number): string {
  const a = formatIP(addr16, 0, version);
  if (!hasPorts(proto)) return a;
  return version === 6 ? `[${a}]:${port}` : `${a}:${port}`;
}
