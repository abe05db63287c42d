// EtherType → next layer, shared by every decoder that ends in an EtherType (Ethernet, VLAN, SLL, GRE, GENEVE).
import { Layer, type LayerId } from '../core/layers.js';

export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  VLAN: 0x8100,
  QINQ: 0x88a8,
  QINQ_OLD: 0x9100,
  /** Transparent Ethernet bridging: an Ethernet frame follows (GRE, GENEVE). */
  TEB: 0x6558,
  /** PPPoE session stage (RFC 2516). */
  PPPOE_SESSION: 0x8864,
} as const;

/** Values up to 1500 in the type position are an IEEE 802.3 length, not an EtherType. */
export const MAX_8023_LENGTH = 1500;

/** Next layer for an EtherType; `Layer.NONE` for types we do not decode (ARP, LLDP, ...). */
export function etherTypeLayer(t: number): LayerId {
  switch (t) {
    case EtherType.IPV4:
      return Layer.IPV4;
    case EtherType.IPV6:
      return Layer.IPV6;
    case EtherType.VLAN:
    case EtherType.QINQ:
    case EtherType.QINQ_OLD:
      return Layer.VLAN;
    case EtherType.PPPOE_SESSION:
      return Layer.PPPOE;
    default:
      return Layer.NONE;
  }
}
