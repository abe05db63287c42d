// A real DataPlane over the pipeline: one Pipeline per attached gateway, built from the store's
// snapshot; reports and finished flows go into the store's history tables; packet captures tap
// frames right after processFrame (the decoded PacketView says which addresses the frame carries);
// after processFrame each packet is also counted by direction (direction-counters.ts) and offered to
// the Junction (data-plane-junction.ts: real mirroring, count-only redirection).
//
// Snapshot swap: the runtime takes the newest snapshot at batch boundaries (beginBatch): devices and
// the reporting interval go to the pipeline (applyConfig), the junction config to the Junction.
//
// Two feeds: the simulator (startSimFeed, `serve --demo`) calls beginBatch/feed/endBatch itself; real
// ports (attachLive, `serve --config` with gateway.ports) run a LiveGateway over the same Pipeline: its
// afterPacket hook taps each processed packet (direction counters, captures), its own LiveJunction does
// Mirroring and Redirection (LiveGatewayJunction), and a snapshot is applied as soon as it is committed
// (an API request never runs inside a batch: the event loop is between batches). Reports closed while
// no packet arrives (the gateway's idle tick) reach the store within FLUSH_MS.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Pipeline } from '../pipeline/worker.js';
import { PcapWriter } from '../io/pcap-writer.js';
import { LiveSimulator, type SimOptions } from '../sim/index.js';
import { LiveGateway } from '../pipeline/live-gateway.js';
import type { LivePorts } from '../pipeline/live-ports.js';
import { parseAddress } from './config/cidr.js';
import { LinkType } from '../core/layers.js';
import type { InspectionReportOut } from '../export/inspection/report-builder.js';
import type { FlowRecord } from '../export/flows/flow-record.js';
import type { Store } from './store/store.js';
import type { GatewaySnapshot } from './snapshot/gateway-snapshot.js';
import type { CaptureFilter, CaptureHandle, DataPlane, DataPlaneCounters, OutputStatus } from './data-plane.js';
import { OutputsRuntime } from './outputs-runtime.js';
import { DataPlaneJunction, LiveGatewayJunction, type DataPlaneJunctionStatus, type RuntimeJunction } from './data-plane-junction.js';
import { DirectionCounters } from './direction-counters.js';

export interface LiveDataPlaneOptions {
  store: Store;
  /** Where capture pcaps are written. */
  captureDir: string;
  /** Flow table capacity per gateway (default 262144). */
  flowCapacity?: number;
  /** Where outputs' files and spools go, one folder per operator and gateway (default: next to captureDir, `outputs/`). */
  outputsDir?: string;
}

interface ActiveCapture {
  /** Opened at the first frame it keeps, with that frame's link type (a capture holds one link type). */
  writer: PcapWriter | null;
  path: string;
  /** Opens the writer for a frame of this pcap link type; false when the file cannot be written (the capture fails). */
  open: (linkType: number) => boolean;
  /** 4 or 16 address bytes, or null for every frame. */
  addr: Uint8Array | null;
  timer: NodeJS.Timeout;
  done: boolean;
  finish: () => void;
}

const LINKTYPE_ETHERNET = 1;
/** IP packets without a link header (tunnel datagrams behind their outer IP header, TUN packets) are captured as raw IP. */
function captureLinkType(linkType: number): number {
  return linkType === LinkType.IPV4 || linkType === LinkType.IPV6 ? LinkType.RAW : linkType;
}
/** How often a live runtime moves reports and flows to the store while no batch arrives. */
const FLUSH_MS = 1000;

export class GatewayRuntime {
  readonly pipeline: Pipeline;
  snapshot: GatewaySnapshot;
  private next: GatewaySnapshot | null = null;
  readonly captures: ActiveCapture[] = [];
  private readonly reports: InspectionReportOut[] = [];
  private readonly flows: FlowRecord[] = [];
  private readonly unsubscribe: () => void;
  snapshotsApplied = 0;
  /** The gateway's export outputs, following the snapshot (outputs-runtime.ts). */
  readonly outputs: OutputsRuntime;
  /** Settles when close() has drained the outputs. */
  closed: Promise<void> = Promise.resolve();
  /** Mirroring and Redirection from the snapshot's junction: count-only (sim feed) or the live gateway's. */
  readonly junction: RuntimeJunction;
  /** The live gateway over real ports (attachLive), null for the simulator-fed data path. */
  readonly gateway: LiveGateway | null;
  private flushTimer: NodeJS.Timeout | null = null;
  /** IP packets/bytes device → network (up) and network → device (down). */
  readonly direction = new DirectionCounters();

  constructor(
    private readonly store: Store,
    snap: GatewaySnapshot,
    flowCapacity: number,
    outputsDir = 'outputs',
    ports?: LivePorts,
  ) {
    this.snapshot = snap;
    this.outputs = new OutputsRuntime({ gatewayId: snap.gatewayId, operatorId: snap.operatorId, baseDir: join(outputsDir, snap.operatorId, snap.gatewayId) });
    this.outputs.apply(snap.outputs);
    this.pipeline = new Pipeline({
      operatorId: snap.operatorId,
      gatewayId: snap.gatewayId,
      intervalUs: snap.intervalUs,
      flowCapacity,
      devices: snap.devices,
      topDestinations: snap.junction.inspection.topDestinations,
      onReport: (r) => this.reports.push(r),
      onFlowEnd: (r) => this.flows.push(r),
    });
    if (ports) {
      this.gateway = new LiveGateway({
        pipeline: this.pipeline,
        devices: ports.devices,
        network: ports.network,
        replyPort: ports.replyPort,
        gatewayMac: ports.gatewayMac,
        directory: snap.devices,
        afterPacket: this.tap,
        afterBatch: this.liveAfterBatch,
      });
      this.junction = new LiveGatewayJunction(this.gateway);
    } else {
      this.gateway = null;
      this.junction = new DataPlaneJunction(this.pipeline);
    }
    this.junction.apply(snap);
    const st = this.pipeline.stats;
    const portList = ports ? [ports.devices, ...(ports.network ? [ports.network] : [])] : [];
    this.outputs.setTotals(
      () => ({ frames: st.frames, ipPackets: st.ipPackets, ipBytes: st.ipBytes }),
      () => portList.map((p) => ({ port: p.label, rxPackets: p.counters.rxFrames, rxBytes: p.counters.rxBytes, txPackets: p.counters.txFrames, txBytes: p.counters.txBytes })),
    );
    this.unsubscribe = store.onSnapshot(snap.gatewayId, (s) => {
      this.next = s;
      // live ports: nothing runs a batch now (this is an API request), apply at once
      if (this.gateway !== null) this.beginBatch();
    });
  }

  /** Live ports: opens them once the junction's first config is ready; from then on traffic flows. */
  async start(): Promise<void> {
    const gw = this.gateway;
    if (gw === null) return;
    await this.junction.ready;
    await gw.start();
    this.flushTimer = setInterval(() => this.flush(), FLUSH_MS);
    this.flushTimer.unref();
  }

  /** Batch boundary: take the newest snapshot, if one arrived. */
  beginBatch(): void {
    if (this.next) {
      const prevOutputs = this.snapshot.outputs;
      this.snapshot = this.next;
      this.next = null;
      this.snapshotsApplied++;
      // devices and the reporting interval reach the data path here, between batches
      this.pipeline.applyConfig({ devices: this.snapshot.devices, intervalUs: this.snapshot.intervalUs });
      if (this.snapshot.outputs !== prevOutputs) this.outputs.apply(this.snapshot.outputs);
      this.junction.apply(this.snapshot);
    }
  }

  /** One frame through the pipeline, then to the direction counters, the captures and the Junction. */
  feed(buf: Uint8Array, off: number, capLen: number, wireLen: number, tsUs: number, linkType = LINKTYPE_ETHERNET): void {
    this.pipeline.processFrame(buf, off, capLen, wireLen, tsUs, linkType, 0);
    this.tap();
    this.junction.afterPacket();
  }

  /** The packet just processed (pipeline.view): direction counters and active captures. Allocation-free. */
  private readonly tap = (): void => {
    this.direction.count(this.pipeline);
    const caps = this.captures;
    if (caps.length === 0) return;
    const p = this.pipeline.view;
    const buf = p.buf;
    for (let i = 0; i < caps.length; i++) {
      const c = caps[i];
      if (c.addr === null || (p.ipVersion !== 0 && (sameAddr(c.addr, buf, p.srcAddrOff) || sameAddr(c.addr, buf, p.dstAddrOff)))) {
        if (c.writer === null && !c.open(captureLinkType(p.linkType))) continue;
        (c.writer as PcapWriter).write(buf, p.frameOff, p.frameEnd - p.frameOff, p.tsUs, p.wireLen);
      }
    }
  };

  /** After each live batch (the gateway already mirrored and flushed its junction). */
  private readonly liveAfterBatch = (): void => {
    this.flush();
  };

  /** Batch end: reports and finished flows into the store's history. */
  endBatch(): void {
    this.junction.afterBatch();
    this.flush();
  }

  /** Reports and finished flows so far to the outputs and the store's history. */
  private flush(): void {
    if (this.reports.length) this.outputs.emitReports(this.reports);
    if (this.flows.length) this.outputs.emitFlows(this.flows);
    if (this.reports.length) this.store.history.addReports(this.reports.splice(0));
    if (this.flows.length) this.store.history.addFlows(this.snapshot.operatorId, this.snapshot.gatewayId, this.flows.splice(0));
  }

  private pipelineCounters(): DataPlaneCounters {
    const s = this.pipeline.stats;
    return {
      frames: s.frames,
      ipPackets: s.ipPackets,
      ipBytes: s.ipBytes,
      nonIpFrames: s.nonIpFrames,
      unattributedPackets: s.unattributedPackets,
      decoderEvents: s.decoderEvents,
      flowsActive: this.pipeline.flows.stats.active,
      flowsCreated: this.pipeline.flows.stats.created,
      reportsEmitted: this.pipeline.inspection.reportsEmitted,
      capturesActive: this.captures.length,
      snapshotVersion: this.snapshot.version,
      upPackets: this.direction.upPackets,
      upBytes: this.direction.upBytes,
      downPackets: this.direction.downPackets,
      downBytes: this.direction.downBytes,
    };
  }

  counters(): DataPlaneCounters {
    return this.gateway === null ? this.pipelineCounters() : { ...this.pipelineCounters(), ...forwardingCounters(this.gateway) };
  }

  close(): void {
    this.unsubscribe();
    for (const c of [...this.captures]) c.finish();
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimer = null;
    const gw = this.gateway;
    if (gw === null) {
      this.pipeline.finish();
      this.endBatch();
      this.closed = Promise.all([this.outputs.close(), this.junction.close()]).then(() => undefined);
      return;
    }
    // live: the last reconfiguration, then the ports stop and every flow ends (the last reports)
    this.closed = (async () => {
      await this.junction.close();
      await gw.stop();
      this.flush();
      await this.outputs.close();
    })();
  }
}

/** The live gateway's forwarding and port counters (DataPlaneCounters names). */
function forwardingCounters(gw: LiveGateway): DataPlaneCounters {
  const c = gw.counters;
  const j = gw.junction.counters;
  return {
    toNetwork: c.toNetwork,
    toDevices: c.toDevices,
    returnedToSender: c.returned,
    noRoute: c.noRoute,
    nonIpDropped: c.nonIp,
    arpReplies: c.arpReplies,
    ndReplies: c.ndReplies,
    mirrorCopies: j.mirrorCopies,
    redirected: j.redirected,
    redirectDrops: j.redirectDrops,
    redirectReturned: j.returned,
  };
}

function sameAddr(a: Uint8Array, buf: Uint8Array, off: number): boolean {
  if (off < 0) return false;
  for (let i = 0; i < a.length; i++) if (buf[off + i] !== a[i]) return false;
  return true;
}

export class LiveDataPlane implements DataPlane {
  private readonly runtimes = new Map<string, GatewayRuntime>();
  private seq = 0;

  constructor(private readonly opts: LiveDataPlaneOptions) {
    mkdirSync(opts.captureDir, { recursive: true });
  }

  /** Starts a data path for a stored gateway (idempotent). */
  attach(gatewayId: string): GatewayRuntime {
    const have = this.runtimes.get(gatewayId);
    if (have) return have;
    const snap = this.opts.store.snapshot(gatewayId);
    if (!snap) throw new Error(`no gateway '${gatewayId}' in the store`);
    const rt = new GatewayRuntime(this.opts.store, snap, this.opts.flowCapacity ?? 1 << 18, this.outputsDir());
    this.runtimes.set(gatewayId, rt);
    return rt;
  }

  /**
   * Runs a stored gateway on real ports (opened by openPorts from the config's gateway.ports): a
   * LiveGateway over the runtime's pipeline, controlled by the store's snapshots. Resolves once the
   * ports are open. Throws when the gateway already has a data path or is not in the store.
   */
  async attachLive(gatewayId: string, ports: LivePorts): Promise<GatewayRuntime> {
    if (this.runtimes.has(gatewayId)) throw new Error(`gateway '${gatewayId}' already has a data path`);
    const snap = this.opts.store.snapshot(gatewayId);
    if (!snap) throw new Error(`no gateway '${gatewayId}' in the store`);
    const rt = new GatewayRuntime(this.opts.store, snap, this.opts.flowCapacity ?? 1 << 18, this.outputsDir(), ports);
    this.runtimes.set(gatewayId, rt);
    try {
      await rt.start();
    } catch (e) {
      this.runtimes.delete(gatewayId);
      rt.close();
      await rt.closed.catch(() => undefined);
      throw e;
    }
    return rt;
  }

  private outputsDir(): string {
    return this.opts.outputsDir ?? join(dirname(this.opts.captureDir), 'outputs');
  }

  runtime(gatewayId: string): GatewayRuntime | undefined {
    return this.runtimes.get(gatewayId);
  }

  counters(gatewayId: string): DataPlaneCounters | null {
    return this.runtimes.get(gatewayId)?.counters() ?? null;
  }

  /** The Junction peers' run-time state (JunctionStatusSource of the live API route). */
  junctionStatus(gatewayId: string): DataPlaneJunctionStatus | null {
    return this.runtimes.get(gatewayId)?.junction.status() ?? null;
  }

  startCapture(gatewayId: string, filter: CaptureFilter, durationSec: number, onDone: (pcapPath: string | null, failedReason?: string) => void): CaptureHandle {
    const rt = this.runtimes.get(gatewayId);
    if (!rt) throw new Error(`gateway '${gatewayId}' has no running data path`);
    const addr = filter.deviceIp ? parseAddress(filter.deviceIp) : null;
    if (filter.deviceIp && !addr) throw new Error(`'${filter.deviceIp}' is not an address`);
    const path = join(this.opts.captureDir, `${gatewayId}-${Date.now()}-${++this.seq}.pcap`);
    let failed: string | null = null;
    const cap: ActiveCapture = {
      writer: null,
      path,
      addr,
      done: false,
      timer: setTimeout(() => cap.finish(), durationSec * 1000),
      open: (linkType) => {
        if (failed !== null) return false;
        try {
          cap.writer = PcapWriter.open(path, { linkType });
          return true;
        } catch (e) {
          failed = (e as Error).message;
          setImmediate(() => cap.finish());
          return false;
        }
      },
      finish: () => {
        if (cap.done) return;
        cap.done = true;
        clearTimeout(cap.timer);
        const i = rt.captures.indexOf(cap);
        if (i >= 0) rt.captures.splice(i, 1);
        // no frame kept: an empty capture with the data path's usual link type
        if (cap.writer === null) cap.open(rt.gateway === null ? LINKTYPE_ETHERNET : LinkType.RAW);
        const writer = cap.writer;
        if (failed !== null || writer === null) {
          onDone(null, failed ?? 'capture file not written');
          return;
        }
        writer.close().then(
          () => onDone(path),
          (e: unknown) => onDone(null, (e as Error).message),
        );
      },
    };
    cap.timer.unref();
    rt.captures.push(cap);
    return { stop: () => cap.finish() };
  }

  outputsStatus(gatewayId: string): OutputStatus[] | null {
    return this.runtimes.get(gatewayId)?.outputs.status() ?? null;
  }

  close(): void {
    for (const rt of this.runtimes.values()) rt.close();
    this.closing = [...this.runtimes.values()].map((rt) => rt.closed);
    this.runtimes.clear();
  }

  private closing: Promise<void>[] = [];

  /** close(), then waits until every gateway's outputs drained (what is left stays spooled). */
  async closeAndDrain(): Promise<void> {
    this.close();
    await Promise.all(this.closing);
  }
}

/** Feeds a runtime from the built-in simulator in wall-clock time, every periodMs. */
export function startSimFeed(rt: GatewayRuntime, sim: SimOptions, periodMs = 100): { stop(): void; simulator: LiveSimulator } {
  const simulator = new LiveSimulator({ durationSec: 365 * 24 * 3600, ...sim, startTimeUs: sim.startTimeUs ?? Date.now() * 1000 });
  const emit = (buf: Uint8Array, off: number, len: number, tsUs: number) => rt.feed(buf, off, len, len, tsUs);
  const tick = () => {
    rt.beginBatch();
    simulator.nextBatch(Date.now() * 1000, emit);
    rt.endBatch();
  };
  const timer = setInterval(tick, periodMs);
  timer.unref();
  return {
    simulator,
    stop: () => {
      clearInterval(timer);
      tick();
    },
  };
}
