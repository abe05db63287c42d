// Devices: a searchable table of the gateway's devices with their recent traffic.
import { useState } from 'preact/hooks';
import type { Device, Report } from '../types.js';
import { bytes, time } from '../format.js';
import { qs } from '../api.js';
import { useApi, windowStart } from '../hooks.js';

export function Devices({ gw, tick }: { gw: string; tick: number }) {
  const [q, setQ] = useState('');
  const devices = useApi<{ items: Device[] }>(`/v1/gateways/${encodeURIComponent(gw)}/devices?limit=10000`, tick);
  const reports = useApi<{ items: Report[] }>(`/v1/reports${qs({ gateway: gw, from: windowStart(tick, 15), limit: 1000 })}`, tick);
  const traffic = new Map<string, { bytes: number; last: number }>();
  for (const r of reports.data?.items ?? []) {
    const t = traffic.get(r.payloads.device.ip) ?? { bytes: 0, last: 0 };
    t.bytes += r.payloads.uplink.bytes + r.payloads.downlink.bytes;
    t.last = Math.max(t.last, r.payloads.interval.end);
    traffic.set(r.payloads.device.ip, t);
  }
  const needle = q.trim().toLowerCase();
  const rows = (devices.data?.items ?? []).filter((d) => !needle || [d.name, d.ip, d.imsi, d.group, ...(d.tags ?? [])].some((v) => v && v.toLowerCase().includes(needle)));
  return (
    <div class="page" data-testid="devices">
      <section class="card">
        <div class="toolbar">
          <h3>Devices</h3>
          <input type="search" name="search" placeholder="search name, IP, IMSI, group, tag" value={q} onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
          <span class="muted">
            {rows.length} of {devices.data?.items.length ?? 0}
          </span>
        </div>
        {devices.error ? <p class="error">{devices.error}</p> : null}
        <table data-testid="device-table">
          <thead>
            <tr>
              <th>name</th>
              <th>IP</th>
              <th>IMSI</th>
              <th>group</th>
              <th>status</th>
              <th class="num">traffic (15 min)</th>
              <th>last report</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => {
              const t = traffic.get(d.ip);
              return (
                <tr key={d.id}>
                  <td>
                    <a href={`#/devices/${encodeURIComponent(d.ip)}`}>{d.name || d.ip}</a>
                  </td>
                  <td>{d.ip}</td>
                  <td>{d.imsi ?? ''}</td>
                  <td>{d.group ?? ''}</td>
                  <td>
                    <span class={`pill ${d.status}`}>{d.status}</span>
                  </td>
                  <td class="num">{t ? bytes(t.bytes) : '-'}</td>
                  <td>{t ? time(t.last) : '-'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
