// Applications: traffic per application across the fleet, over time, and per device group.
import type { Report } from '../types.js';
import { appSeries, appsByGroup, topApps } from '../aggregate.js';
import { Chart } from '../components/Chart.js';
import { TotalsTable } from '../components/Bits.js';
import { qs } from '../api.js';
import { useApi, windowStart } from '../hooks.js';

const COLORS = ['#2563eb', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be123c'];

export function Applications({ gw, tick }: { gw: string; tick: number }) {
  const reports = useApi<{ items: Report[] }>(`/v1/reports${qs({ gateway: gw, from: windowStart(tick, 15), limit: 1000 })}`, tick);
  const items = reports.data?.items ?? [];
  const top = topApps(items, 20);
  const lead = top.slice(0, COLORS.length).map((t) => t.key);
  const s = appSeries(items, lead);
  const groups = appsByGroup(items);
  return (
    <div class="page" data-testid="applications">
      <Chart title="Top applications over time" t={s.t} series={lead.map((a, i) => ({ label: a, values: s.values[i], color: COLORS[i] }))} />
      <TotalsTable testId="fleet-apps" title="Applications across the fleet (15 min)" keyLabel="application" rows={top} />
      <div class="grid2" data-testid="group-apps">
        {[...groups.entries()].map(([g, rows]) => (
          <TotalsTable key={g} title={`Group ${g}`} keyLabel="application" rows={rows.slice(0, 10)} />
        ))}
      </div>
    </div>
  );
}
