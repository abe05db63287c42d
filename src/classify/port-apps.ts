// Application names from well-known ports, until DPI decides better. Names use nDPI's protocol
// spelling so results compare with ndpiReader. The table is data; lookups are one typed-array read.
import { IpProto } from '../core/layers.js';

interface PortAppEntry {
  name: string;
  tcp?: readonly number[];
  udp?: readonly number[];
}

/** Id 0 is Unknown; ids 1 and 2 are decided by IP protocol; then one id per table entry. */
const PORT_TABLE: readonly PortAppEntry[] = [
  { name: 'DNS', tcp: [53], udp: [53] },
  { name: 'HTTP', tcp: [80, 8080, 8000, 8008] },
  { name: 'TLS', tcp: [443, 8443] },
  { name: 'QUIC', udp: [443] },
  { name: 'MQTT', tcp: [1883, 8883] },
  { name: 'COAP', udp: [5683, 5684] },
  { name: 'AMQP', tcp: [5672] },
  { name: 'STOMP', tcp: [61613] },
  { name: 'Nats', tcp: [4222] },
  { name: 'Kafka', tcp: [9092] },
  { name: 'NTP', udp: [123] },
  { name: 'SSH', tcp: [22] },
  { name: 'Telnet', tcp: [23] },
  { name: 'FTP_CONTROL', tcp: [21] },
  { name: 'FTP_DATA', tcp: [20] },
  { name: 'TFTP', udp: [69] },
  { name: 'DHCP', udp: [67, 68] },
  { name: 'DHCPV6', udp: [546, 547] },
  { name: 'SNMP', udp: [161, 162] },
  { name: 'Syslog', udp: [514], tcp: [601] },
  { name: 'MDNS', udp: [5353] },
  { name: 'LLMNR', udp: [5355] },
  { name: 'SSDP', udp: [1900] },
  { name: 'NetBIOS', udp: [137, 138], tcp: [139] },
  { name: 'SMBv23', tcp: [445] },
  { name: 'DoH_DoT', tcp: [853] },
  { name: 'STUN', udp: [3478], tcp: [3478] },
  { name: 'SIP', udp: [5060, 5061], tcp: [5060, 5061] },
  { name: 'RTSP', tcp: [554, 8554] },
  { name: 'RTMP', tcp: [1935] },
  { name: 'SMTP', tcp: [25] },
  { name: 'SMTPS', tcp: [465, 587] },
  { name: 'POP3', tcp: [110] },
  { name: 'POPS', tcp: [995] },
  { name: 'IMAP', tcp: [143] },
  { name: 'IMAPS', tcp: [993] },
  { name: 'LDAP', tcp: [389], udp: [389] },
  { name: 'Kerberos', tcp: [88], udp: [88] },
  { name: 'Radius', udp: [1812, 1813] },
  { name: 'RDP', tcp: [3389] },
  { name: 'VNC', tcp: [5900] },
  { name: 'TeamViewer', tcp: [5938], udp: [5938] },
  { name: 'MySQL', tcp: [3306] },
  { name: 'PostgreSQL', tcp: [5432] },
  { name: 'MsSQL-TDS', tcp: [1433] },
  { name: 'Oracle', tcp: [1521] },
  { name: 'MongoDB', tcp: [27017] },
  { name: 'RESP', tcp: [6379] },
  { name: 'Memcached', tcp: [11211] },
  { name: 'Elasticsearch', tcp: [9200] },
  { name: 'Modbus', tcp: [502] },
  { name: 'DNP3', tcp: [20000] },
  { name: 'IEC60870', tcp: [2404] },
  { name: 'BACnet', udp: [47808] },
  { name: 'S7Comm', tcp: [102] },
  { name: 'OPC-UA', tcp: [4840] },
  { name: 'EthernetIP', tcp: [44818], udp: [44818] },
  { name: 'KNXnet_IP', udp: [3671] },
  { name: 'HART-IP', tcp: [5094], udp: [5094] },
  { name: 'OpenVPN', udp: [1194], tcp: [1194] },
  { name: 'WireGuard', udp: [51820] },
  { name: 'IPSec', udp: [500, 4500] },
  { name: 'L2TP', udp: [1701] },
  { name: 'PPTP', tcp: [1723] },
  { name: 'NAT-PMP', udp: [5351] },
  { name: 'Teredo', udp: [3544] },
  { name: 'BGP', tcp: [179] },
  { name: 'Whois-DAS', tcp: [43] },
  { name: 'SOCKS', tcp: [1080] },
  { name: 'HTTP_Proxy', tcp: [3128] },
  { name: 'Git', tcp: [9418] },
  { name: 'RSYNC', tcp: [873] },
  { name: 'NFS', tcp: [2049], udp: [2049] },
  { name: 'NetFlow', udp: [2055] },
  { name: 'sFlow', udp: [6343] },
];

/** Apps decided by the IP protocol alone (no ports). */
const PROTO_TABLE: readonly { name: string; proto: number }[] = [
  { name: 'ICMP', proto: IpProto.ICMP },
  { name: 'ICMPV6', proto: IpProto.ICMPV6 },
  { name: 'IGMP', proto: 2 },
  { name: 'GRE', proto: IpProto.GRE },
  { name: 'IPSec', proto: IpProto.ESP },
  { name: 'SCTP', proto: IpProto.SCTP },
  { name: 'OSPF', proto: 89 },
  { name: 'VRRP', proto: 112 },
];

export const APP_UNKNOWN = 0;

/** All app names; an app id is an index into this list. Names are unique (IPSec appears once). */
export const APP_NAMES: readonly string[] = buildNames();

const APP_ID = new Map<string, number>(APP_NAMES.map((n, i) => [n, i]));
/** port -> app id, one table per L4 protocol (0 = no app). */
const TCP_PORTS = new Uint16Array(65536);
const UDP_PORTS = new Uint16Array(65536);
/** IP protocol number -> app id for portless protocols. */
const BY_PROTO = new Uint16Array(256);

for (const e of PORT_TABLE) {
  const id = APP_ID.get(e.name) as number;
  for (const p of e.tcp ?? []) TCP_PORTS[p] = id;
  for (const p of e.udp ?? []) UDP_PORTS[p] = id;
}
for (const e of PROTO_TABLE) BY_PROTO[e.proto] = APP_ID.get(e.name) as number;

function buildNames(): string[] {
  const names = ['Unknown'];
  for (const e of [...PROTO_TABLE, ...PORT_TABLE]) if (!names.includes(e.name)) names.push(e.name);
  return names;
}

/**
 * App id of a flow from its IP protocol and ports (portA = the first sender's port). When both ports
 * are known, the lower one wins (servers listen on low, well-known ports; clients use ephemeral
 * ones); on a tie, portB (the side the flow was opened towards). Allocates nothing.
 */
export function portApp(proto: number, portA: number, portB: number): number {
  let table: Uint16Array;
  if (proto === IpProto.TCP) table = TCP_PORTS;
  else if (proto === IpProto.UDP) table = UDP_PORTS;
  else return BY_PROTO[proto & 0xff];
  const a = table[portA & 0xffff];
  const b = table[portB & 0xffff];
  if (a === 0) return b;
  if (b === 0) return a;
  return portA < portB ? a : b;
}

/** Name of an app id ('Unknown' for 0 and for ids out of range). */
export function appName(id: number): string {
  return APP_NAMES[id] ?? 'Unknown';
}

/** App id of a name (exact nDPI spelling), or 0. */
export function appId(name: string): number {
  return APP_ID.get(name) ?? APP_UNKNOWN;
}
