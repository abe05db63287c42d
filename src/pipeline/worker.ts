// THE stage order of the data path, in one function (`processFrame`).
//
//   decode ─► flow (+ device, once per flow) ─► classify (DPI on a flow's first packets) ─► inspection
//
// Device attribution runs once, when a flow is created; classification runs on a flow's first payload
// packets only; both are cached on the flow (FlowAttributes), so most packets only decode and update
// flow counters. Later stages (detect, anomaly, policy, actions) slot in after classification; see
// DESIGN.md §2.

import { PacketView } from '../core/packet-view.js';
import type { FrameBatch } from '../core/frame-batch.js';

/** The per-frame columns of a FrameBatch (a sharded replay's batch message has them too). */
export type FrameColumns = Pick<FrameBatch, 'buf' | 'off' | 'capLen' | 'wireLen' | 'tsUs' | 'linkType' | 'ifIndex'>;
import { LinkType, TunnelKind } from '../core/layers.js';
import { formatIP } from '../core/ip.js';
import { decodeFrame } from '../packet/decode.js';
import { PlainIpv4, readPlainIpv4 } from '../packet/plain-ipv4.js';
import { FlowTable, KEY_BASE, KEY_STRIDE, type ExpireReason } from '../flow/flow-table.js';
import type { FlowTimeouts } from '../flow/timeouts.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';
import { AppCatalog } from '../classify/catalog/index.js';
import type { AppMeta } from '../classify/dissector.js';
import { FlowAttributes, APP_METHOD_NAMES } from './flow-attributes.js';
import { ClassifyStage } from './classify-stage.js';
import { DestinationInterner } from './destination-interner.js';
import { InspectionAggregator, type FlowDescriber } from '../export/inspection/aggregator.js';
import type { InspectionReportOut, ReportDevice } from '../export/inspection/report-builder.js';
import { l4Name, type FlowRecord } from '../export/flows/flow-record.js';

/** How often (in packet time) idle flows are expired. */
const EXPIRE_STEP_US = 1_000_000;

export interface PipelineOptions {
  operatorId: string;
  gatewayId: string;
  intervalUs: number;
  flowCapacity: number;
  timeouts?: Partial<FlowTimeouts>;
  devices: DeviceDirectory;
  topDestinations?: number;
  onReport?: (r: InspectionReportOut) => void;
  onFlowEnd?: (r: FlowRecord) => void;
  /** Finished flows with their DPI protocol and metadata (for metadata records). */
  onFlowMeta?: (r: FlowRecord, info: { flowId: number; proto: string | null; meta: AppMeta }) => void;
  /** Application catalog (built-in plus the operator's custom definitions); default: built-in. */
  catalog?: AppCatalog;
  /** DPI on (default) or off (port-based names only). */
  dpi?: boolean;
}

export interface PipelineConfigChange {
  devices?: DeviceDirectory;
  catalog?: AppCatalog;
  intervalUs?: number;
  /** A new gateway / operator id: reports emitted from now on (the open interval's too) carry it. */
  ids?: { gatewayId: string; operatorId: string };
}

/** True when every device index of `a` names the same device (by address) in `b`. */
function sameNumbering(a: DeviceDirectory, b: DeviceDirectory): boolean {
  if (b.count < a.count) return false;
  for (let i = 0; i < a.count; i++) if (a.device(i).ip !== b.device(i).ip) return false;
  return true;
}

export interface PipelineStats {
  frames: number;
  ipPackets: number;
  ipBytes: number;
  nonIpFrames: number;
  unattributedPackets: number;
  unattributedBytes: number;
  decoderEvents: number;
}

export class Pipeline {
  readonly view = new PacketView();
  /** The fast path's packet (processBatch). */
  private readonly plain = new PlainIpv4();
  readonly flows: FlowTable;
  readonly attrs: FlowAttributes;
  readonly inspection: InspectionAggregator;
  readonly classify: ClassifyStage;
  readonly stats: PipelineStats = {
    frames: 0,
    ipPackets: 0,
    ipBytes: 0,
    nonIpFrames: 0,
    unattributedPackets: 0,
    unattributedBytes: 0,
    decoderEvents: 0,
  };
  private lastExpireUs = -Infinity;
  private readonly side = { side: 0 as 0 | 1 };
  private readonly addrScratch = new Uint8Array(16);
  private devices: DeviceDirectory;
  private readonly addrPair = new Uint8Array(32);
  private readonly addrPairA = this.addrPair.subarray(0, 16);
  private readonly addrPairB = this.addrPair.subarray(16, 32);
  private pendingConfig: PipelineConfigChange | null = null;
  private readonly destinations = new DestinationInterner();

  constructor(private readonly opts: PipelineOptions) {
    this.devices = opts.devices;
    // Evicted flows (table full) go through the same path as expired ones, so no counts are lost.
    this.flows = new FlowTable({ capacity: opts.flowCapacity, timeouts: opts.timeouts, onEvict: this.onExpire });
    this.attrs = new FlowAttributes(this.flows.capacity);
    this.classify = new ClassifyStage(this.flows, this.attrs, {
      catalog: opts.catalog ?? AppCatalog.builtin(),
      keepMeta: opts.onFlowMeta !== undefined,
      dpi: opts.dpi,
    });
    this.inspection = new InspectionAggregator(
      this.flows,
      this.describer,
      { operatorId: opts.operatorId, gatewayId: opts.gatewayId, intervalUs: opts.intervalUs, topDestinations: opts.topDestinations },
      (r) => opts.onReport?.(r),
    );
  }

  /** Queues a configuration change for the start of the next batch (safe to call at any time). */
  queueConfig(c: PipelineConfigChange): void {
    this.pendingConfig = this.pendingConfig ? { ...this.pendingConfig, ...c } : c;
  }

  /** Applies a queued configuration change, if any; ports call this between batches. */
  applyQueuedConfig(): void {
    const c = this.pendingConfig;
    if (c) {
      this.pendingConfig = null;
      this.applyConfig(c);
    }
  }

  /**
   * processFrame for every frame of a batch, with a fast path: a plain Ethernet/IPv4 TCP or UDP packet
   * (readPlainIpv4) of a live flow that no stage is watching any more is only counted to its flow -
   * the same counts, state and times the full path would give it, without decoding the frame. New
   * flows, flows still being classified, and every other kind of frame take the full path. The view
   * is not filled for a fast-path packet: callers that read it after each frame (the live gateway)
   * use processFrame.
   */
  processBatch(b: FrameBatch): void {
    this.applyQueuedConfig();
    const n = b.count;
    for (let i = 0; i < n; i++) {
      this.advanceTime(b.tsUs[i]);
      this.processFrameOfBatch(b, i);
    }
  }

  /**
   * Frame i of a batch, after advanceTime (which a sharded replay calls for every frame, this shard's
   * or not): the fast path when it applies, else decode and processDecoded. The view is not filled for
   * a fast-path packet.
   */
  processFrameOfBatch(b: FrameColumns, i: number): void {
    const buf = b.buf;
    const off = b.off[i];
    const linkType = b.linkType[i];
    const plain = this.plain;
    if (linkType === LinkType.ETHERNET && readPlainIpv4(buf, off, b.capLen[i], plain)) {
      plain.tsUs = b.tsUs[i];
      if (this.countKnownFlow(plain)) return;
    }
    decodeFrame(this.view, buf, off, b.capLen[i], b.wireLen[i], b.tsUs[i], linkType, b.ifIndex[i]);
    this.processDecoded();
  }

  /** The fast path: counts plain packet t if its flow is live and unwatched; false = take the full path. */
  private countKnownFlow(t: PlainIpv4): boolean {
    const found = this.flows.findPlainIpv4(t);
    if (found < 0) return false;
    const idx = found >> 1;
    // a stage that still wants the flow's packets (DPI) gets them decoded
    if (this.classify.classifying[idx] !== 0) return false;
    this.flows.countPlain(idx, found & 1, t);
    this.stats.frames++;
    this.ipPacketCounted(idx, t.ipLen);
    return true;
  }

  processFrame(buf: Uint8Array, off: number, capLen: number, wireLen: number, tsUs: number, linkType: number, ifIndex: number): void {
    this.advanceTime(tsUs);
    decodeFrame(this.view, buf, off, capLen, wireLen, tsUs, linkType, ifIndex);
    this.processDecoded();
  }

  /**
   * Packet time moves on: closes Inspection intervals and expires idle flows. Called for every frame,
   * including frames another shard processes, so every shard closes intervals at the same times.
   */
  advanceTime(tsUs: number): void {
    this.inspection.advance(tsUs);
    if (tsUs - this.lastExpireUs >= EXPIRE_STEP_US) {
      this.flows.expire(tsUs, this.onExpire);
      this.lastExpireUs = tsUs;
    }
  }

  /** Everything after decoding, for the frame now in `this.view` (after `advanceTime`). */
  processDecoded(): void {
    const p = this.view;
    this.stats.frames++;
    if (p.eventCount > 0) this.stats.decoderEvents += p.eventCount;

    const idx = this.flows.track(p);
    if (idx < 0) {
      this.stats.nonIpFrames++;
      return;
    }
    if (p.flowIsNew) this.flowCreated(idx, p);
    this.classify.packet(idx, p);
    this.ipPacketCounted(idx, p.ipLen);
  }

  private ipPacketCounted(idx: number, ipLen: number): void {
    const s = this.stats;
    s.ipPackets++;
    s.ipBytes += ipLen;
    if (this.attrs.device[idx] < 0) {
      s.unattributedPackets++;
      s.unattributedBytes += ipLen;
    }
  }

  /**
   * A new configuration, applied between batches (never inside one): the device directory, the
   * application catalog, the reporting interval. Traffic already seen stays booked under the devices
   * it belonged to; active flows are then attributed with the new directory, so no packet is lost or
   * counted twice, and each counts for the device the configuration said when it was seen.
   */
  applyConfig(c: PipelineConfigChange): void {
    if (c.intervalUs !== undefined) this.inspection.setIntervalUs(c.intervalUs);
    if (c.ids) this.inspection.setIds(c.ids);
    if (c.catalog) this.classify.setCatalog(c.catalog);
    if (c.devices && c.devices !== this.devices) {
      this.inspection.settleAll();
      const old = this.devices;
      this.devices = c.devices;
      this.reattributeFlows();
      // the DNS cache is keyed by device index: keep it only if the numbering is unchanged
      if (!sameNumbering(old, c.devices)) this.classify.dnsCache.clear();
    }
  }

  private reattributeFlows(): void {
    const f = this.flows;
    const a = this.attrs;
    const pair = this.addrPair;
    f.forEachActive((idx) => {
      f.addrA(idx, this.addrPairA);
      f.addrB(idx, this.addrPairB);
      a.device[idx] = this.devices.attribute(pair, 0, 16, f.ipVersion[idx] as 4 | 6, -1, this.side);
      a.deviceSide[idx] = this.side.side;
    });
  }

  /** End of input: end every flow and close the last interval. */
  finish(): void {
    this.flows.flush(this.onExpire);
    this.inspection.finish();
  }

  /** Device and application of a new flow, decided once from its first packet. */
  private flowCreated(idx: number, p: PacketView): void {
    const a = this.attrs;
    let teid = -1;
    const d = p.tunnelDepth;
    if (d > 0 && p.tunnelKind[d - 1] === TunnelKind.GTPU) teid = p.tunnelId[d - 1];
    const dev = this.devices.attribute(p.buf, p.srcAddrOff, p.dstAddrOff, p.ipVersion as 4 | 6, teid, this.side);
    a.device[idx] = dev;
    a.deviceSide[idx] = this.side.side;
    this.classify.flowCreated(idx, p);
    this.inspection.flowCreated(idx);
  }

  private readonly onExpire = (idx: number, reason: ExpireReason): void => {
    const restarting = reason === 'active';
    if (!restarting) this.classify.flowEnded(idx, this.flows.lastUsOf(idx));
    this.inspection.flowEnded(idx, restarting);
    const o = this.opts;
    if (o.onFlowEnd || o.onFlowMeta) {
      const rec = this.flowRecord(idx, reason);
      o.onFlowEnd?.(rec);
      if (o.onFlowMeta && !restarting) {
        const info = this.classify.release(idx);
        o.onFlowMeta(rec, { flowId: this.flows.seq[idx], proto: info.proto, meta: info.meta });
      }
    }
    if (!restarting) {
      this.classify.release(idx);
      this.attrs.device[idx] = -1;
    }
  };

  private addr(idx: number, side: 0 | 1): string {
    const f = this.flows;
    if (side === 0) f.addrA(idx, this.addrScratch);
    else f.addrB(idx, this.addrScratch);
    return formatIP(this.addrScratch, 0, f.ipVersion[idx]);
  }

  flowRecord(idx: number, reason: ExpireReason): FlowRecord {
    const f = this.flows;
    const a = this.attrs;
    const r: FlowRecord = {
      proto: l4Name(f.proto[idx]),
      ipVersion: f.ipVersion[idx],
      aAddr: this.addr(idx, 0),
      aPort: f.portA[idx],
      bAddr: this.addr(idx, 1),
      bPort: f.portB[idx],
      pktsAB: f.pktsAB(idx),
      pktsBA: f.pktsBA(idx),
      bytesAB: f.bytesAB(idx),
      bytesBA: f.bytesBA(idx),
      firstUs: f.firstUsOf(idx),
      lastUs: f.lastUsOf(idx),
      app: this.classify.labels.name(a.app[idx]),
      appMethod: APP_METHOD_NAMES[a.appMethod[idx]],
      endReason: reason,
    };
    const category = this.classify.labels.category(a.app[idx]);
    if (category) r.category = category;
    const dev = a.device[idx];
    if (dev >= 0) {
      const info = this.devices.device(dev);
      r.device = { ip: info.ip, side: a.deviceSide[idx] === 0 ? 'a' : 'b' };
      if (info.imsi) r.device.imsi = info.imsi;
    }
    return r;
  }

  private readonly describer: FlowDescriber = {
    device: (idx) => this.attrs.device[idx],
    deviceSide: (idx) => this.attrs.deviceSide[idx],
    remote: (idx) => {
      const f = this.flows;
      const remoteSide = this.attrs.deviceSide[idx] === 0 ? 1 : 0;
      if (remoteSide === 0) f.addrA(idx, this.addrScratch);
      else f.addrB(idx, this.addrScratch);
      const word = f.keyWords[idx * KEY_STRIDE + KEY_BASE + (remoteSide === 0 ? 0 : 4)];
      const port = remoteSide === 0 ? f.portA[idx] : f.portB[idx];
      return this.destinations.get(f.ipVersion[idx], this.addrScratch, word, port, f.proto[idx]);
    },
    remoteName: (idx) => this.classify.destinationName(idx),
    // label id and method in one number (methods < 8)
    appKey: (idx) => this.attrs.app[idx] * 8 + this.attrs.appMethod[idx],
    appOf: (key) => ({ app: this.classify.labels.name(Math.floor(key / 8)), method: APP_METHOD_NAMES[key % 8] }),
    deviceInfo: (dev): ReportDevice => {
      const info = this.devices.device(dev);
      const out: ReportDevice = { ip: info.ip, registered: info.registered };
      if (info.imsi) out.imsi = info.imsi;
      if (info.name) out.name = info.name;
      if (info.group) out.group = info.group;
      return out;
    },
  };
}
