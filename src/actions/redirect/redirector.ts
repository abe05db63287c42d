// The Redirector: steers selected flows through a gateway peer (primary, optional standby).
//
// - select(): the compiled selector, asked once per flow by the caller (policy caches the verdict).
// - Pinning: each flow index maps to the peer it uses (Uint8Array sized to the flow table capacity).
//   A new flow is pinned to active(): the primary when healthy, else the standby when healthy, else the primary.
// - Failover: a flow pinned to a peer that is down moves to the active peer at its next packet, so
//   nothing more goes into a dead peer once the switch happened (lazy re-pin: O(1), no table scan).
// - Failback ('new-flows', the default, as AWS GWLB does): when the primary recovers, new flows use it
//   and flows already on the standby stay there while the standby is healthy, because a stateful
//   appliance (NAT, firewall, TCP proxy or cache) breaks connections moved mid-stream. 'all-flows'
//   moves every flow back at its next packet.
// - Probes, ARP replies and IPv6 neighbour advertisements (the appliance resolving its next hop back)
//   go through the same per-peer send queue as data; the transport drains it.
// - Several workers (opts.workers): a peer is probed only by its owner worker (workers.ts), which reports
//   health changes through onPeerChange; the other workers' Redirectors follow them (followPeer).
// redirect() allocates nothing.
import type { PacketView } from '../../core/packet-view.js';
import { parseIPv4 } from '../../core/ip.js';
import type { PeerConfig, RedirectionConfig } from './config.js';
import { ARP_REPLY_LEN, isArpRequestFor, writeArpReply } from './arp-reply.js';
import { NA_FRAME_LEN, isAnswerableNeighborSolicitation, writeNeighborAdvertisement } from './nd-reply.js';
import { DecapResult, GATEWAY_TUNNEL_MAC, TunnelEncap, decapReturned } from './encap.js';
import { PeerHealth, type PeerStateName } from './peer-health.js';
import { buildProbePacket, probeReplySeq } from './probe.js';
import { CompiledSelector, type SelectContext } from './selector.js';
import { SendQueue } from './send-queue.js';
import { peerKey, probeOwner, type RedirectWorkers, type RelayedPeerHealth } from './workers.js';

export const PeerRole = { PRIMARY: 0, STANDBY: 1 } as const;
/** Pin value of a flow not (yet) redirected. */
export const UNPINNED = 0xff;

export type ReturnedKind = 'data' | 'probe' | 'arp' | 'nd' | 'invalid';

/** Receives a packet returned by a peer, to continue to its destination: an Ethernet frame or a bare IP packet. */
export type ReturnedHandler = (buf: Uint8Array, off: number, len: number, ethernet: boolean, peer: number) => void;

export interface RedirectorOptions {
  /** The flow table capacity: flow indexes are below it. */
  flowCapacity: number;
  /** Clock in milliseconds (default performance.now). Health and status use it. */
  now?: () => number;
  onReturned?: ReturnedHandler;
  /** After each batch of returned datagrams (returnedBatchDone): the caller sends what onReturned queued. */
  onReturnedBatch?: () => void;
  /** Per-peer send queue size (default 1 MiB, 1024 datagrams). */
  queueBytes?: number;
  queueDatagrams?: number;
  /** ICMP identifier of the primary's probes (the standby uses the next one); default random. */
  probeId?: number;
  /** One of several live workers: each peer is probed by its owner worker only (workers.ts). */
  workers?: RedirectWorkers;
  /**
   * A peer probed here changed health or had its MAC learned (several workers: relay peerRelay(peer) to
   * the others). Called off the data path (probe replies, health ticks, ARP).
   */
  onPeerChange?: (peer: number) => void;
}

export interface PeerCounters {
  packets: number;
  /** IP bytes of the redirected packets (tunnel and Ethernet headers not counted). */
  bytes: number;
  probesSent: number;
  probesLost: number;
  /** Times this peer became the one new flows use. */
  switches: number;
  /** Flows moved onto this peer from the other one. */
  repinned: number;
  /** Packets not sent because the send queue was full. */
  queueDrops: number;
  /** Packets the peer returned (data only, probes and ARP excluded) and their bytes (inner frame). */
  returnedPackets: number;
  returnedBytes: number;
  /** Datagrams the transport failed to send. */
  sendErrors: number;
}

export interface PeerStatus extends PeerCounters {
  role: 'primary' | 'standby';
  address: string;
  port: number;
  protocol: string;
  vni: number;
  healthy: boolean;
  state: PeerStateName;
  lastChange: number;
  rttMs: number;
  misses: number;
  /** The peer's tunnel MAC when known (configured or learned), else null. */
  innerMac: string | null;
  /** Several workers: the worker that probes this peer (-1: not probed); absent with one worker. */
  prober?: number;
}

export interface RedirectionStatus {
  enabled: boolean;
  active: 'primary' | 'standby';
  /** Returned datagrams that were not valid VXLAN/GENEVE. */
  returnedInvalid: number;
  peers: PeerStatus[];
}

/** One peer at run time: its config, encapsulation, health, queue and counters. */
export class PeerRuntime {
  readonly encap: TunnelEncap;
  readonly health: PeerHealth;
  readonly queue: SendQueue;
  readonly probeId: number;
  /** Inner address as u32, or -1 when the peer is not probed (here: with several workers, by any worker). */
  readonly innerAddr: number;
  /** Several workers: the worker that probes this peer (-1: none); undefined with one worker. */
  readonly prober: number | undefined;
  /** Identifies the peer's config in health relays between workers. */
  readonly key: string;
  readonly counters: PeerCounters = {
    packets: 0, bytes: 0, probesSent: 0, probesLost: 0, switches: 0, repinned: 0, queueDrops: 0,
    returnedPackets: 0, returnedBytes: 0, sendErrors: 0,
  };

  constructor(
    readonly index: number,
    readonly cfg: PeerConfig,
    rcfg: RedirectionConfig,
    opts: RedirectorOptions,
    probeId: number,
    now: number,
  ) {
    this.encap = new TunnelEncap(cfg);
    this.queue = new SendQueue(opts.queueBytes, opts.queueDatagrams);
    this.probeId = probeId;
    this.key = peerKey(rcfg, cfg);
    const probable = cfg.innerAddress !== undefined && rcfg.localAddress !== undefined;
    const w = opts.workers;
    this.prober = w ? probeOwner(rcfg.localAddress, cfg.innerAddress, w.count) : undefined;
    // with several workers only the owner probes (the answers reach it alone); the others follow it
    const probed = probable && (w === undefined || this.prober === w.index);
    this.innerAddr = probed ? parseIPv4(cfg.innerAddress as string) : -1;
    const local = rcfg.localAddress as string;
    const inner = cfg.innerAddress as string;
    this.health = new PeerHealth(rcfg.probe, probed ? (seq) => this.queueProbe(local, inner, seq) : null, now, probable && !probed);
  }

  private queueProbe(local: string, inner: string, seq: number): void {
    const ip = buildProbePacket(local, inner, this.probeId, seq);
    const q = this.queue;
    const o = q.reserve(this.encap.encapLen(ip.length));
    if (o < 0) return; // counted in q.drops; the probe is lost and will be accounted as such
    const n = this.encap.encapIp(q.buf, o, ip, 0, ip.length, 4, 0);
    if (n > 0) q.commit(n);
  }
}

export class Redirector {
  readonly peers: PeerRuntime[];
  /** flow index → peer index, or UNPINNED. */
  readonly pins: Uint8Array;
  readonly selector: CompiledSelector;
  returnedInvalid = 0;
  private activeIdx = 0;
  private readonly now: () => number;
  private readonly onReturned: ReturnedHandler | undefined;
  private readonly onReturnedBatch: (() => void) | undefined;
  private readonly allFlowsBack: boolean;
  private readonly localAddr: number;
  private readonly decap = new DecapResult();
  private readonly onPeerChange: ((peer: number) => void) | undefined;

  constructor(
    readonly cfg: RedirectionConfig,
    opts: RedirectorOptions,
  ) {
    this.now = opts.now ?? (() => performance.now());
    this.onReturned = opts.onReturned;
    this.onReturnedBatch = opts.onReturnedBatch;
    this.onPeerChange = opts.onPeerChange;
    this.allFlowsBack = cfg.failback === 'all-flows';
    this.localAddr = cfg.localAddress === undefined ? -1 : parseIPv4(cfg.localAddress);
    this.selector = new CompiledSelector(cfg.selector);
    this.pins = new Uint8Array(opts.flowCapacity).fill(UNPINNED);
    const id = (opts.probeId ?? 1 + Math.floor(Math.random() * 0xfff0)) & 0xffff;
    const t = this.now();
    this.peers = [new PeerRuntime(0, cfg.primary, cfg, opts, id, t)];
    if (cfg.standby) this.peers.push(new PeerRuntime(1, cfg.standby, cfg, opts, (id + 1) & 0xffff, t));
  }

  /** Whether a flow is redirected (ask once per flow; false for every flow when disabled). */
  select(ctx: SelectContext): boolean {
    return this.cfg.enabled && this.selector.select(ctx);
  }

  /** The peer new flows use: primary if healthy, else standby if healthy, else primary. */
  active(): number {
    return this.activeIdx;
  }

  /**
   * Encapsulates the packet's innermost IP packet into the send queue of the flow's peer (pinning the
   * flow first if needed). Returns false when the packet has no IP layer or the queue is full.
   */
  redirect(p: PacketView, flowIdx: number): boolean {
    if (p.ipVersion === 0 || p.l3Off < 0) return false;
    const act = this.activeIdx;
    let pin = flowIdx >= 0 && flowIdx < this.pins.length ? this.pins[flowIdx] : UNPINNED;
    if (pin === UNPINNED || pin >= this.peers.length || (p.flowIsNew && p.flowIdx === flowIdx)) {
      pin = act;
    } else if (pin !== act && (this.allFlowsBack || !this.peers[pin].health.healthy)) {
      pin = act;
      this.peers[act].counters.repinned++;
    }
    if (flowIdx >= 0 && flowIdx < this.pins.length) this.pins[flowIdx] = pin;
    const peer = this.peers[pin];
    const q = peer.queue;
    const o = q.reserve(peer.encap.encapLen(p.frameEnd - p.l3Off));
    if (o < 0) {
      peer.counters.queueDrops++;
      return false;
    }
    const n = peer.encap.encapPacket(q.buf, o, p, flowIdx);
    if (n < 0) return false;
    q.commit(n);
    peer.counters.packets++;
    peer.counters.bytes += n - peer.encap.encapLen(0);
    return true;
  }

  /** The flow ended (its index may be reused): forget its pin. */
  forget(flowIdx: number): void {
    if (flowIdx >= 0 && flowIdx < this.pins.length) this.pins[flowIdx] = UNPINNED;
  }

  /** Drives probes and health. Call at nextWakeMs() (the transport does) or more often. */
  tick(now: number = this.now()): void {
    let changed = false;
    for (const peer of this.peers) {
      if (peer.health.tick(now)) {
        changed = true;
        this.onPeerChange?.(peer.index);
      }
    }
    if (changed) this.updateActive();
  }

  /** Clock time of the next tick() that has work. */
  nextWakeMs(): number {
    let t = Infinity;
    for (const peer of this.peers) t = Math.min(t, peer.health.nextWakeMs());
    return t;
  }

  clock(): number {
    return this.now();
  }

  /** The transport handed over a batch of returned datagrams (handleReturned each): onReturnedBatch. */
  returnedBatchDone(): void {
    this.onReturnedBatch?.();
  }

  /**
   * A datagram (UDP payload) arrived from a peer: `fromPeer` is the peer index when the transport knows
   * it from the source address, else -1. Probe replies feed health, ARP requests for the gateway's
   * tunnel address and IPv6 neighbour solicitations (any next hop) are answered, other packets go to
   * onReturned to continue to their destination.
   */
  handleReturned(buf: Uint8Array, off: number, len: number, fromPeer = -1): ReturnedKind {
    const r = this.decap;
    if (!decapReturned(buf, off, len, r)) {
      this.returnedInvalid++;
      return 'invalid';
    }
    if (r.ethernet && this.localAddr >= 0 && isArpRequestFor(buf, r.innerOff, r.innerLen, this.localAddr)) {
      this.answerArp(buf, r.innerOff, fromPeer);
      return 'arp';
    }
    // an appliance routing IPv6 back asks for its next hop through the tunnel: every such next hop is us
    if (r.ethernet && isAnswerableNeighborSolicitation(buf, r.innerOff, r.innerLen)) {
      this.answerNd(buf, r.innerOff, fromPeer);
      return 'nd';
    }
    for (const peer of this.peers) {
      if (peer.innerAddr < 0) continue;
      const seq = probeReplySeq(buf, r.innerOff, r.innerLen, r.ethernet, peer.probeId, peer.innerAddr);
      if (seq < 0) continue;
      if (r.ethernet && !peer.encap.macKnown) this.learnMac(peer, buf, r.innerOff + 6);
      if (peer.health.onReply(seq, this.now())) {
        this.updateActive();
        this.onPeerChange?.(peer.index);
      }
      return 'probe';
    }
    if (fromPeer >= 0 && fromPeer < this.peers.length) {
      const c = this.peers[fromPeer].counters;
      c.returnedPackets++;
      c.returnedBytes += r.innerLen;
    }
    if (this.onReturned) this.onReturned(buf, r.innerOff, r.innerLen, r.ethernet, fromPeer);
    return 'data';
  }

  /** The transport reports datagrams it could not send. */
  countSendError(peer: number, n = 1): void {
    if (peer >= 0 && peer < this.peers.length) this.peers[peer].counters.sendErrors += n;
  }

  status(): RedirectionStatus {
    return {
      enabled: this.cfg.enabled,
      active: this.activeIdx === 0 ? 'primary' : 'standby',
      returnedInvalid: this.returnedInvalid,
      peers: this.peers.map((peer) => {
        const h = peer.health.snapshot();
        const e = peer.encap;
        return {
          ...peer.counters,
          probesSent: h.probesSent,
          probesLost: h.probesLost,
          role: peer.index === 0 ? 'primary' : 'standby',
          address: peer.cfg.address,
          port: peer.cfg.port,
          protocol: peer.cfg.protocol,
          vni: peer.cfg.vni,
          healthy: h.healthy,
          state: h.state,
          lastChange: h.lastChange,
          rttMs: h.rttMs,
          misses: h.misses,
          innerMac: e.macKnown ? macText(e.dstMac) : null,
          ...(peer.prober === undefined ? {} : { prober: peer.prober }),
        } satisfies PeerStatus;
      }),
    };
  }

  /** A peer's health and MAC as this worker knows them, to relay to the other workers. */
  peerRelay(peer: number): RelayedPeerHealth | null {
    const p = this.peers[peer] as PeerRuntime | undefined;
    if (p === undefined) return null;
    const h = p.health;
    return { peer, key: p.key, healthy: h.healthy, state: h.state, lastChange: h.lastChange, mac: p.encap.macKnown ? macText(p.encap.dstMac) : null };
  }

  /**
   * Another worker (the peer's prober) relayed its health: a followed peer takes it (the active peer
   * follows: failover, failback, flows re-pinned at their next packet), and an unknown peer MAC is
   * learned. Ignored for a peer probed here or a relay about another config. Returns true when applied.
   */
  followPeer(r: RelayedPeerHealth): boolean {
    const p = this.peers[r.peer] as PeerRuntime | undefined;
    if (p === undefined || p.key !== r.key) return false;
    if (r.mac !== null && !p.encap.macKnown) {
      const m = r.mac.split(':').map((x) => parseInt(x, 16));
      if (m.length === 6 && m.every((b) => b >= 0 && b <= 255) && (m[0] & 1) === 0) {
        p.encap.dstMac.set(m);
        p.encap.macKnown = true;
      }
    }
    if (!p.health.followed) return true;
    // lastChange in this worker's clock (each thread's performance.now has its own origin)
    if (p.health.follow(r.healthy, r.state, this.now())) this.updateActive();
    return true;
  }

  private updateActive(): void {
    const p = this.peers[0];
    const s = this.peers.length > 1 ? this.peers[1] : null;
    const next = p.health.healthy || s === null || !s.health.healthy ? 0 : 1;
    if (next !== this.activeIdx) {
      this.activeIdx = next;
      this.peers[next].counters.switches++;
    }
  }

  private learnMac(peer: PeerRuntime, buf: Uint8Array, macOff: number): void {
    if ((buf[macOff] & 1) !== 0) return; // never learn a multicast/broadcast source
    for (let i = 0; i < 6; i++) peer.encap.dstMac[i] = buf[macOff + i];
    peer.encap.macKnown = true;
    this.onPeerChange?.(peer.index);
  }

  private answerArp(req: Uint8Array, reqOff: number, fromPeer: number): void {
    // the asking peer: by its sender address, else by where the datagram came from
    const a = reqOff + 14;
    const sender = ((req[a + 14] << 24) | (req[a + 15] << 16) | (req[a + 16] << 8) | req[a + 17]) >>> 0;
    let peer: PeerRuntime | undefined;
    for (const x of this.peers) if (x.innerAddr === sender) peer = x;
    if (peer === undefined && fromPeer >= 0) peer = this.peers[fromPeer];
    if (peer === undefined || peer.encap.payload !== 'ethernet') return;
    if (!peer.encap.macKnown) this.learnMac(peer, req, a + 8);
    const q = peer.queue;
    const len = peer.encap.hdrLen + ARP_REPLY_LEN;
    const o = q.reserve(len);
    if (o < 0) return;
    const hl = peer.encap.writeHeader(q.buf, o, 0x0806);
    writeArpReply(q.buf, o + hl, req, reqOff, GATEWAY_TUNNEL_MAC);
    q.commit(hl + ARP_REPLY_LEN);
  }

  /** The Neighbor Advertisement for the solicitation frame at req[reqOff], to the peer that sent it. */
  private answerNd(req: Uint8Array, reqOff: number, fromPeer: number): void {
    // the asking peer: where the datagram came from, else the peer whose MAC sent the frame
    let peer: PeerRuntime | undefined = fromPeer >= 0 ? this.peers[fromPeer] : undefined;
    if (peer === undefined) {
      for (const x of this.peers) if (x.encap.macKnown && sameMac(x.encap.dstMac, req, reqOff + 6)) peer = x;
    }
    if (peer === undefined || peer.encap.payload !== 'ethernet') return;
    if (!peer.encap.macKnown) this.learnMac(peer, req, reqOff + 6);
    const q = peer.queue;
    const o = q.reserve(peer.encap.hdrLen + NA_FRAME_LEN);
    if (o < 0) return;
    const hl = peer.encap.writeHeader(q.buf, o, 0x86dd);
    writeNeighborAdvertisement(q.buf, o + hl, req, reqOff, GATEWAY_TUNNEL_MAC);
    q.commit(hl + NA_FRAME_LEN);
  }
}

function sameMac(mac: Uint8Array, buf: Uint8Array, off: number): boolean {
  for (let i = 0; i < 6; i++) if (mac[i] !== buf[off + i]) return false;
  return true;
}

function macText(mac: Uint8Array): string {
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join(':');
}
