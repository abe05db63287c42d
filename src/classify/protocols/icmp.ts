// ICMP (RFC 792 and successors) and ICMPv6 (RFC 4443, 4861, …) have no payload to dissect: the
// flow's application is named by its message type. Unassigned types get "type-<n>".

const ICMP4: Readonly<Record<number, string>> = {
  0: 'echo-reply',
  3: 'dest-unreachable',
  4: 'source-quench',
  5: 'redirect',
  8: 'echo-request',
  9: 'router-advertisement',
  10: 'router-solicitation',
  11: 'time-exceeded',
  12: 'parameter-problem',
  13: 'timestamp-request',
  14: 'timestamp-reply',
  15: 'information-request',
  16: 'information-reply',
  17: 'address-mask-request',
  18: 'address-mask-reply',
  30: 'traceroute',
  40: 'photuris',
  42: 'extended-echo-request',
  43: 'extended-echo-reply',
};

const ICMP6: Readonly<Record<number, string>> = {
  1: 'dest-unreachable',
  2: 'packet-too-big',
  3: 'time-exceeded',
  4: 'parameter-problem',
  128: 'echo-request',
  129: 'echo-reply',
  130: 'mld-query',
  131: 'mld-report',
  132: 'mld-done',
  133: 'router-solicitation',
  134: 'router-advertisement',
  135: 'neighbor-solicitation',
  136: 'neighbor-advertisement',
  137: 'redirect',
  138: 'router-renumbering',
  139: 'node-information-query',
  140: 'node-information-response',
  141: 'inverse-nd-solicitation',
  142: 'inverse-nd-advertisement',
  143: 'mldv2-report',
  144: 'home-agent-discovery-request',
  145: 'home-agent-discovery-reply',
  146: 'mobile-prefix-solicitation',
  147: 'mobile-prefix-advertisement',
  148: 'certification-path-solicitation',
  149: 'certification-path-advertisement',
  151: 'multicast-router-advertisement',
  152: 'multicast-router-solicitation',
  153: 'multicast-router-termination',
  155: 'rpl-control',
  160: 'extended-echo-request',
  161: 'extended-echo-reply',
};

/** Name of an ICMP (ipVersion 4) or ICMPv6 (ipVersion 6) message type, e.g. "echo-request". */
export function icmpTypeName(ipVersion: number, type: number): string {
  const table = ipVersion === 6 ? ICMP6 : ICMP4;
  return table[type] ?? `type-${type}`;
}
