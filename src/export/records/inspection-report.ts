// The Inspection report record (schemas/inspection-report.schema.json, docs/inspection.md): TS types
// and a validator for producers' tests and consumers' checks. Validation is not on the hot path.
import type { ValidateFunction } from 'ajv';
import { sharedAjv } from '../../control/config/ajv.js';
import { readSchemaFile } from '../../control/config/schema-file.js';
import { formatPath, pointerToSegments } from '../../control/config/config-path.js';

export type { AppMethod, TrafficCounters, ReportDestination, ReportApplication, InspectionReport } from './inspection-report-types.js';
import type { InspectionReport } from './inspection-report-types.js';

/** The record id of a device's report for the interval ending at timestampMs. */
export function inspectionRecordId(gatewayId: string, timestampMs: number, deviceIp: string): string {
  return `${gatewayId}:${timestampMs}:${deviceIp}`;
}

let validator: ValidateFunction | undefined;

/**
 * Problems with a report, one sentence each (`payloads.destinations[0].port: must be <= 65535`);
 * empty when valid. Checks the JSON schema, then what the schema cannot express: bytes =
 * uplinkBytes + downlinkBytes for every destination and application, applications add up to
 * uplink + downlink, interval.start <= end, timestamp = interval.end.
 */
export function validateInspectionReport(obj: unknown): string[] {
  validator ??= sharedAjv().compile(readSchemaFile('inspection-report.schema.json'));
  if (!validator(obj)) {
    return (validator.errors ?? []).map((e) => {
      const segs = pointerToSegments(e.instancePath);
      if (e.keyword === 'additionalProperties') segs.push(String((e.params as { additionalProperty: string }).additionalProperty));
      if (e.keyword === 'required') segs.push(String((e.params as { missingProperty: string }).missingProperty));
      const problem =
        e.keyword === 'additionalProperties' ? 'is not a report field' : e.keyword === 'required' ? 'is required' : (e.message ?? e.keyword);
      return `${formatPath(segs) || '(root)'}: ${problem}`;
    });
  }
  const r = obj as InspectionReport;
  const out: string[] = [];
  const p = r.payloads;
  if (p.interval.start > p.interval.end) out.push('payloads.interval: start is after end');
  if (r.timestamp !== p.interval.end) out.push('timestamp: is not payloads.interval.end');
  let appPackets = 0;
  let appBytes = 0;
  for (const a of p.applications) {
    appPackets += a.packets;
    appBytes += a.bytes;
  }
  if (appPackets !== p.uplink.packets + p.downlink.packets || appBytes !== p.uplink.bytes + p.downlink.bytes) {
    out.push('payloads.applications: packets/bytes do not add up to uplink + downlink');
  }
  p.destinations.forEach((d, i) => {
    if (d.bytes !== d.uplinkBytes + d.downlinkBytes) out.push(`payloads.destinations[${i}].bytes: is not uplinkBytes + downlinkBytes`);
  });
  p.applications.forEach((a, i) => {
    if (a.bytes !== a.uplinkBytes + a.downlinkBytes) out.push(`payloads.applications[${i}].bytes: is not uplinkBytes + downlinkBytes`);
  });
  return out;
}
