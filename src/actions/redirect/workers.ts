// Redirection with several live workers (`fleetgate gateway --workers N`). Each worker runs its own
// Redirector on one shared return port (SO_REUSEPORT, steered by the inner-address hash, so a packet
// the peer returns reaches the worker that owns its flow). A health probe is an ICMP echo between the
// redirection's localAddress and the peer's innerAddress: its answers are steered like any flow, to
// the ONE worker flowHash(localAddress, innerAddress) % N. Only that worker probes the peer; it relays
// the peer's health (and the peer MAC it learned) to the others through the main thread, and their
// Redirectors follow it (active peer, failover, failback) without probing.
import { parseIPv4 } from '../../core/ip.js';
import { flowWorkerOfIpv4 } from '../../io/native/flow-hash.js';
import type { PeerConfig, RedirectionConfig } from './config.js';
import type { PeerStateName } from './peer-health.js';

/** This worker's place among the live workers. */
export interface RedirectWorkers {
  index: number;
  count: number;
}

/**
 * The worker that probes a peer (its probe answers come back to it), or -1 when the peer is not probed
 * (no innerAddress or no localAddress): then every worker sees it healthy ('unprobed').
 */
export function probeOwner(localAddress: string | undefined, peerInnerAddress: string | undefined, workers: number): number {
  if (localAddress === undefined || peerInnerAddress === undefined) return -1;
  const a = parseIPv4(localAddress);
  const b = parseIPv4(peerInnerAddress);
  if (a < 0 || b < 0) return -1;
  return flowWorkerOfIpv4(a, b, workers);
}

/** A peer's health as its probing worker sees it, relayed to the other workers (plain data). */
export interface RelayedPeerHealth {
  /** Peer index: 0 primary, 1 standby. */
  peer: number;
  /** Which peer config this is about (peerKey): a relay from before a reload is ignored. */
  key: string;
  healthy: boolean;
  state: PeerStateName;
  lastChange: number;
  /** The peer's tunnel MAC when the prober knows it (learned from probe replies or ARP), else null. */
  mac: string | null;
}

/** Identifies a peer's config and the probe endpoints (two workers compare it before following a relay). */
export function peerKey(cfg: RedirectionConfig, peer: PeerConfig): string {
  return `${peer.protocol} ${peer.address}:${peer.port} vni ${peer.vni} inner ${peer.innerAddress ?? '-'} local ${cfg.localAddress ?? '-'} probe ${cfg.probe.intervalMs}x${cfg.probe.threshold}`;
}

/**
 * The steering program for the workers' shared return socket: the peers' protocol, or 'vxlan+geneve'
 * when the primary and the standby speak different ones (the program tells them apart per datagram).
 */
export function returnSteerKind(cfg: RedirectionConfig): 'vxlan' | 'geneve' | 'vxlan+geneve' {
  const p = cfg.primary.protocol;
  return cfg.standby && cfg.standby.protocol !== p ? 'vxlan+geneve' : p;
}
