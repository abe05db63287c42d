// Test support: the demo's server in-process (simulated fleet → live data path → store → API and
// dashboard) with a minute of traffic already reported, including a hostile device's HTTP and TLS names.
import { mkdtempSync, rmSync, statSync, readdirSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { Store } from '../../../src/control/store/store.js';
import { systemActor } from '../../../src/control/auth/actor.js';
import { parseConfigObject } from '../../../src/control/config/load-config.js';
import { LiveDataPlane, startSimFeed, type GatewayRuntime } from '../../../src/control/live-data-plane.js';
import { fleetDescription } from '../../../src/sim/index.js';
import { buildServer } from '../../../src/api/server.js';
import type { CaptureFilter, CaptureHandle, DataPlane, DataPlaneCounters } from '../../../src/control/data-plane.js';
import type { JunctionLiveStatus, JunctionStatusSource } from '../../../src/api/routes/live.js';
import { hostileHttp, hostileTls } from './hostile.js';

/** The live data plane; Junction peer state set by the test replaces the data plane's own when not null. */
export class JunctionStatusStandIn implements DataPlane, JunctionStatusSource {
  status: JunctionLiveStatus | null = null;
  constructor(private readonly inner: DataPlane) {}
  counters(gatewayId: string): DataPlaneCounters | null {
    return this.inner.counters(gatewayId);
  }
  startCapture(gatewayId: string, filter: CaptureFilter, durationSec: number, onDone: (pcapPath: string | null, failedReason?: string) => void): CaptureHandle {
    return this.inner.startCapture(gatewayId, filter, durationSec, onDone);
  }
  junctionStatus(gatewayId: string): JunctionLiveStatus | null {
    if (this.status !== null) return this.status;
    const own = (this.inner as Partial<JunctionStatusSource>).junctionStatus;
    return own ? own.call(this.inner, gatewayId) : null;
  }
}

export const UI_DIR = resolve(process.cwd(), 'ui');

function newestMtime(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { recursive: true })) t = Math.max(t, statSync(join(dir, String(f))).mtimeMs);
  return t;
}

/** Builds ui/dist with Vite when it is missing or older than the UI sources (a second or two). */
export function ensureUiBuilt(): void {
  const index = join(UI_DIR, 'dist', 'index.html');
  const src = Math.max(newestMtime(join(UI_DIR, 'src')), statSync(join(UI_DIR, 'index.html')).mtimeMs, statSync(join(UI_DIR, 'vite.config.ts')).mtimeMs);
  if (existsSync(index) && statSync(index).mtimeMs >= src) return;
  const r = spawnSync(resolve('node_modules/.bin/vite'), ['build', '--config', join(UI_DIR, 'vite.config.ts')], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`vite build failed: ${r.stderr || r.stdout}`);
}

export interface DashboardServer {
  base: string;
  key: string;
  store: Store;
  app: FastifyInstance;
  runtime: GatewayRuntime;
  junction: JunctionStatusStandIn;
  operatorId: string;
  gatewayId: string;
  /** The device that sent the hostile names. */
  hostileDevice: string;
  devices: number;
  close(): Promise<void>;
}

export async function startDashboardServer(devices = 20): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ui-'));
  const sim = { devices, seed: 1 };
  const fleet = parseConfigObject(fleetDescription(sim), '(simulated fleet)');
  const store = Store.open(':memory:');
  store.seedFromConfig(fleet);
  const operatorId = fleet.operator.id;
  const gatewayId = fleet.gateway.id;
  const system = systemActor(operatorId);
  store.gateways.setInspection(system, gatewayId, { enabled: true, intervalSeconds: 10 });
  const key = store.operators.createKey(system, 'ui test', ['read', 'write']).key;
  const dataPlane = new LiveDataPlane({ store, captureDir: join(dir, 'captures') });
  const runtime = dataPlane.attach(gatewayId);

  // A minute of history at once: the hostile frames, then the simulator catching up to now.
  const startUs = (Date.now() - 60_000) * 1000;
  const hostileDevice = runtime.snapshot.devices.device(0).ip;
  runtime.beginBatch();
  for (const [i, f] of [hostileHttp(hostileDevice, '203.0.113.5'), hostileTls(hostileDevice, '203.0.113.6')].entries()) runtime.feed(f, 0, f.length, f.length, startUs - 5_000_000 + i);
  runtime.endBatch();
  const feed = startSimFeed(runtime, { ...sim, startTimeUs: startUs });

  const junction = new JunctionStatusStandIn(dataPlane);
  const app = buildServer({ store, dataPlane: junction, uiDir: join(UI_DIR, 'dist') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    base,
    key,
    store,
    app,
    runtime,
    junction,
    operatorId,
    gatewayId,
    hostileDevice,
    devices,
    close: async () => {
      feed.stop();
      await app.close();
      dataPlane.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
