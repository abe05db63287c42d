// Header writers for building and encapsulating packets (mirroring, redirection, the simulator, tests).
export * from './checksum.js';
export * from './ethernet.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './tcp.js';
export * from './udp.js';
export * from './icmp.js';
export * from './gre.js';
export * from './vxlan.js';
export * from './geneve.js';
export * from './gtpu.js';
export * from './compose.js';
