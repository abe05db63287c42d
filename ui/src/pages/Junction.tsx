// Junction: where reports go (Inspection), mirroring peers with live counters, Redirection peer state.
// Config comes from the Junction API; the live columns from the SSE stream (`live.junction`), matched
// by peer address (mirroring) and role (redirection).
import { useState } from 'preact/hooks';
import type { Junction as JunctionT, LiveEvent, MirroringPeer } from '../types.js';
import { api } from '../api.js';
import { useApi } from '../hooks.js';
import { bytes, count } from '../format.js';

function num(v: unknown): string {
  return typeof v === 'number' ? count(v) : '-';
}

type MirrorLive = NonNullable<LiveEvent['junction']>['mirroring'][number];

/** The state pill of a mirroring peer: config first (disabled), then what the data path says. */
function PeerState({ enabled, l }: { enabled: boolean; l: MirrorLive | undefined }) {
  if (!enabled) return <span class="pill off">disabled</span>;
  if (!l) return <span class="pill">enabled (no live data)</span>;
  const state = l.state ?? (l.connected === false ? 'error' : 'mirroring');
  if (state === 'mirroring') return <span class="pill ok">mirroring</span>;
  if (state === 'connecting') return <span class="pill">connecting…</span>;
  if (state === 'disabled') return <span class="pill off">disabled</span>;
  return (
    <span class="pill bad" title={l.error ?? ''}>
      {l.error ? `error: ${l.error}` : 'not connected'}
    </span>
  );
}

export function Junction({ gw, tick, live }: { gw: string; tick: number; live: LiveEvent | null }) {
  const g = encodeURIComponent(gw);
  const [edits, setEdits] = useState(0);
  const j = useApi<JunctionT>(`/v1/gateways/${g}/junction`, tick + edits);
  const [form, setForm] = useState({ ipAddress: '', protocol: 'vxlan', id: '', enabled: true });
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const mirrorLive = new Map((live?.junction?.mirroring ?? []).map((m) => [m.address, m]));
  const redirLive = live?.junction?.redirection ?? null;

  const add = async (e: Event) => {
    e.preventDefault();
    const peer: MirroringPeer = { ipAddress: form.ipAddress.trim(), protocol: form.protocol as 'gre' | 'vxlan', enabled: form.enabled };
    if (form.id.trim() !== '') {
      if (peer.protocol === 'gre') peer.key = Number(form.id);
      else peer.vni = Number(form.id);
    }
    try {
      await api('POST', `/v1/gateways/${g}/junction/mirroring/peers`, peer);
      setMsg({ ok: true, text: `peer ${peer.ipAddress} added` });
      setForm({ ...form, ipAddress: '', id: '' });
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
    setEdits((n) => n + 1);
  };
  const remove = async (ip: string) => {
    try {
      await api('DELETE', `/v1/gateways/${g}/junction/mirroring/peers/${encodeURIComponent(ip)}`);
      setMsg({ ok: true, text: `peer ${ip} removed` });
    } catch (err) {
      setMsg({ ok: false, text: (err as Error).message });
    }
    setEdits((n) => n + 1);
  };

  const ins = j.data?.inspection;
  const peers = j.data?.mirroring.peers ?? [];
  const red = j.data?.redirection ?? null;
  return (
    <div class="page" data-testid="junction">
      {j.error ? <p class="error">{j.error}</p> : null}
      {(live?.junction?.problems ?? []).map((x) => (
        <p class="error" key={x} data-testid="junction-problem">
          {x}
        </p>
      ))}
      <section class="card" data-testid="inspection">
        <h3>Inspection</h3>
        {ins ? (
          <p>
            {ins.enabled ? 'enabled' : 'disabled'}: one report per device every {ins.intervalSeconds} s, top {ins.topDestinations} destinations each; reports are kept in the
            gateway's store (<a href="#/">overview</a>, <code>GET /v1/reports</code>). Reports so far: {num(live?.counters.reportsEmitted)}.
          </p>
        ) : (
          <p class="muted">loading…</p>
        )}
      </section>
      <section class="card" data-testid="mirroring">
        <h3>Mirroring peers</h3>
        <table>
          <thead>
            <tr>
              <th>peer</th>
              <th>protocol</th>
              <th>state</th>
              <th class="num">sent</th>
              <th class="num">bytes</th>
              <th class="num">truncated</th>
              <th class="num">dropped</th>
              <th class="num">errors</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {peers.map((p) => {
              const l = mirrorLive.get(p.ipAddress);
              return (
                <tr key={p.ipAddress} data-peer={p.ipAddress}>
                  <td>{p.ipAddress}</td>
                  <td>
                    {p.protocol}
                    {p.protocol === 'gre' && p.key !== undefined ? ` key ${p.key}` : ''}
                    {p.protocol === 'vxlan' && p.vni !== undefined ? ` vni ${p.vni}` : ''}
                  </td>
                  <td data-col="state">
                    <PeerState enabled={p.enabled} l={l} />
                  </td>
                  <td class="num" data-col="sent">
                    {num(l?.sent)}
                  </td>
                  <td class="num">{typeof l?.bytes === 'number' ? bytes(l.bytes) : '-'}</td>
                  <td class="num">{num(l?.truncated)}</td>
                  <td class="num">{num(l?.dropped)}</td>
                  <td class="num">{num(l?.errors)}</td>
                  <td>
                    <button class="link" onClick={() => void remove(p.ipAddress)}>
                      remove
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {peers.length === 0 ? <p class="muted">no mirroring peer</p> : null}
        <form class="inline" onSubmit={add} data-testid="add-peer">
          <input name="ipAddress" placeholder="peer IP, e.g. 192.0.2.20" required value={form.ipAddress} onInput={(e) => setForm({ ...form, ipAddress: (e.target as HTMLInputElement).value })} />
          <select name="protocol" value={form.protocol} onChange={(e) => setForm({ ...form, protocol: (e.target as HTMLSelectElement).value })}>
            <option value="vxlan">VXLAN</option>
            <option value="gre">GRE</option>
          </select>
          <input name="id" placeholder={form.protocol === 'gre' ? 'GRE key (optional)' : 'VNI (optional)'} inputMode="numeric" value={form.id} onInput={(e) => setForm({ ...form, id: (e.target as HTMLInputElement).value })} />
          <label class="check">
            <input name="enabled" type="checkbox" checked={form.enabled} onChange={(e) => setForm({ ...form, enabled: (e.target as HTMLInputElement).checked })} /> enabled
          </label>
          <button type="submit">Add peer</button>
        </form>
        {msg ? <p class={msg.ok ? 'ok' : 'error'}>{msg.text}</p> : null}
      </section>
      <section class="card" data-testid="redirection">
        <h3>Redirection</h3>
        {!red ? (
          <p class="muted">not set</p>
        ) : (
          <>
            <p>
              {red.enabled ? 'enabled' : 'disabled'}
              {redirLive?.active ? (redirLive.active === 'standby' ? ' · switched to the standby' : ' · on the primary') : ''}
              {typeof redirLive?.redirected === 'number' ? (
                <>
                  {' · '}
                  <span data-testid="redirected">{count(redirLive.redirected)}</span> packets {redirLive.mode === 'count-only' ? 'selected' : 'redirected'}
                </>
              ) : null}
            </p>
            {redirLive?.mode === 'count-only' ? (
              <p class="muted">This data path forwards no traffic (simulated or captured input): selected flows are counted, not sent to the peer.</p>
            ) : null}

            <table>
              <thead>
                <tr>
                  <th>role</th>
                  <th>peer</th>
                  <th>tunnel</th>
                  <th>state</th>
                  <th class="num">packets</th>
                  <th class="num">switches</th>
                </tr>
              </thead>
              <tbody>
                {[
                  { role: 'primary', t: red.gateway },
                  ...(red.standby ? [{ role: 'standby', t: red.standby }] : []),
                ].map(({ role, t }) => {
                  const l = redirLive?.peers?.find((p) => p.role === role);
                  const active = redirLive?.active === role;
                  return (
                    <tr key={role} data-role={role}>
                      <td>{role}</td>
                      <td>{t.address}</td>
                      <td>
                        {t.protocol} vni {t.vni}
                      </td>
                      <td>
                        {l ? <span class={`pill ${l.healthy ? 'ok' : 'bad'}`}>{l.healthy ? (l.state === 'unprobed' ? 'healthy (not probed)' : 'healthy') : `unhealthy (${l.state})`}</span> : <span class="pill">no live data</span>}
                        {active ? <span class="pill ok">active</span> : l ? <span class="pill">standby</span> : null}
                      </td>
                      <td class="num">{num(l?.packets)}</td>
                      <td class="num">{num(l?.switches)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
    </div>
  );
}
