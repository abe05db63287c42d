// Junction actions in the live data path: Mirroring and Redirection, called by LiveGateway for each
// packet right after Pipeline.processFrame (the packet is in pipeline.view, its flow decided).
//
// - mirror(): offers the packet to every mirroring peer (filters, truncation, bounded queues). Copies
//   are queued only; drain() after each batch hands them to the transports. A full queue drops the
//   copy, never the packet: mirroring never slows or breaks forwarding.
// - redirect(): true when the packet's flow is redirected; the packet was queued to the flow's peer and
//   must NOT be forwarded by the caller (the peer returns it; the gateway's onReturned handler sends it
//   on). The verdict is taken once per flow (a column indexed by flow index, reset when the index is
//   reused). A selector naming apps waits while the flow's name is only a port-based guess (DPI not
//   done yet), up to PENDING_LIMIT packets forwarded directly meanwhile; then it decides on the name
//   the flow has.
// - Pins of ended flows need no forget(): Redirector.redirect re-pins a flow whose packet is its first.
// - reconfigure(): a new mirroring/redirection config while running (the gateway's SIGHUP reload),
//   applied between batches. Mirror peers whose config is unchanged keep their object (queue, counters,
//   transport); new ones are connected, removed ones closed. An unchanged redirection config keeps the
//   Redirector (peer state, pins, counters); a changed one replaces it (and its socket), and every flow's
//   verdict is taken again with the new selector.
// - useWorkers(): one of several live workers (`gateway --workers N`): the redirection socket joins the
//   workers' SO_REUSEPORT group on localPort (steered by the inner flow hash), each peer is probed by its
//   owner worker only and the others follow the health it relays (src/actions/redirect/workers.ts). A
//   reload whose redirection keeps localPort hands the socket to the new Redirector (the group keeps its
//   order).
// Per packet nothing is allocated: the meta and select contexts are reused objects.
import { FleetgateError } from '../core/errors.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';
import { loadNative, nativeLoadError } from '../io/native/index.js';
import { GreTransport, MirrorSet, UdpVxlanTransport, type MirrorMeta, type MirrorPeer, type MirrorPeerStats } from '../actions/mirror/index.js';
import type { MirroringConfig } from '../actions/mirror/config.js';
import { Redirector, UdpTunnelTransport, type RedirectionConfig, type RedirectionStatus, type ReturnedHandler, type SelectContext } from '../actions/redirect/index.js';
import { returnSteerKind, type RedirectWorkers } from '../actions/redirect/workers.js';
import type { NativeAddon } from '../io/native/addon-types.js';
import type { Pipeline } from './worker.js';
import { AppMethod } from './flow-attributes.js';

const UNDECIDED = 0;
const YES = 1;
const NO = 2;
/** Verdict values PENDING_BASE.. count packets seen while waiting for an app label. */
const PENDING_BASE = 3;
const PENDING_LIMIT = 32;

export interface LiveJunctionOptions {
  pipeline: Pipeline;
  /** For the device's group (mirror filters, redirection selectors). */
  directory?: DeviceDirectory;
  mirroring?: MirroringConfig;
  redirection?: RedirectionConfig;
  /** Where packets returned by a redirection peer go (the gateway forwards them). */
  onReturned?: ReturnedHandler;
  /** After each batch of returned datagrams (the caller sends what onReturned queued, once per batch). */
  onReturnedBatch?: () => void;
  /** Local address the redirection socket binds (default 0.0.0.0). */
  redirectBindAddress?: string;
}

/** The junction as one of several live workers (useWorkers). */
export interface JunctionWorkers extends RedirectWorkers {
  /** The native addon: the shared redirection socket needs SO_REUSEPORT. */
  addon: NativeAddon;
  /** A redirection peer this worker probes changed health (or its MAC was learned): relay redirector.peerRelay(peer). */
  onPeerChange: (peer: number) => void;
  /**
   * The return port worker 0 bound (redirectionPort()), for the other workers: with `localPort: 0` the
   * kernel picks it for worker 0 only, and the others must join that port's SO_REUSEPORT group.
   */
  returnPort?: number;
}

export interface JunctionCounters {
  /** Packets offered to mirroring and copies queued (one packet can make several copies). */
  mirrorOffered: number;
  mirrorCopies: number;
  /** Packets handed to a redirection peer instead of being forwarded directly. */
  redirected: number;
  /** Packets of redirected flows dropped because the peer's send queue was full. */
  redirectDrops: number;
  /** Packets a peer returned that the gateway forwarded on. */
  returned: number;
  /** Returned packets without an IP packet inside, or with nowhere to go. */
  returnedDropped: number;
}

export interface JunctionStatus {
  counters: JunctionCounters;
  mirroring: MirrorPeerStats[];
  /** Mirror peers that could not connect: "address (protocol): why". */
  mirrorProblems: string[];
  redirection: RedirectionStatus | null;
}

/** What reconfigure() changed. */
export interface JunctionChange {
  mirrorPeersKept: number;
  mirrorPeersAdded: number;
  mirrorPeersRemoved: number;
  /** 'kept' (same config), 'replaced', 'added', 'removed' or 'none'. */
  redirection: 'kept' | 'replaced' | 'added' | 'removed' | 'none';
  /** Problems connecting the new mirror peers (as `problems`). */
  problems: string[];
}

export class LiveJunction {
  /** Replaced by reconfigure(): read them again rather than keeping a reference. */
  mirrors: MirrorSet | null;
  redirector: Redirector | null;
  readonly counters: JunctionCounters = { mirrorOffered: 0, mirrorCopies: 0, redirected: 0, redirectDrops: 0, returned: 0, returnedDropped: 0 };
  private readonly pipeline: Pipeline;
  private directory: DeviceDirectory | null;
  private verdict: Uint8Array;
  private waitsForApp: boolean;
  private redirection: RedirectionConfig | undefined;
  private readonly meta: MirrorMeta = { uplink: false, group: undefined, app: 'Unknown' };
  private readonly sel: SelectContext = { app: 'Unknown', group: '', dstBuf: new Uint8Array(0), dstOff: 0, ipVersion: 0, dstPort: 0 };
  private transport: UdpTunnelTransport | null = null;
  /** Open mirror transports, per peer object (closed when the peer is removed or at stop). */
  private readonly closers = new Map<MirrorPeer, () => Promise<void> | void>();
  private started = false;
  private mirrorProblems: string[] = [];
  private final: JunctionStatus | null = null;
  private workers: JunctionWorkers | null = null;

  constructor(private readonly opts: LiveJunctionOptions) {
    this.pipeline = opts.pipeline;
    this.directory = opts.directory ?? null;
    this.mirrors = activeSet(opts.mirroring, null);
    this.redirection = opts.redirection;
    this.redirector = this.newRedirector(opts.redirection);
    this.verdict = new Uint8Array(this.redirector ? opts.pipeline.flows.capacity : 0);
    this.waitsForApp = (opts.redirection?.selector?.apps?.length ?? 0) > 0;
  }

  /** True when there is anything to do per packet. */
  get active(): boolean {
    return this.mirrors !== null || this.redirector !== null;
  }

  /**
   * One of several live workers (call before start(), workers opened in index order): the redirection
   * socket joins the shared return port and peers are probed by their owner worker only.
   */
  useWorkers(w: JunctionWorkers): void {
    if (this.started) throw new Error('useWorkers() must come before start()');
    this.workers = w.count > 1 ? w : null;
    this.redirector = this.newRedirector(this.redirection);
  }

  /** The UDP port the redirection socket is bound to (the kernel's pick for `localPort: 0`), or null when closed. */
  /** Several workers: the return port worker 0 bound now (a reload to `localPort: 0` gave it a new one). */
  setWorkersReturnPort(port: number): void {
    if (this.workers) this.workers.returnPort = port;
  }

  redirectionPort(): number | null {
    return this.transport?.localPort() ?? null;
  }

  /** Opens the mirror transports (GRE through the native addon) and the redirection socket. */
  async start(): Promise<void> {
    this.final = null;
    this.mirrorProblems = this.mirrors ? await this.connectPeers(this.mirrors.peers) : [];
    if (this.redirector) {
      try {
        this.transport = await this.openTransport(this.redirector);
      } catch (e) {
        await this.closePeers([...this.closers.keys()]);
        throw e;
      }
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    this.mirrors?.drain();
    this.transport?.flush();
    // what status() says from now on: closing detaches the mirror transports (connected: false)
    if (this.transport !== null || this.closers.size > 0) this.final = this.status();
    await this.transport?.stop();
    this.transport = null;
    await this.closePeers([...this.closers.keys()]);
    this.started = false;
  }

  /**
   * A new Junction config while running (call it between batches; the swap itself is synchronous).
   * Mirror peers with an unchanged config keep their queue, counters and transport; an unchanged
   * redirection config keeps the Redirector and its socket. Throws (FleetgateError) only when the new
   * redirection socket cannot open: the old redirection is then gone (none is active).
   */
  async reconfigure(mirroring: MirroringConfig | undefined, redirection: RedirectionConfig | undefined, directory?: DeviceDirectory): Promise<JunctionChange> {
    if (directory) this.directory = directory;
    // mirroring: reuse the peer objects whose config did not change
    const old = this.mirrors?.peers ?? [];
    const next = activeSet(mirroring, old);
    const peers = next?.peers ?? [];
    const added = peers.filter((p) => !old.includes(p));
    const removed = old.filter((p) => !peers.includes(p));
    this.mirrors?.drain();
    const problems = this.started ? await this.connectPeers(added) : [];
    this.mirrors = next;
    this.mirrorProblems = [...this.mirrorProblems.filter((m) => !removed.some((p) => m.startsWith(`${p.cfg.address} (${p.cfg.protocol}):`))), ...problems];
    await this.closePeers(removed);

    // redirection: kept when the config is the same, else replaced (state and pins start again)
    const was = this.redirector !== null;
    const want = redirection?.enabled === true;
    let what: JunctionChange['redirection'] = want ? (was ? 'replaced' : 'added') : was ? 'removed' : 'none';
    if (was && want && sameJson(this.redirection, redirection)) what = 'kept';
    this.redirection = redirection;
    if (what === 'replaced' && this.workers !== null && this.transport !== null && this.redirector !== null && redirection && this.redirector.cfg.localPort === redirection.localPort) {
      // several workers: the new Redirector takes the socket over (its place in the group is kept)
      const r = this.newRedirector(redirection) as Redirector;
      const oldKind = returnSteerKind(this.redirector.cfg);
      const newKind = returnSteerKind(redirection);
      this.verdict.fill(UNDECIDED);
      this.waitsForApp = (redirection.selector?.apps?.length ?? 0) > 0;
      this.transport.adopt(r, newKind !== oldKind ? newKind : undefined);
      this.redirector = r;
    } else if (what !== 'kept' && what !== 'none') {
      this.transport?.flush();
      const t = this.transport;
      this.transport = null;
      this.redirector = null;
      await t?.stop();
      const r = this.newRedirector(redirection);
      if (r) {
        if (this.verdict.length === 0) this.verdict = new Uint8Array(this.pipeline.flows.capacity);
        else this.verdict.fill(UNDECIDED); // every flow is decided again with the new selector
        if (this.started) this.transport = await this.openTransport(r);
        this.waitsForApp = (redirection?.selector?.apps?.length ?? 0) > 0;
        this.redirector = r;
      }
    }
    return { mirrorPeersKept: peers.length - added.length, mirrorPeersAdded: added.length, mirrorPeersRemoved: removed.length, redirection: what, problems };
  }

  /** Problems met connecting mirror peers (each peer stays unconnected; its copies count as dropped). */
  get problems(): readonly string[] {
    return this.mirrorProblems;
  }

  /** Mirrors the packet in pipeline.view to every peer whose filter accepts it. Allocation-free. */
  mirror(): void {
    const m = this.mirrors;
    if (m === null) return;
    this.fillMeta();
    this.counters.mirrorOffered++;
    this.counters.mirrorCopies += m.mirror(this.pipeline.view, this.meta);
  }

  /**
   * True when the packet in pipeline.view belongs to a redirected flow: it was queued to the flow's peer
   * (or dropped, counted, when that queue is full) and must not be forwarded directly.
   */
  redirect(): boolean {
    const r = this.redirector;
    if (r === null) return false;
    const p = this.pipeline.view;
    const idx = p.flowIdx;
    if (idx < 0 || idx >= this.verdict.length || p.ipVersion === 0) return false;
    if (p.flowIsNew) this.verdict[idx] = UNDECIDED;
    let v = this.verdict[idx];
    if (v !== YES && v !== NO) {
      v = this.decide(r, v);
      this.verdict[idx] = v;
    }
    if (v !== YES) return false;
    if (r.redirect(p, idx)) this.counters.redirected++;
    else this.counters.redirectDrops++;
    return true;
  }

  /** After each batch: hands queued mirror copies and redirected packets to their transports. */
  afterBatch(): void {
    this.mirrors?.drain();
    this.transport?.flush();
  }

  /** Counters and peers (allocates: call it off the data path). After stop(), as they were when it stopped. */
  status(): JunctionStatus {
    if (this.final !== null) return this.final;
    return {
      counters: { ...this.counters },
      mirroring: this.mirrors?.stats() ?? [],
      mirrorProblems: [...this.mirrorProblems],
      redirection: this.redirector?.status() ?? null,
    };
  }

  private newRedirector(r: RedirectionConfig | undefined): Redirector | null {
    if (!r || !r.enabled) return null;
    const w = this.workers;
    return new Redirector(r, {
      flowCapacity: this.pipeline.flows.capacity,
      onReturned: this.opts.onReturned,
      onReturnedBatch: this.opts.onReturnedBatch,
      ...(w ? { workers: { index: w.index, count: w.count }, onPeerChange: w.onPeerChange } : {}),
    });
  }

  private async openTransport(r: Redirector): Promise<UdpTunnelTransport> {
    const w = this.workers;
    // the batched native socket whenever the addon loads (several workers need it: SO_REUSEPORT); else dgram
    const addon = w ? w.addon : loadNative();
    const native = addon ? { addon, reusePort: w !== null, steerWorkers: w && w.index === 0 ? w.count : undefined } : undefined;
    // several workers, localPort 0: worker 0 lets the kernel pick, the others bind the port it got
    const port = w && w.index > 0 && r.cfg.localPort === 0 ? w.returnPort : undefined;
    if (w && w.index > 0 && r.cfg.localPort === 0 && port === undefined) {
      throw new FleetgateError('FG_ERR_USAGE', `redirection: worker ${w.index} does not know the return port worker 0 bound for localPort 0`);
    }
    const t = new UdpTunnelTransport(r, { bindAddress: this.opts.redirectBindAddress, native, port });
    try {
      await t.start();
    } catch (e) {
      throw e instanceof FleetgateError ? e : new FleetgateError('FG_ERR_IO', `redirection: ${String(e)}`);
    }
    return t;
  }

  /**
   * Opens a transport for each enabled peer (UDP for VXLAN, raw GRE through the native addon), as
   * connectMirrorSet does, but per peer so that peers can come and go. Returns the problems.
   */
  private async connectPeers(peers: readonly MirrorPeer[]): Promise<string[]> {
    const problems: string[] = [];
    const native = peers.some((p) => p.enabled && p.cfg.protocol === 'gre') ? loadNative() : null;
    for (const peer of peers) {
      if (!peer.enabled) continue;
      const cfg = peer.cfg;
      try {
        if (cfg.protocol === 'vxlan') {
          const t = await UdpVxlanTransport.open(cfg.address, cfg.port, { errorSink: peer.counters, segmented: cfg.segmentation });
          peer.transport = t;
          this.closers.set(peer, () => t.close());
        } else {
          const t = GreTransport.open(native, cfg.address, native ? null : nativeLoadError());
          peer.transport = t;
          this.closers.set(peer, () => t.close());
        }
        peer.transportError = null;
      } catch (e) {
        peer.transport = null;
        peer.transportError = e instanceof Error ? e.message : String(e);
        problems.push(`${cfg.address} (${cfg.protocol}): ${peer.transportError}`);
      }
    }
    return problems;
  }

  private async closePeers(peers: readonly MirrorPeer[]): Promise<void> {
    for (const peer of peers) {
      peer.transport = null;
      const close = this.closers.get(peer);
      this.closers.delete(peer);
      await close?.();
    }
  }

  /** Uplink, group and app of the packet in the view, into this.meta. */
  private fillMeta(): void {
    const pl = this.pipeline;
    const p = pl.view;
    const meta = this.meta;
    const idx = p.flowIdx;
    if (idx < 0) {
      meta.uplink = false;
      meta.group = undefined;
      meta.app = 'Unknown';
      return;
    }
    const a = pl.attrs;
    const dev = a.device[idx];
    // with no device, the side that opened the flow counts as the device side
    meta.uplink = p.flowDir === (dev >= 0 ? a.deviceSide[idx] : 0);
    meta.group = dev >= 0 && this.directory !== null && dev < this.directory.count ? this.directory.device(dev).group : undefined;
    meta.app = pl.classify.labels.name(a.app[idx]);
  }

  /** The flow's verdict from the selector; pending (waiting for an app label) counts packets. */
  private decide(r: Redirector, v: number): number {
    this.fillMeta();
    const p = this.pipeline.view;
    const meta = this.meta;
    if (this.waitsForApp && this.pipeline.attrs.appMethod[p.flowIdx] === AppMethod.PORT) {
      const n = v < PENDING_BASE ? PENDING_BASE : v + 1;
      if (n - PENDING_BASE < PENDING_LIMIT) return n;
    }
    const s = this.sel;
    s.app = meta.app;
    s.group = meta.group ?? '';
    s.dstBuf = p.buf;
    s.ipVersion = p.ipVersion;
    // the far end of the flow (not the device), whichever way this packet goes
    s.dstOff = meta.uplink ? p.dstAddrOff : p.srcAddrOff;
    s.dstPort = meta.uplink ? p.dstPort : p.srcPort;
    return r.select(s) ? YES : NO;
  }
}

/**
 * The MirrorSet for cfg (null when no peer is enabled). Peers of `reuse` whose config (and queue
 * config) is unchanged are taken over as they are, with their queue, counters and transport.
 */
function activeSet(cfg: MirroringConfig | undefined, reuse: readonly MirrorPeer[] | null): MirrorSet | null {
  if (!cfg || cfg.peers.length === 0) return null;
  const set = new MirrorSet(cfg);
  if (reuse !== null && reuse.length > 0) {
    const pool = [...reuse];
    const peers = set.peers.map((fresh) => {
      const i = pool.findIndex((p) => sameJson(p.cfg, fresh.cfg) && p.queue.slots === cfg.queue.slots && p.queue.slotBytes === cfg.queue.slotBytes);
      return i < 0 ? fresh : pool.splice(i, 1)[0];
    });
    // MirrorSet builds its peers from the config; here some are given (`peers` is readonly to its users only)
    Object.assign(set, { peers });
  }
  return set.active ? set : null;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
