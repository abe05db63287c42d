// The mirroring peers of one gateway. mirror() is called once per forwarded packet (after the policy
// verdict): it locates the frame to copy once, evaluates every enabled peer's filter and queues a copy
// for each peer that accepts it (every peer gets its own copy, as in Junction; AWS instead mirrors a
// packet to the first matching session only). drain() is called after each batch.
import type { PacketView } from '../../core/packet-view.js';
import { parseMirroringConfig, type MirroringConfig } from './config.js';
import { MirrorMatchContext } from './filter.js';
import { InnerFrame, locateInnerFrame } from './inner-frame.js';
import { MirrorPeer } from './mirror-peer.js';

/** What the caller knows about a packet beyond its bytes (reuse one object; it is not retained). */
export interface MirrorMeta {
  /** Device → network. */
  uplink: boolean;
  /** The device's group, if any. */
  group: string | undefined;
  /** The flow's application label ("Unknown" until classified). */
  app: string;
}

export interface MirrorPeerStats {
  address: string;
  protocol: 'gre' | 'vxlan';
  enabled: boolean;
  connected: boolean;
  transportError: string | null;
  /** Copies go as UDP GSO messages (vxlan, native backend; `segmentation` true, or auto behind a NIC). */
  segmented: boolean;
  queued: number;
  sent: number;
  dropped: number;
  truncated: number;
  bytes: number;
  filtered: number;
  errors: number;
}

export class MirrorSet {
  readonly peers: readonly MirrorPeer[];
  private readonly ctx = new MirrorMatchContext();
  private readonly frame = new InnerFrame();
  /** True when at least one peer is enabled (lets the caller skip mirror() entirely). */
  readonly active: boolean;

  constructor(readonly cfg: MirroringConfig) {
    this.peers = cfg.peers.map((p, i) => new MirrorPeer(p, cfg.queue, i));
    this.active = this.peers.some((p) => p.enabled);
  }

  /** Validates a raw `gateway.junction.mirroring` value and builds the set (throws ConfigProblems). */
  static fromConfig(raw: unknown, path?: string): MirrorSet {
    return new MirrorSet(parseMirroringConfig(raw, path));
  }

  /** Offers packet p to every enabled peer; returns how many copies were queued. Allocation-free. */
  mirror(p: PacketView, meta: MirrorMeta): number {
    if (!this.active || !locateInnerFrame(p, this.frame)) return 0;
    const ctx = this.ctx.fromPacket(p, meta.uplink, meta.group, meta.app);
    let queued = 0;
    const peers = this.peers;
    for (let i = 0; i < peers.length; i++) {
      const peer = peers[i];
      if (peer.enabled && peer.offer(this.frame, ctx)) queued++;
    }
    return queued;
  }

  /** Drains every peer's queue (up to maxPerPeer copies each); returns copies accepted by transports. */
  drain(maxPerPeer?: number): number {
    let sent = 0;
    for (const peer of this.peers) sent += peer.drain(maxPerPeer);
    return sent;
  }

  /** Counters per peer, for the API and metrics (allocates: call it off the data path). */
  stats(): MirrorPeerStats[] {
    return this.peers.map((p) => ({
      address: p.cfg.address,
      protocol: p.cfg.protocol,
      enabled: p.cfg.enabled,
      connected: p.transport !== null,
      transportError: p.transportError,
      segmented: p.transport?.segmented === true,
      queued: p.queue.count,
      ...p.counters,
    }));
  }
}
