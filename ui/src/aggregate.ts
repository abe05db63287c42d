// Fleet views computed from Inspection reports (one per device per interval).
import type { Report } from './types.js';

export interface Series {
  /** Interval ends, in seconds (uPlot's x axis). */
  t: number[];
  up: number[];
  down: number[];
}

/** Uplink/downlink bit rate per interval, oldest first. */
export function throughput(reports: readonly Report[]): Series {
  const by = new Map<number, { up: number; down: number; secs: number }>();
  for (const r of reports) {
    const iv = r.payloads.interval;
    const e = by.get(iv.end) ?? { up: 0, down: 0, secs: Math.max(1, (iv.end - iv.start) / 1000) };
    e.up += r.payloads.uplink.bytes;
    e.down += r.payloads.downlink.bytes;
    by.set(iv.end, e);
  }
  const ends = [...by.keys()].sort((a, b) => a - b);
  return {
    t: ends.map((e) => e / 1000),
    up: ends.map((e) => (by.get(e)!.up * 8) / by.get(e)!.secs),
    down: ends.map((e) => (by.get(e)!.down * 8) / by.get(e)!.secs),
  };
}

/** Devices with a report in the newest interval. */
export function devicesOnline(reports: readonly Report[]): { count: number; at: number } {
  let at = 0;
  for (const r of reports) at = Math.max(at, r.payloads.interval.end);
  const ips = new Set(reports.filter((r) => r.payloads.interval.end === at).map((r) => r.payloads.device.ip));
  return { count: ips.size, at };
}

export interface Total {
  key: string;
  label: string;
  bytes: number;
  up: number;
  down: number;
  packets: number;
  devices: number;
}

function addTo(m: Map<string, Total & { set: Set<string> }>, key: string, label: string, up: number, down: number, packets: number, device: string) {
  let t = m.get(key);
  if (!t) m.set(key, (t = { key, label, bytes: 0, up: 0, down: 0, packets: 0, devices: 0, set: new Set() }));
  t.up += up;
  t.down += down;
  t.bytes += up + down;
  t.packets += packets;
  t.set.add(device);
  t.devices = t.set.size;
}

function sorted(m: Map<string, Total & { set: Set<string> }>, n: number): Total[] {
  return [...m.values()]
    .sort((a, b) => b.bytes - a.bytes || (a.key < b.key ? -1 : 1))
    .slice(0, n)
    .map(({ set: _set, ...t }) => t);
}

export function topApps(reports: readonly Report[], n = 10): Total[] {
  const m = new Map<string, Total & { set: Set<string> }>();
  for (const r of reports) for (const a of r.payloads.applications) addTo(m, a.app, a.app, a.uplinkBytes, a.downlinkBytes, a.packets, r.payloads.device.ip);
  return sorted(m, n);
}

export function topDestinations(reports: readonly Report[], n = 10): Total[] {
  const m = new Map<string, Total & { set: Set<string> }>();
  for (const r of reports) {
    for (const d of r.payloads.destinations) {
      const where = `${d.address}:${d.port}/${d.protocol}`;
      addTo(m, where, d.name ? `${d.name} (${where})` : where, d.uplinkBytes, d.downlinkBytes, d.packets, r.payloads.device.ip);
    }
  }
  return sorted(m, n);
}

/** Traffic per application within each device group ("(no group)" for devices without one). */
export function appsByGroup(reports: readonly Report[]): Map<string, Total[]> {
  const groups = new Map<string, Report[]>();
  for (const r of reports) {
    const g = r.payloads.device.group ?? '(no group)';
    const l = groups.get(g) ?? [];
    l.push(r);
    groups.set(g, l);
  }
  const out = new Map<string, Total[]>();
  for (const g of [...groups.keys()].sort()) out.set(g, topApps(groups.get(g)!, 50));
  return out;
}

/** Bytes per interval of each of the given applications, for a multi-line chart. */
export function appSeries(reports: readonly Report[], apps: readonly string[]): { t: number[]; values: number[][] } {
  const ends = [...new Set(reports.map((r) => r.payloads.interval.end))].sort((a, b) => a - b);
  const idx = new Map(ends.map((e, i) => [e, i]));
  const values = apps.map(() => ends.map(() => 0));
  for (const r of reports) {
    const i = idx.get(r.payloads.interval.end)!;
    const secs = Math.max(1, (r.payloads.interval.end - r.payloads.interval.start) / 1000);
    for (const a of r.payloads.applications) {
      const k = apps.indexOf(a.app);
      if (k >= 0) values[k][i] += (a.bytes * 8) / secs;
    }
  }
  return { t: ends.map((e) => e / 1000), values };
}
