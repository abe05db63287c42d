// The dashboard shell: login, gateway choice, navigation (hash routes), and the live stream that
// drives every page (new counters each second; pages reload their data when reports arrive).
import { useEffect, useState } from 'preact/hooks';
import { get, saveKey, savedKey } from './api.js';
import { subscribeLive } from './live.js';
import type { Gateway, LiveEvent } from './types.js';
import { Login } from './pages/Login.js';
import { Overview } from './pages/Overview.js';
import { Devices } from './pages/Devices.js';
import { Device } from './pages/Device.js';
import { Applications } from './pages/Applications.js';
import { Junction } from './pages/Junction.js';

export interface LiveState {
  event: LiveEvent | null;
  connected: boolean;
  /** Last few minutes of the live rate: time (s) and bit/s (all, device → network, network → device). */
  t: number[];
  bps: number[];
  up: number[];
  down: number[];
}

const KEEP_POINTS = 300;

function useHash(): string {
  const [h, setH] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setH(location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return h;
}

export function App() {
  const [authed, setAuthed] = useState(savedKey() !== null);
  const [gateways, setGateways] = useState<Gateway[] | null>(null);
  const [gw, setGw] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [live, setLive] = useState<LiveState>({ event: null, connected: false, t: [], bps: [], up: [], down: [] });
  const [tick, setTick] = useState(0);
  const hash = useHash();

  useEffect(() => {
    if (!authed) return;
    get<{ items: Gateway[] }>('/v1/gateways').then(
      (r) => {
        setGateways(r.items);
        setGw((cur) => cur ?? r.items[0]?.id ?? null);
      },
      (e: unknown) => {
        setError((e as Error).message);
        if ((e as { status?: number }).status === 401) logout();
      },
    );
  }, [authed]);

  useEffect(() => {
    if (!authed || !gw) return;
    let lastReports = -1;
    let lastReload = 0;
    let points = 0;
    setLive({ event: null, connected: false, t: [], bps: [], up: [], down: [] });
    return subscribeLive(
      gw,
      (e) => {
        // The first event of a stream has no rate yet (nothing to compare with): no chart point.
        const point = points++ > 0;
        setLive((s) => ({
          event: e,
          connected: true,
          t: point ? [...s.t, Date.parse(e.at) / 1000].slice(-KEEP_POINTS) : s.t,
          bps: point ? [...s.bps, e.rates.ipBitsPerSec].slice(-KEEP_POINTS) : s.bps,
          up: point ? [...s.up, e.rates.upBitsPerSec ?? 0].slice(-KEEP_POINTS) : s.up,
          down: point ? [...s.down, e.rates.downBitsPerSec ?? 0].slice(-KEEP_POINTS) : s.down,
        }));
        // New reports (or every 15 s at most): pages reload what they show.
        const reports = e.counters.reportsEmitted ?? 0;
        const now = Date.now();
        if (reports !== lastReports || now - lastReload > 15_000) {
          lastReports = reports;
          lastReload = now;
          setTick((n) => n + 1);
        }
      },
      (connected) => {
        if (connected) points = 0;
        setLive((s) => ({ ...s, connected }));
      },
    );
  }, [authed, gw]);

  function logout() {
    saveKey(null);
    setAuthed(false);
    setGateways(null);
    setGw(null);
  }

  if (!authed) return <Login onLogin={() => setAuthed(true)} />;

  const path = hash.slice(1).split('?')[0];
  const parts = path.split('/').filter(Boolean);
  let page;
  if (!gw) page = <p class="card muted">{gateways && gateways.length === 0 ? 'This operator has no gateway yet.' : 'loading…'}</p>;
  else if (parts[0] === 'devices' && parts[1]) page = <Device gw={gw} ip={decodeURIComponent(parts[1])} tick={tick} />;
  else if (parts[0] === 'devices') page = <Devices gw={gw} tick={tick} />;
  else if (parts[0] === 'applications') page = <Applications gw={gw} tick={tick} />;
  else if (parts[0] === 'junction') page = <Junction gw={gw} tick={tick} live={live.event} />;
  else page = <Overview gw={gw} tick={tick} live={live} />;
  const nav = [
    ['#/', 'Overview', !parts[0]],
    ['#/devices', 'Devices', parts[0] === 'devices'],
    ['#/applications', 'Applications', parts[0] === 'applications'],
    ['#/junction', 'Junction', parts[0] === 'junction'],
  ] as const;

  return (
    <div class="shell">
      <header>
        <strong class="brand">fleetgate</strong>
        <nav>
          {nav.map(([href, label, on]) => (
            <a key={href} href={href} class={on ? 'on' : ''}>
              {label}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        {gateways && gateways.length > 1 ? (
          <select aria-label="gateway" value={gw ?? ''} onChange={(e) => setGw((e.target as HTMLSelectElement).value)}>
            {gateways.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        ) : (
          <span class="muted">{gateways?.[0]?.name ?? ''}</span>
        )}
        <span class={`pill ${live.connected ? 'ok' : 'bad'}`} data-testid="live-state">
          {live.connected ? 'live' : 'offline'}
        </span>
        <button class="link" onClick={logout}>
          sign out
        </button>
      </header>
      {error ? <p class="error">{error}</p> : null}
      <main>{page}</main>
    </div>
  );
}
