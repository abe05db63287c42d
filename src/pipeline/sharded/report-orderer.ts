// Puts the shards' Inspection reports back in one stable order (interval end, then record id) and
// releases an interval's reports as soon as every shard has closed that interval. A sharded replay so
// holds the reports of about one interval, not the whole run's (a day of 4,000 devices at 60 s is
// 5.8 million reports), and the writing overlaps the replay instead of following it.
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';

export function reportOrder(a: InspectionReportOut, b: InspectionReportOut): number {
  return a.timestamp - b.timestamp || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0);
}

export class ReportOrderer {
  private pending: InspectionReportOut[] = [];
  /** The latest `endMs` released: no report of an interval ending at or before it can come any more. */
  private releasedThroughMs = -Infinity;
  /** Reports released so far. */
  released = 0;

  constructor(private readonly emit: (r: InspectionReportOut) => void) {}

  add(r: InspectionReportOut): void {
    this.pending.push(r);
  }

  /** Every shard has closed each interval ending at or before `endMs`: releases those reports, in order. */
  release(endMs: number): void {
    // called after every batch; the frontier moves once an interval (hundreds of batches apart)
    if (endMs <= this.releasedThroughMs) return;
    this.releasedThroughMs = endMs;
    const ready: InspectionReportOut[] = [];
    const rest: InspectionReportOut[] = [];
    for (const r of this.pending) (r.timestamp <= endMs ? ready : rest).push(r);
    if (ready.length === 0) return;
    this.pending = rest;
    ready.sort(reportOrder);
    for (const r of ready) this.emit(r);
    this.released += ready.length;
  }

  /** The end of the run: releases everything left, in order. */
  releaseAll(): void {
    this.release(Infinity);
  }
}
