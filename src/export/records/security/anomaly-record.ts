// The anomaly record (schemas/anomaly-record.schema.json): a device's metric left its expected range over
// a window. No producer yet (the security function comes later); Outputs validates with it.
import { schemaValidator } from './schema-problems.js';

export type AnomalyAction = 'none' | 'alert' | 'rate_limit' | 'quarantine' | 'block';

export interface AnomalyRecord {
  /** ISO 8601 with microseconds and +0000 (as EVE records). */
  timestamp: string;
  event_type: 'anomaly';
  device: { ip: string; imsi?: string; name?: string; group?: string };
  /** e.g. bytes_up, flows, distinct_destinations. */
  metric: string;
  unit?: string;
  observed: number;
  expected: number;
  forecast?: { lower: number; upper: number; model?: string };
  score: number;
  threshold?: number;
  window: { start: string; end: string; seconds: number };
  action: AnomalyAction;
  reason?: string;
  fleetgate: { operatorId: string; gatewayId: string };
}

const schemaOnly = schemaValidator('anomaly-record.schema.json');

/** Problems with an anomaly record, one sentence each (also: window.start <= window.end); empty when valid. */
export function validateAnomalyRecord(obj: unknown): string[] {
  const problems = schemaOnly(obj);
  if (problems.length > 0) return problems;
  const r = obj as AnomalyRecord;
  const out: string[] = [];
  // Fixed-width timestamps: string order is time order.
  if (r.window.start > r.window.end) out.push('window: start is after end');
  if (r.forecast && r.forecast.lower > r.forecast.upper) out.push('forecast: lower is above upper');
  return out;
}
