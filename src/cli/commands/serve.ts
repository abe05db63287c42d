// fleetgate serve: the store, the REST API and a data path in one process, on one port (loopback by
// default). Prints the URL and, on first start, an admin key. The data path: the live gateway on the
// ports of the config's gateway.ports (controlled by the store: API changes reach it between batches),
// and/or with --demo the simulator feeding the demo fleet's gateway.
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { Store } from '../../control/store/store.js';
import { systemActor } from '../../control/auth/actor.js';
import { loadConfig, parseConfigObject } from '../../control/config/load-config.js';
import { LiveDataPlane, startSimFeed } from '../../control/live-data-plane.js';
import { openPorts } from '../../pipeline/live-ports.js';
import type { PortsConfig } from '../../control/config/types.js';
import { fleetDescription, type SimOptions } from '../../sim/index.js';
import { buildServer } from '../../api/server.js';
import { FleetgateError } from '../../core/errors.js';
import { parseDurationMs } from '../duration.js';

const HELP = `usage: fleetgate serve [options]

Runs the control plane: REST API (OpenAPI at /openapi.json) over the SQLite store, and the\ndashboard at /.
With --config whose gateway declares gateway.ports (docs/live-gateway.md), the live gateway runs on
those ports under the API: devices, groups, mirroring peers, redirection, the inspection interval and
outputs changed through the API apply to it without a restart (ports need one). Tunnel and TUN ports
need the native addon and root.
options:
  --port <n>          TCP port (default 8080)
  --host <addr>       listen address (default 127.0.0.1; use 0.0.0.0 to expose it)
  --db <file>         SQLite database (default ./fleetgate-data/fleetgate.db)
  --config <file>     seed the store from a fleet config (idempotent)
  --demo              seed the simulated fleet and feed its traffic through the data path
  --devices <n>       simulated devices with --demo (default 50)
  --duration <dur>    stop by itself after this long (default: until Ctrl-C)`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean' },
      devices: { type: 'string' },
      duration: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FleetgateError('FG_ERR_USAGE', `--port must be 0..65535 (got ${values.port})`);
  const host = values.host ?? '127.0.0.1';
  const dbPath = resolve(values.db ?? join('fleetgate-data', 'fleetgate.db'));
  const stopAfterMs = values.duration ? parseDurationMs(values.duration, '--duration') : 0;

  const store = Store.open(dbPath);
  const gateways: string[] = [];
  let operatorId: string | undefined;
  let live: { gatewayId: string; ports: PortsConfig } | null = null;
  if (values.config) {
    const cfg = loadConfig(values.config);
    store.seedFromConfig(cfg);
    operatorId = cfg.operator.id;
    if (cfg.gateway.ports) live = { gatewayId: cfg.gateway.id, ports: cfg.gateway.ports };
    else gateways.push(cfg.gateway.id);
  }
  let simOpts: SimOptions | undefined;
  if (values.demo) {
    simOpts = { devices: values.devices ? Number(values.devices) : 50, seed: 1 };
    const cfg = parseConfigObject(fleetDescription(simOpts), '(simulated fleet)');
    store.seedFromConfig(cfg);
    operatorId ??= cfg.operator.id;
    gateways.push(cfg.gateway.id);
  }
  if (store.operators.list().length === 0) store.operators.create('default', 'Default operator');
  operatorId ??= store.operators.list()[0].id;
  if (store.operators.listKeys(operatorId).length === 0) {
    const { key } = store.operators.createKey(systemActor(operatorId), 'admin (first start)', ['read', 'write']);
    console.log(`first start: admin API key for operator '${operatorId}' (shown once, store it now):\n  ${key}`);
  }

  const dataPlane = new LiveDataPlane({ store, captureDir: join(dirname(dbPath), 'captures') });
  for (const g of gateways) if (g !== live?.gatewayId) dataPlane.attach(g);
  if (live) {
    let rt;
    let ports;
    try {
      ports = openPorts(live.ports);
      rt = await dataPlane.attachLive(live.gatewayId, ports);
    } catch (e) {
      await dataPlane.closeAndDrain();
      store.close();
      throw e;
    }
    const labels = [`devices ${ports.devices.label}`];
    if (ports.network) labels.push(`network ${ports.network.label}`);
    console.log(`gateway ${live.gatewayId}: live (${rt.gateway?.mode}): ${labels.join(', ')}`);
  }
  const feed = values.demo && simOpts ? startSimFeed(dataPlane.attach(gateways[gateways.length - 1]), simOpts) : null;

  const app = buildServer({ store, dataPlane, logger: { level: 'warn' } });
  await app.listen({ port, host });
  const addr = app.server.address();
  const shown = typeof addr === 'object' && addr ? `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}` : String(addr);
  console.log(`fleetgate API on ${shown} (OpenAPI: ${shown}/openapi.json), store ${dbPath}`);
  console.log(`Dashboard: ${shown}/ (sign in with an API key)`);
  if (feed) console.log(`demo: ${simOpts?.devices} simulated devices feeding gateway ${gateways[gateways.length - 1]}`);

  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
    if (stopAfterMs > 0) setTimeout(done, stopAfterMs).unref();
  });
  feed?.stop();
  await app.close();
  await dataPlane.closeAndDrain(); // outputs drain (what is left stays spooled)
  store.close();
  console.log('stopped');
  return 0;
}
