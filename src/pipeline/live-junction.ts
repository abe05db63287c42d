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
// Per packet nothing is allocated: the meta and select contexts are reused objects.
import { FleetgateError } from '../core/errors.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';
import { loadNative, nativeLoadError } from '../io/native/index.js';
import { MirrorSet, connectMirrorSet, type ConnectedMirrors, type MirrorMeta, type MirrorPeerStats } from '../actions/mirror/index.js';
import type { MirroringConfig } from '../actions/mirror/config.js';
import { Redirector, UdpTunnelTransport, type RedirectionConfig, type RedirectionStatus, type ReturnedHandler, type SelectContext } from '../actions/redirect/index.js';
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
  /** Local address the redirection socket binds (default 0.0.0.0). */
  redirectBindAddress?: string;
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

export class LiveJunction {
  readonly mirrors: MirrorSet | null;
  readonly redirector: Redirector | null;
  readonly counters: JunctionCounters = { mirrorOffered: 0, mirrorCopies: 0, redirected: 0, redirectDrops: 0, returned: 0, returnedDropped: 0 };
  private readonly pipeline: Pipeline;
  private readonly directory: DeviceDirectory | null;
  private readonly verdict: Uint8Array;
  private readonly waitsForApp: boolean;
  private readonly meta: MirrorMeta = { uplink: false, group: undefined, app: 'Unknown' };
  private readonly sel: SelectContext = { app: 'Unknown', group: '', dstBuf: new Uint8Array(0), dstOff: 0, ipVersion: 0, dstPort: 0 };
  private transport: UdpTunnelTransport | null = null;
  private connected: ConnectedMirrors | null = null;
  private mirrorProblems: string[] = [];
  private final: JunctionStatus | null = null;

  constructor(private readonly opts: LiveJunctionOptions) {
    this.pipeline = opts.pipeline;
    this.directory = opts.directory ?? null;
    const m = opts.mirroring && opts.mirroring.peers.length > 0 ? new MirrorSet(opts.mirroring) : null;
    this.mirrors = m !== null && m.active ? m : null;
    const cap = opts.pipeline.flows.capacity;
    const r = opts.redirection;
    this.redirector = r && r.enabled ? new Redirector(r, { flowCapacity: cap, onReturned: opts.onReturned }) : null;
    this.verdict = new Uint8Array(this.redirector ? cap : 0);
    this.waitsForApp = (r?.selector?.apps?.length ?? 0) > 0;
  }

  /** True when there is anything to do per packet. */
  get active(): boolean {
    return this.mirrors !== null || this.redirector !== null;
  }

  /** Opens the mirror transports (GRE through the native addon) and the redirection socket. */
  async start(): Promise<void> {
    this.final = null;
    if (this.mirrors) {
      const native = loadNative();
      this.connected = await connectMirrorSet(this.mirrors, { raw: native, rawError: native ? null : nativeLoadError() });
      this.mirrorProblems = this.connected.problems;
    }
    if (this.redirector) {
      const t = new UdpTunnelTransport(this.redirector, { bindAddress: this.opts.redirectBindAddress });
      try {
        await t.start();
      } catch (e) {
        await this.connected?.close();
        throw e instanceof FleetgateError ? e : new FleetgateError('FG_ERR_IO', `redirection: ${String(e)}`);
      }
      this.transport = t;
    }
  }

  async stop(): Promise<void> {
    this.mirrors?.drain();
    this.transport?.flush();
    // what status() says from now on: closing detaches the mirror transports (connected: false)
    if (this.transport !== null || this.connected !== null) this.final = this.status();
    await this.transport?.stop();
    this.transport = null;
    await this.connected?.close();
    this.connected = null;
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
