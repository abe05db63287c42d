// Builds the Inspection report (schemas/inspection-report.schema.json) from one device's interval.

import type { DestinationTotals, DeviceInterval } from './interval-accumulator.js';
import type { InspectionReport, AppMethod, ReportDestination } from '../records/inspection-report.js';

export interface ReportContext {
  operatorId: string;
  gatewayId: string;
}

export interface ReportDevice {
  ip: string;
  imsi?: string;
  name?: string;
  group?: string;
  registered: boolean;
}

/** The report as it leaves the data path: the record type of schemas/inspection-report.schema.json. */
export type InspectionReportOut = InspectionReport;

export function buildInspectionReport(
  ctx: ReportContext,
  dev: ReportDevice,
  startUs: number,
  endUs: number,
  acc: DeviceInterval,
  topN: number,
): InspectionReportOut {
  const startMs = Math.floor(startUs / 1000);
  const endMs = Math.floor(endUs / 1000);
  const destinations = topDestinations(acc.destinations.values(), topN).map((d) => {
    const out: ReportDestination = {
      address: d.address,
      port: d.port,
      protocol: d.protocol,
      uplinkBytes: d.uplinkBytes,
      downlinkBytes: d.downlinkBytes,
      bytes: d.uplinkBytes + d.downlinkBytes,
      packets: d.packets,
    };
    if (d.name) out.name = d.name;
    return out;
  });
  const applications = [...acc.apps.values()]
    .map((a) => ({
      app: a.app,
      method: a.method as AppMethod,
      packets: a.packets,
      bytes: a.uplinkBytes + a.downlinkBytes,
      uplinkBytes: a.uplinkBytes,
      downlinkBytes: a.downlinkBytes,
      flows: a.flows,
    }))
    .sort((a, b) => b.bytes - a.bytes || cmp(a.app, b.app));
  const device: InspectionReport['payloads']['device'] = { ip: dev.ip, registered: dev.registered };
  if (dev.name) device.name = dev.name;
  if (dev.group) device.group = dev.group;
  const report: InspectionReportOut = {
    recordType: 'inspection',
    recordId: `${ctx.gatewayId}:${endMs}:${dev.ip}`,
    operatorId: ctx.operatorId,
    gatewayId: ctx.gatewayId,
    timestamp: endMs,
    payloads: {
      device,
      interval: { start: startMs, end: endMs },
      uplink: { packets: acc.uplink.packets, bytes: acc.uplink.bytes },
      downlink: { packets: acc.downlink.packets, bytes: acc.downlink.bytes },
      flows: { active: acc.activeFlows, new: acc.newFlows },
      destinations,
      applications,
    },
  };
  if (dev.imsi) report.imsi = dev.imsi;
  return report;
}

/** Report order: bytes (descending), then address, then port. */
function byRank(a: DestinationTotals, b: DestinationTotals): number {
  return b.uplinkBytes + b.downlinkBytes - (a.uplinkBytes + a.downlinkBytes) || cmp(a.address, b.address) || a.port - b.port;
}

/**
 * The first n destinations in report order, without sorting them all: a device that scans talks to
 * thousands of addresses an interval, of which the report keeps ten. Stable: of equal ranks, the one
 * seen first comes first (as a stable sort would place it).
 */
function topDestinations(all: Iterable<DestinationTotals>, n: number): DestinationTotals[] {
  const top: DestinationTotals[] = [];
  if (n <= 0) return top;
  for (const d of all) {
    if (top.length === n && byRank(d, top[n - 1]) >= 0) continue;
    let j = top.length < n ? top.length : n - 1;
    // shift the ones d outranks one place down (the last falls off when full)
    while (j > 0 && byRank(d, top[j - 1]) < 0) {
      top[j] = top[j - 1];
      j--;
    }
    top[j] = d;
  }
  return top;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
