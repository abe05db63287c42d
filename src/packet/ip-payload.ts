// IP protocol → next layer, shared by IPv4 and IPv6 (called once the IP header, and for IPv6 its
// extension headers, are decoded and p.ipProto / fragment fields are set).
import { IpProto, Layer, TunnelKind, type LayerId } from '../core/layers.js';
import type { PacketView } from '../core/packet-view.js';
import { Ev } from './events.js';
import { enterTunnel } from './tunnel.js';

/** Marks [off, end) as the packet's payload with no L4 header decoded. */
function ipPayloadOnly(p: PacketView, off: number, end: number): LayerId {
  p.payloadOff = off;
  p.payloadLen = end > off ? end - off : 0;
  return Layer.NONE;
}

/**
 * Chooses the decoder for the IP payload [off, end) carrying protocol `proto`.
 * - A non-first fragment has no L4 header: stop with the payload marked.
 * - IP-in-IP (4, 41) enters a tunnel of kind IPIP; a fragmented outer packet is not decapsulated
 *   (the inner packet is incomplete; reassembly is not the decoder's job).
 * - Unknown protocols (ESP, SCTP, ...): stop with the payload marked.
 */
export function ipPayloadLayer(p: PacketView, proto: number, off: number, end: number): LayerId {
  if (p.fragOffset !== 0) return ipPayloadOnly(p, off, end);
  p.nextOff = off;
  p.nextEnd = end;
  switch (proto) {
    case IpProto.TCP:
      return Layer.TCP;
    case IpProto.UDP:
      return Layer.UDP;
    case IpProto.ICMP:
      return Layer.ICMP;
    case IpProto.ICMPV6:
      return Layer.ICMPV6;
    case IpProto.GRE:
      if (p.isFragment) {
        p.addEvent(Ev.TUNNEL_FRAGMENTED);
        return ipPayloadOnly(p, off, end);
      }
      return Layer.GRE;
    case IpProto.IPIP:
    case IpProto.IPV6:
      if (p.isFragment) {
        p.addEvent(Ev.TUNNEL_FRAGMENTED);
        return ipPayloadOnly(p, off, end);
      }
      // The inner IP header is the tunnel "header"; it has no bytes of its own.
      if (!enterTunnel(p, TunnelKind.IPIP, 0, off, 0, 0, 0)) return ipPayloadOnly(p, off, end);
      return proto === IpProto.IPIP ? Layer.IPV4 : Layer.IPV6;
    default:
      return ipPayloadOnly(p, off, end);
  }
}
