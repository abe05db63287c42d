// The registry of decoder events. A decoder that meets bytes it cannot decode records one of these ids
// on the packet (`p.addEvent(Ev.IPV4_TRUNCATED)`) and stops; rules and detectors can match the names.
//
// Naming is derived, not written twice: key `<LAYER>_<PROBLEM>` is event `decoder.<layer>.<problem>`
// (layer = the key up to its first underscore, lower-cased). Ids start at 1 and are contiguous;
// new events go at the end so ids stay stable.

export const Ev = {
  LINK_UNSUPPORTED: 1,
  FRAME_TOO_MANY_LAYERS: 2,

  ETHERNET_TRUNCATED: 3,
  ETHERNET_LLC_UNSUPPORTED: 4,
  VLAN_TRUNCATED: 5,
  VLAN_TOO_MANY: 6,
  SLL_TRUNCATED: 7,
  SLL_LLC_UNSUPPORTED: 8,
  SLL2_TRUNCATED: 9,
  NULL_TRUNCATED: 10,
  NULL_UNKNOWN_FAMILY: 11,
  RAW_TRUNCATED: 12,
  RAW_BAD_VERSION: 13,

  IPV4_TRUNCATED: 14,
  IPV4_BAD_VERSION: 15,
  IPV4_HLEN_TOO_SMALL: 16,
  IPV4_LEN_TOO_SMALL: 17,
  IPV4_TRUNC_PKT: 18,
  IPV6_TRUNCATED: 19,
  IPV6_BAD_VERSION: 20,
  IPV6_TRUNC_PKT: 21,
  IPV6_EXT_TRUNCATED: 22,
  IPV6_EXT_TOO_MANY: 23,

  TCP_TRUNCATED: 24,
  TCP_HLEN_TOO_SMALL: 25,
  UDP_TRUNCATED: 26,
  UDP_LEN_INVALID: 27,
  ICMP_TRUNCATED: 28,
  ICMPV6_TRUNCATED: 29,

  VXLAN_TRUNCATED: 30,
  VXLAN_BAD_FLAGS: 31,
  GENEVE_TRUNCATED: 32,
  GENEVE_BAD_VERSION: 33,
  GENEVE_UNKNOWN_PROTO: 34,
  GRE_TRUNCATED: 35,
  GRE_BAD_VERSION: 36,
  GRE_PPTP_UNSUPPORTED: 37,
  GRE_ROUTING_UNSUPPORTED: 38,
  GTPU_TRUNCATED: 39,
  GTPU_BAD_VERSION: 40,
  GTPU_LEN_INVALID: 41,
  GTPU_EXT_TRUNCATED: 42,
  GTPU_EXT_TOO_MANY: 43,
  GTPU_BAD_INNER: 44,
  TUNNEL_TOO_DEEP: 45,
  TUNNEL_FRAGMENTED: 46,
  PPPOE_TRUNCATED: 47,
  PPPOE_UNSUPPORTED: 48,
} as const;
export type EventId = (typeof Ev)[keyof typeof Ev];

function buildNames(): string[] {
  const names: string[] = [''];
  for (const [key, id] of Object.entries(Ev)) {
    const cut = key.indexOf('_');
    if (cut <= 0) throw new Error(`event key ${key} must be <LAYER>_<PROBLEM>`);
    if (names[id] !== undefined) throw new Error(`duplicate event id ${id} (${key})`);
    names[id] = `decoder.${key.slice(0, cut).toLowerCase()}.${key.slice(cut + 1).toLowerCase()}`;
  }
  for (let i = 1; i < names.length; i++) if (names[i] === undefined) throw new Error(`event ids must be contiguous: ${i} is missing`);
  return names;
}

/** Event names by id; index 0 is the empty string (no event). */
export const EVENT_NAMES: readonly string[] = buildNames();

const ID_BY_NAME = new Map<string, number>(EVENT_NAMES.map((n, i) => [n, i]));

/** Name of event `id`, or `decoder.unknown.<id>` for an id outside the registry. */
export function eventName(id: number): string {
  return id > 0 && id < EVENT_NAMES.length ? EVENT_NAMES[id] : `decoder.unknown.${id}`;
}

/** Id of an event name (for rules that match events), or 0 when the name is not registered. */
export function eventId(name: string): number {
  return ID_BY_NAME.get(name) ?? 0;
}
