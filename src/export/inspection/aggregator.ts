// Inspection: turns flow counters into one report per device per interval.
//
// Nothing happens per packet here: the flow table already counts packets and bytes per direction.
// The aggregator takes each flow's delta (current counters minus what was already reported) when an
// interval closes and when a flow ends, so the sum of all reports equals the capture's totals exactly.

import { DeviceInterval, addFlowDelta, type FlowDelta, type FlowDestination } from './interval-accumulator.js';
import { growDense } from '../../core/dense-array.js';
import { COUNTER_STRIDE, C_BYTES_AB, C_BYTES_BA, C_PKTS_AB, C_PKTS_BA } from '../../flow/flow-table.js';
import { buildInspectionReport, type InspectionReportOut, type ReportContext, type ReportDevice } from './report-builder.js';

/** The flow-table columns the aggregator reads (indexed by flow index). */
export interface FlowCounters {
  readonly capacity: number;
  /** COUNTER_STRIDE numbers per flow, the first four packets A→B, B→A, bytes A→B, B→A (flow-table.ts). */
  readonly counters: Float64Array;
  forEachActive(fn: (idx: number) => void): void;
  /** Every live flow counted since the previous call (the flows whose counters may have changed). */
  forEachTouched(fn: (idx: number) => void): void;
}

/** Everything else the aggregator needs to know about a flow, supplied by the pipeline. */
export interface FlowDescriber {
  /** Device index of the flow, or -1. */
  device(idx: number): number;
  /** 0 when side A is the device. */
  deviceSide(idx: number): number;
  /** The flow's remote end (asked once per flow; the aggregator keeps it while the flow lives). */
  remote(idx: number): FlowDestination;
  /** The remote's host name, when known (it can appear during the flow). */
  remoteName(idx: number): string | undefined;
  /** A number naming the flow's application and naming method (equal keys = same app and method). */
  appKey(idx: number): number;
  /** The application and method of an appKey. */
  appOf(key: number): { app: string; method: string };
  deviceInfo(deviceIdx: number): ReportDevice;
}

/** A device's open interval: keyed by identity (IMSI, else IP), not by directory index, so a new
 *  device directory (config snapshot) mid-interval does not split or mix devices. */
interface OpenDevice {
  info: ReportDevice;
  acc: DeviceInterval;
}

export interface AggregatorOptions extends ReportContext {
  intervalUs: number;
  topDestinations?: number;
}

/** Numbers per flow in `reported`: the four counters, as in FlowCounters.counters. */
const REPORTED_STRIDE = 4;

export class InspectionAggregator {
  /** What was reported of each flow's counters, laid out as FlowCounters.counters (one cache line read). */
  private readonly reported: Float64Array;
  /** Accumulators of the open interval, by device identity. */
  private open = new Map<string, OpenDevice>();
  /** The open interval's accumulator by device index: a cache of `open`, cleared whenever device
   *  indexes may change meaning (interval close, settleAll before a new directory). */
  private openByDev: (OpenDevice | undefined)[] = [];
  /** Each live flow's remote end, described on its first delta (growDense; undefined = not yet). */
  private readonly destOf: (FlowDestination | undefined)[] = [];
  private readonly appOf = (key: number) => this.describe.appOf(key);
  /** Interval length to use from the next interval on (a config change never cuts one short). */
  private nextIntervalUs = 0;
  private intervalStartUs = -1;
  private readonly delta: FlowDelta = { upPackets: 0, upBytes: 0, downPackets: 0, downBytes: 0 };
  reportsEmitted = 0;

  constructor(
    private readonly flows: FlowCounters,
    private readonly describe: FlowDescriber,
    private readonly opts: AggregatorOptions,
    private readonly emit: (r: InspectionReportOut) => void,
  ) {
    const n = flows.capacity;
    this.reported = new Float64Array(n * REPORTED_STRIDE);
  }

  /** Start of the interval open now (µs), or -1 before the first packet. Every interval ending at or
   *  before it has been closed and reported. */
  get openIntervalStartUs(): number {
    return this.intervalStartUs;
  }

  get intervalUs(): number {
    return this.opts.intervalUs;
  }

  /** A new reporting interval takes effect when the open interval closes. */
  setIntervalUs(us: number): void {
    if (us !== this.opts.intervalUs) this.nextIntervalUs = us;
  }

  /** A new gateway / operator id (a reload): every report emitted from now on, the open interval's too, carries it. */
  setIds(ids: ReportContext): void {
    this.opts.gatewayId = ids.gatewayId;
    this.opts.operatorId = ids.operatorId;
  }

  /**
   * Books every flow's unreported traffic under its current device now - before a new device
   * directory re-attributes the flows - so each packet counts for the device it belonged to when seen.
   */
  settleAll(): void {
    this.flows.forEachActive((idx) => this.takeDelta(idx));
    // the flows are about to be re-attributed: device indexes and device sides may change
    this.openByDev = [];
    this.destOf.fill(undefined);
  }

  /** Call with every packet's time before it is counted; closes intervals the time has passed. */
  advance(tsUs: number): void {
    if (this.intervalStartUs < 0) {
      this.intervalStartUs = alignDown(tsUs, this.opts.intervalUs);
      return;
    }
    if (tsUs < this.intervalStartUs + this.opts.intervalUs) return;
    this.closeInterval();
    if (this.nextIntervalUs > 0) {
      this.opts.intervalUs = this.nextIntervalUs;
      this.nextIntervalUs = 0;
    }
    this.intervalStartUs = alignDown(tsUs, this.opts.intervalUs);
  }

  /** A new flow was created (counts toward the device's new flows). */
  flowCreated(idx: number): void {
    if (idx >= this.destOf.length) growDense(this.destOf, idx, undefined);
    this.destOf[idx] = undefined;
    this.reported.fill(0, idx * REPORTED_STRIDE, idx * REPORTED_STRIDE + REPORTED_STRIDE);
    const dev = this.describe.device(idx);
    if (dev >= 0) this.acc(dev).newFlows++;
  }

  /** A flow ends, or restarts its counters (active timeout): take its unreported delta first. */
  flowEnded(idx: number, restarting: boolean): void {
    this.takeDelta(idx);
    if (restarting) {
      this.reported.fill(0, idx * REPORTED_STRIDE, idx * REPORTED_STRIDE + REPORTED_STRIDE);
    }
  }

  /** End of input: close the open interval (flows must have been ended first, or are walked here). */
  finish(): void {
    if (this.intervalStartUs >= 0) this.closeInterval();
    this.intervalStartUs = -1;
  }

  private closeInterval(): void {
    // a flow that had no packet since the last close has no delta: visit only the others
    this.flows.forEachTouched(this.takeDeltaOf);
    const start = this.intervalStartUs;
    const end = start + this.opts.intervalUs;
    const keys = [...this.open.keys()].sort();
    for (const key of keys) {
      const { info, acc } = this.open.get(key)!;
      if (acc.empty) continue;
      this.emit(buildInspectionReport(this.opts, info, start, end, acc, this.opts.topDestinations ?? 10));
      this.reportsEmitted++;
    }
    this.open = new Map();
    this.openByDev = [];
  }

  private readonly takeDeltaOf = (idx: number): void => this.takeDelta(idx);

  private takeDelta(idx: number): void {
    const c = this.flows.counters;
    const r = this.reported;
    const o = idx * COUNTER_STRIDE;
    const q = idx * REPORTED_STRIDE;
    const p0 = c[o + C_PKTS_AB] - r[q + C_PKTS_AB];
    const p1 = c[o + C_PKTS_BA] - r[q + C_PKTS_BA];
    if (p0 === 0 && p1 === 0) return;
    const b0 = c[o + C_BYTES_AB] - r[q + C_BYTES_AB];
    const b1 = c[o + C_BYTES_BA] - r[q + C_BYTES_BA];
    r[q] = c[o];
    r[q + 1] = c[o + 1];
    r[q + 2] = c[o + 2];
    r[q + 3] = c[o + 3];
    const dev = this.describe.device(idx);
    if (dev < 0) return;
    const d = this.delta;
    if (this.describe.deviceSide(idx) === 0) {
      d.upPackets = p0;
      d.upBytes = b0;
      d.downPackets = p1;
      d.downBytes = b1;
    } else {
      d.upPackets = p1;
      d.upBytes = b1;
      d.downPackets = p0;
      d.downBytes = b0;
    }
    let dest = this.destOf[idx];
    if (dest === undefined) {
      dest = this.describe.remote(idx);
      if (idx < this.destOf.length) this.destOf[idx] = dest;
    }
    addFlowDelta(this.acc(dev), d, dest, this.describe.remoteName(idx), this.describe.appKey(idx), this.appOf);
  }

  private acc(dev: number): DeviceInterval {
    const cached = dev < this.openByDev.length ? this.openByDev[dev] : undefined;
    if (cached !== undefined) return cached.acc;
    const info = this.describe.deviceInfo(dev);
    const key = info.imsi ?? info.ip;
    let o = this.open.get(key);
    if (!o) {
      o = { info, acc: new DeviceInterval() };
      this.open.set(key, o);
    } else {
      o.info = info; // the latest name/group wins for the report
    }
    growDense(this.openByDev, dev, undefined);
    this.openByDev[dev] = o;
    return o.acc;
  }
}

function alignDown(tsUs: number, stepUs: number): number {
  return Math.floor(tsUs / stepUs) * stepUs;
}
