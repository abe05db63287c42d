// One device: traffic over time, applications, destinations, recent flows and packet captures.
import { useState } from 'preact/hooks';
import type { CaptureSession, Device as DeviceT, Flow, Report } from '../types.js';
import { throughput, topApps, topDestinations } from '../aggregate.js';
import { Chart } from '../components/Chart.js';
import { TotalsTable } from '../components/Bits.js';
import { bytes, time } from '../format.js';
import { api, authHeaders, qs } from '../api.js';
import { useApi } from '../hooks.js';

export function Device({ gw, ip, tick }: { gw: string; ip: string; tick: number }) {
  const g = encodeURIComponent(gw);
  const [capTick, setCapTick] = useState(0);
  const [msg, setMsg] = useState<string | null>(null);
  const dev = useApi<{ items: DeviceT[] }>(`/v1/gateways/${g}/devices${qs({ ip })}`, tick);
  const reports = useApi<{ items: Report[] }>(`/v1/reports${qs({ gateway: gw, device: ip, limit: 500 })}`, tick);
  const flows = useApi<{ items: Flow[] }>(`/v1/flows${qs({ gateway: gw, device: ip, limit: 50 })}`, tick);
  const caps = useApi<{ items: CaptureSession[] }>(`/v1/gateways/${g}/packet_capture_sessions`, tick + capTick);
  const d = dev.data?.items[0];
  const items = reports.data?.items ?? [];
  const tp = throughput(items);
  const mine = (caps.data?.items ?? []).filter((c) => c.deviceIp === ip);

  const capture = async () => {
    try {
      await api('POST', `/v1/gateways/${g}/packet_capture_sessions`, { duration: 30, deviceIp: ip });
      setMsg('capture started (30 s)');
    } catch (e) {
      setMsg((e as Error).message);
    }
    setCapTick((n) => n + 1);
  };
  const download = async (c: CaptureSession) => {
    const r = await fetch(c.url!, { headers: authHeaders() });
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = `${c.sessionId}.pcap`;
    a.click();
    URL.revokeObjectURL(url);
  };

  return (
    <div class="page" data-testid="device">
      <section class="card">
        <h2 data-testid="device-title">{d?.name || ip}</h2>
        <p class="muted">
          IP {ip}
          {d?.imsi ? ` · IMSI ${d.imsi}` : ''}
          {d?.group ? ` · group ${d.group}` : ''}
          {d ? ` · ${d.status}` : ' · not registered'}
        </p>
      </section>
      <Chart
        title="Traffic over time"
        t={tp.t}
        series={[
          { label: 'uplink', values: tp.up, color: '#16a34a' },
          { label: 'downlink', values: tp.down, color: '#9333ea' },
        ]}
      />
      <div class="grid2">
        <TotalsTable testId="device-apps" title="Applications" keyLabel="application" rows={topApps(items, 20)} />
        <TotalsTable testId="device-destinations" title="Destinations" keyLabel="destination" rows={topDestinations(items, 20)} />
      </div>
      <section class="card" data-testid="device-flows">
        <h3>Recent flows</h3>
        {(flows.data?.items.length ?? 0) === 0 ? <p class="muted">no finished flow yet</p> : null}
        <table>
          <thead>
            <tr>
              <th>proto</th>
              <th>from</th>
              <th>to</th>
              <th>application</th>
              <th class="num">bytes →/←</th>
              <th>ended</th>
            </tr>
          </thead>
          <tbody>
            {(flows.data?.items ?? []).map((f, i) => (
              <tr key={i}>
                <td>{f.proto}</td>
                <td>
                  {f.aAddr}:{f.aPort}
                </td>
                <td>
                  {f.bAddr}:{f.bPort}
                </td>
                <td>{f.app}</td>
                <td class="num">
                  {bytes(f.bytesAB)} / {bytes(f.bytesBA)}
                </td>
                <td>
                  {time(f.lastUs / 1000)} ({f.endReason})
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section class="card" data-testid="device-captures">
        <div class="toolbar">
          <h3>Packet captures</h3>
          <button onClick={capture}>Capture 30 s</button>
          {msg ? <span class="muted">{msg}</span> : null}
        </div>
        {mine.length === 0 ? <p class="muted">no capture of this device</p> : null}
        <table>
          <tbody>
            {mine.map((c) => (
              <tr key={c.sessionId}>
                <td>{c.sessionId}</td>
                <td>{c.createdTime}</td>
                <td>{c.duration} s</td>
                <td>{c.status}</td>
                <td>{c.url ? <button onClick={() => void download(c)}>download pcap</button> : (c.failedReason ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
