// The daily index of a record, `<prefix>-<type>-YYYY.MM.DD` (UTC), from the record's own time: the
// envelope's `time`, else the record's `timestamp` (EVE/alert/anomaly string, Inspection UNIX ms),
// else a flow record's `lastUs`; the current time when none is usable.
import type { SinkRecordType } from '../sink.js';

type Obj = Record<string, unknown>;

function timeOf(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : NaN;
  if (typeof v !== 'string') return NaN;
  // Date.parse wants `+00:00`; Suricata writes `+0000`.
  return Date.parse(v.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

/** The record's time in UNIX ms (NaN when it has none). */
export function recordTimeMs(doc: Obj): number {
  let t = timeOf(doc.time);
  if (Number.isNaN(t)) {
    const inner = typeof doc.record === 'object' && doc.record !== null && 'id' in doc && 'type' in doc ? (doc.record as Obj) : doc;
    t = timeOf(inner.timestamp);
    if (Number.isNaN(t) && typeof inner.lastUs === 'number') t = inner.lastUs / 1000;
  }
  return t;
}

export function dayIndex(prefix: string, type: SinkRecordType, timeMs: number): string {
  const d = new Date(Number.isNaN(timeMs) ? Date.now() : timeMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + 1;
  const day = d.getUTCDate();
  return `${prefix}-${type}-${y}.${m < 10 ? '0' : ''}${m}.${day < 10 ? '0' : ''}${day}`;
}
