// Layer identifiers used by the decoder dispatch: a decoder returns the id of the next layer to decode.
export const Layer = {
  NONE: 0,
  ETHERNET: 1,
  VLAN: 2,
  SLL: 3,
  SLL2: 4,
  NULL: 5,
  RAW_IP: 6,
  IPV4: 7,
  IPV6: 8,
  TCP: 9,
  UDP: 10,
  ICMP: 11,
  ICMPV6: 12,
  GRE: 13,
  VXLAN: 14,
  GENEVE: 15,
  GTPU: 16,
  PPPOE: 17,
} as const;
export type LayerId = (typeof Layer)[keyof typeof Layer];
export const LAYER_COUNT = 18;

/** pcap LINKTYPE_* values we decode (https://www.tcpdump.org/linktypes.html). */
export const LinkType = {
  NULL: 0,
  ETHERNET: 1,
  RAW: 101,
  LINUX_SLL: 113,
  LOOP: 108,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** Tunnel kinds recorded on a packet's tunnel stack. */
export const TunnelKind = { NONE: 0, VXLAN: 1, GENEVE: 2, GRE: 3, GTPU: 4, IPIP: 5 } as const;
export type TunnelKindId = (typeof TunnelKind)[keyof typeof TunnelKind];

/** IP protocol numbers used across the code. */
export const IpProto = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, GRE: 47, ESP: 50, ICMPV6: 58, SCTP: 132 } as const;
