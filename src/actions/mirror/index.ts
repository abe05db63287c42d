// Mirroring: copies of selected packets to any number of peers over GRE (RFC 2784/2890, 0x6558) or
// VXLAN (RFC 7348, AWS Traffic Mirroring compatible), with filters, truncation and bounded queues.
export * from './config.js';
export * from './filter.js';
export * from './encap.js';
export * from './inner-frame.js';
export * from './mirror-queue.js';
export * from './mirror-peer.js';
export * from './mirror-set.js';
export * from './udp-vxlan-transport.js';
export * from './gre-transport.js';
export * from './connect.js';
