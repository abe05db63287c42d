// One Inspection report per device per interval, with several live workers. The kernel steers packets
// to workers by flow (the hash of the inner addresses), so a device talking to several peers is spread
// over workers, and each worker reports its part. The main thread holds the parts
// of an interval until every worker has closed it (each flush says which interval the worker has open),
// then emits one report per device: counters summed, destinations and applications merged, the top N
// destinations taken again. A part that arrives after its interval was emitted (a worker's batch stamped
// just before the boundary, processed after it) goes out alone, renamed `<id>:part<n>` (SplitReportIds).
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { ReportApplication, ReportDestination } from '../../export/records/inspection-report-types.js';
import { SplitReportIds } from './split-report-ids.js';

export class ReportMerger {
  /** Parts waiting for every worker to close their interval, by record id (gateway, interval end, device). */
  private readonly pending = new Map<string, InspectionReportOut>();
  /** Per worker: the start (ms) of the interval it has open; Infinity once it has stopped or has none. */
  private readonly openFromMs: number[];
  private emittedUntilMs = -Infinity;
  /** Reports made of parts from more than one worker. */
  merged = 0;

  /**
   * `ids`: the record ids already given, shared by every worker pool of one gateway (a pool restarted on
   * new ports reports the interval the old one left open under the same id: a later part).
   */
  constructor(
    workers: number,
    private readonly topDestinations: number,
    private readonly emit: (r: InspectionReportOut) => void,
    private readonly ids = new SplitReportIds(),
  ) {
    this.openFromMs = new Array<number>(workers).fill(-Infinity);
  }

  /** Reports renamed `:part<n>` so far by the shared ids: late parts, and parts reported again by a later pool. */
  get lateParts(): number {
    return this.ids.renamed;
  }

  /** A worker's reports, and the start of the interval it has open now (null: none open, or stopped). */
  add(worker: number, reports: readonly InspectionReportOut[], openFromMs: number | null): void {
    for (const r of reports) {
      if (r.timestamp <= this.emittedUntilMs) {
        this.out(r);
        continue;
      }
      const prev = this.pending.get(r.recordId);
      if (prev) {
        mergeInto(prev, r, this.topDestinations);
        this.merged++;
      } else this.pending.set(r.recordId, r);
    }
    this.openFromMs[worker] = openFromMs ?? Infinity;
    this.flush(Math.min(...this.openFromMs));
  }

  /** Emits everything still held (the gateway stops). */
  finish(): void {
    this.flush(Infinity);
  }

  private flush(untilMs: number): void {
    if (untilMs === -Infinity) return;
    const ready = [...this.pending.values()].filter((r) => r.timestamp <= untilMs);
    ready.sort((a, b) => a.timestamp - b.timestamp || (a.recordId < b.recordId ? -1 : 1));
    for (const r of ready) {
      this.pending.delete(r.recordId);
      this.out(r);
    }
    // every worker idle (none open yet) is not "everything emitted forever": a part that comes later
    // must still wait for the others, so only a real interval start moves the mark
    if (untilMs > this.emittedUntilMs && untilMs !== Infinity) this.emittedUntilMs = untilMs;
  }

  private out(r: InspectionReportOut): void {
    this.ids.claim(r);
    this.emit(r);
  }
}

/** Adds report b (the same device and interval) into a. */
export function mergeInto(a: InspectionReportOut, b: InspectionReportOut, topDestinations: number): void {
  const pa = a.payloads;
  const pb = b.payloads;
  pa.uplink.packets += pb.uplink.packets;
  pa.uplink.bytes += pb.uplink.bytes;
  pa.downlink.packets += pb.downlink.packets;
  pa.downlink.bytes += pb.downlink.bytes;
  pa.flows.active += pb.flows.active;
  pa.flows.new += pb.flows.new;

  const dests = new Map<string, ReportDestination>();
  for (const d of [...pa.destinations, ...pb.destinations]) {
    const k = `${d.protocol}|${d.address}|${d.port}`;
    const x = dests.get(k);
    if (!x) dests.set(k, { ...d });
    else {
      x.uplinkBytes += d.uplinkBytes;
      x.downlinkBytes += d.downlinkBytes;
      x.bytes += d.bytes;
      x.packets += d.packets;
      // the accumulator's rule (interval-accumulator.ts): the alphabetically first name
      if (d.name && (x.name === undefined || d.name < x.name)) x.name = d.name;
    }
  }
  // the order the report builder uses: bytes, then address, then port
  pa.destinations = [...dests.values()]
    .sort((x, y) => y.bytes - x.bytes || (x.address < y.address ? -1 : x.address > y.address ? 1 : 0) || x.port - y.port)
    .slice(0, topDestinations);

  const apps = new Map<string, ReportApplication>();
  for (const ap of [...pa.applications, ...pb.applications]) {
    const k = `${ap.app}|${ap.method}`;
    const x = apps.get(k);
    if (!x) apps.set(k, { ...ap });
    else {
      x.packets += ap.packets;
      x.bytes += ap.bytes;
      x.uplinkBytes += ap.uplinkBytes;
      x.downlinkBytes += ap.downlinkBytes;
      x.flows += ap.flows;
    }
  }
  pa.applications = [...apps.values()].sort((x, y) => y.bytes - x.bytes || (x.app < y.app ? -1 : x.app > y.app ? 1 : 0));
}
