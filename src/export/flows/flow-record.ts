// A finished flow as it leaves the data path: for `fleetgate flows`, golden tests and (later) exporters.

export interface FlowRecord {
  proto: string;
  ipVersion: number;
  aAddr: string;
  aPort: number;
  bAddr: string;
  bPort: number;
  pktsAB: number;
  pktsBA: number;
  bytesAB: number;
  bytesBA: number;
  firstUs: number;
  lastUs: number;
  /** Application label: the protocol, then `.<application>` when the catalog knows it (e.g. TLS.aws-iot). */
  app: string;
  appMethod: string;
  /** Catalog category of the application, when known. */
  category?: string;
  /** Device IP (or IMSI when registered) and which side it is on; absent when no device. */
  device?: { ip: string; imsi?: string; side: 'a' | 'b' };
  endReason: string;
}

const L4_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP', 58: 'ICMPV6', 47: 'GRE', 50: 'ESP', 132: 'SCTP' };

export function l4Name(proto: number): string {
  return L4_NAMES[proto] ?? `IP${proto}`;
}

function endpoint(addr: string, port: number, ipVersion: number): string {
  return ipVersion === 6 ? `[${addr}]:${port}` : `${addr}:${port}`;
}

/** One stable line: 5-tuple, packets/bytes each way, device, then the application and how it was decided. */
export function formatFlowLine(r: FlowRecord): string {
  const arrow = r.pktsBA > 0 ? '<->' : '->';
  const dev = r.device ? `device ${r.device.imsi ?? r.device.ip}` : 'device -';
  return (
    `${r.proto} ${endpoint(r.aAddr, r.aPort, r.ipVersion)} ${arrow} ${endpoint(r.bAddr, r.bPort, r.ipVersion)}` +
    ` pkts ${r.pktsAB}/${r.pktsBA} bytes ${r.bytesAB}/${r.bytesBA} ${dev} app ${r.app}/${r.appMethod}`
  );
}
