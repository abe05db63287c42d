// A real DataPlane over the pipeline: one Pipeline per attached gateway, built from the store's
// snapshot; reports and finished flows go into the store's history tables; packet captures tap
// frames right after processFrame (the decoded PacketView says which addresses the frame carries);
// after processFrame each packet is also counted by direction (direction-counters.ts) and offered to
// the Junction (data-plane-junction.ts: real mirroring, count-only redirection).
//
// Snapshot swap: the runtime takes the newest snapshot at batch boundaries (beginBatch): devices and
// the reporting interval go to the pipeline (applyConfig), the junction config to the Junction.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Pipeline } from '../pipeline/worker.js';
import { PcapWriter } from '../io/pcap-writer.js';
import { LiveSimulator, type SimOptions } from '../sim/index.js';
import { parseAddress } from './config/cidr.js';
import type { InspectionReportOut } from '../export/inspection/report-builder.js';
import type { FlowRecord } from '../export/flows/flow-record.js';
import type { Store } from './store/store.js';
import type { GatewaySnapshot } from './snapshot/gateway-snapshot.js';
import type { CaptureFilter, CaptureHandle, DataPlane, DataPlaneCounters, OutputStatus } from './data-plane.js';
import { OutputsRuntime } from './outputs-runtime.js';
import { DataPlaneJunction, type DataPlaneJunctionStatus } from './data-plane-junction.js';
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
  writer: PcapWriter;
  /** 4 or 16 address bytes, or null for every frame. */
  addr: Uint8Array | null;
  timer: NodeJS.Timeout;
  done: boolean;
  finish: () => void;
}

const LINKTYPE_ETHERNET = 1;

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
  /** Mirroring and (count-only) Redirection from the snapshot's junction (data-plane-junction.ts). */
  readonly junction: DataPlaneJunction;
  /** IP packets/bytes device → network (up) and network → device (down). */
  readonly direction = new DirectionCounters();

  constructor(
    private readonly store: Store,
    snap: GatewaySnapshot,
    flowCapacity: number,
    outputsDir = 'outputs',
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
    this.junction = new DataPlaneJunction(this.pipeline);
    this.junction.apply(snap);
    this.unsubscribe = store.onSnapshot(snap.gatewayId, (s) => {
      this.next = s;
    });
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

  /** One frame through the pipeline, then to the active captures. */
  feed(buf: Uint8Array, off: number, capLen: number, wireLen: number, tsUs: number, linkType = LINKTYPE_ETHERNET): void {
    this.pipeline.processFrame(buf, off, capLen, wireLen, tsUs, linkType, 0);
    this.direction.count(this.pipeline);
    this.junction.afterPacket();
    const caps = this.captures;
    if (caps.length === 0) return;
    const p = this.pipeline.view;
    for (let i = 0; i < caps.length; i++) {
      const c = caps[i];
      if (c.addr === null || (p.ipVersion !== 0 && (sameAddr(c.addr, buf, p.srcAddrOff) || sameAddr(c.addr, buf, p.dstAddrOff)))) {
        c.writer.write(buf, off, capLen, tsUs, wireLen);
      }
    }
  }

  /** Batch end: reports and finished flows into the store's history. */
  endBatch(): void {
    this.junction.afterBatch();
    if (this.reports.length) this.outputs.emitReports(this.reports);
    if (this.flows.length) this.outputs.emitFlows(this.flows);
    if (this.reports.length) this.store.history.addReports(this.reports.splice(0));
    if (this.flows.length) this.store.history.addFlows(this.snapshot.operatorId, this.snapshot.gatewayId, this.flows.splice(0));
  }

  counters(): DataPlaneCounters {
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

  close(): void {
    this.unsubscribe();
    for (const c of [...this.captures]) c.finish();
    this.pipeline.finish();
    this.endBatch();
    this.closed = this.outputs.close();
    this.closed = Promise.all([this.closed, this.junction.close()]).then(() => undefined);
  }
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
    const rt = new GatewayRuntime(this.opts.store, snap, this.opts.flowCapacity ?? 1 << 18, this.opts.outputsDir ?? join(dirname(this.opts.captureDir), 'outputs'));
    this.runtimes.set(gatewayId, rt);
    return rt;
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
    const writer = PcapWriter.open(path, { linkType: LINKTYPE_ETHERNET });
    const cap: ActiveCapture = {
      writer,
      addr,
      done: false,
      timer: setTimeout(() => cap.finish(), durationSec * 1000),
      finish: () => {
        if (cap.done) return;
        cap.done = true;
        clearTimeout(cap.timer);
        const i = rt.captures.indexOf(cap);
        if (i >= 0) rt.captures.splice(i, 1);
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
