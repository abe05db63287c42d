// Redirection: steer selected traffic through a gateway peer (VXLAN or GENEVE) with a standby.
export * from './config.js';
export * from './selector.js';
export * from './encap.js';
export * from './peer-health.js';
export * from './probe.js';
export * from './send-queue.js';
export * from './redirector.js';
export * from './udp-tunnel-transport.js';
