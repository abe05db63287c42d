// Ports: where frames enter and leave the gateway (DESIGN.md §4, §6).
export * from './port.js';
export * from './tunnel-kind.js';
export { UdpTunnelPort, OUTER_LEN, type UdpTunnelPortOptions } from './udp-tunnel-port.js';
export { TunPort, type TunPortOptions } from './tun-port.js';
export { PcapFilePort, type PcapFilePortOptions, type PcapPace } from './pcap-file-port.js';
