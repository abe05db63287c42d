// Overview: live throughput, throughput per interval (up/down), devices online, top apps and destinations.
import type { Device, Report } from '../types.js';
import { devicesOnline, throughput, topApps, topDestinations } from '../aggregate.js';
import { Chart } from '../components/Chart.js';
import { Stat, TotalsTable } from '../components/Bits.js';
import { bits, count, time } from '../format.js';
import { qs } from '../api.js';
import { useApi, windowStart } from '../hooks.js';
import type { LiveState } from '../App.js';

export function Overview({ gw, tick, live }: { gw: string; tick: number; live: LiveState }) {
  const reports = useApi<{ items: Report[] }>(`/v1/reports${qs({ gateway: gw, from: windowStart(tick, 15), limit: 1000 })}`, tick);
  const devices = useApi<{ items: Device[] }>(`/v1/gateways/${encodeURIComponent(gw)}/devices?limit=10000`, tick);
  const items = reports.data?.items ?? [];
  const tp = throughput(items);
  const online = devicesOnline(items);
  const last = live.event;
  return (
    <div class="page" data-testid="overview">
      <div class="stats">
        <Stat testId="stat-online" label="Devices online" value={`${count(online.count)} / ${count(devices.data?.items.length ?? 0)}`} hint={online.at ? `in the interval ending ${time(online.at)}` : 'no report yet'} />
        <Stat testId="stat-throughput" label="Throughput now" value={last ? bits(last.rates.ipBitsPerSec) : '-'} hint={last ? `${count(last.rates.ipPacketsPerSec)} packets/s · ↑ ${bits(last.rates.upBitsPerSec ?? 0)} ↓ ${bits(last.rates.downBitsPerSec ?? 0)}` : 'connecting…'} />
        <Stat testId="stat-flows" label="Active flows" value={last ? count(last.counters.flowsActive ?? 0) : '-'} />
        <Stat testId="stat-reports" label="Reports" value={last ? count(last.counters.reportsEmitted ?? 0) : '-'} hint="since the data path started" />
      </div>
      {reports.error ? <p class="error">{reports.error}</p> : null}
      <div class="grid2">
        <Chart
          title="Live throughput"
          t={live.t}
          series={[
            { label: 'all', values: live.bps, color: '#2563eb' },
            { label: 'uplink (device → network)', values: live.up, color: '#16a34a' },
            { label: 'downlink (network → device)', values: live.down, color: '#9333ea' },
          ]}
        />
        <Chart
          title="Throughput per interval"
          t={tp.t}
          series={[
            { label: 'uplink', values: tp.up, color: '#16a34a' },
            { label: 'downlink', values: tp.down, color: '#9333ea' },
          ]}
        />
      </div>
      <div class="grid2">
        <TotalsTable testId="top-apps" title="Top applications (15 min)" keyLabel="application" rows={topApps(items, 8)} />
        <TotalsTable testId="top-destinations" title="Top destinations (15 min)" keyLabel="destination" rows={topDestinations(items, 8)} />
      </div>
    </div>
  );
}
