// fleetgate demo (what `npm start` runs): the simulator feeds the data path live (wall-clock time)
// with the REST API and the dashboard on a loopback port; prints the dashboard URL and a login key
// (a fresh key per run, revoked at the stop); a summary prints every few seconds; reports go to the
// store (for the dashboard) and to ./fleetgate-data/reports.jsonl; Ctrl-C flushes and exits cleanly.
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { fleetDescription, type SimOptions } from '../../sim/index.js';
import { JsonlWriter } from '../../export/jsonl-writer.js';
import { parseConfigObject } from '../../control/config/load-config.js';
import { Store } from '../../control/store/store.js';
import { systemActor } from '../../control/auth/actor.js';
import { LiveDataPlane, startSimFeed } from '../../control/live-data-plane.js';
import { buildServer } from '../../api/server.js';
import { FleetgateError } from '../../core/errors.js';
import { parseDurationMs } from '../duration.js';
import { checkIntervalSec } from '../fleet-setup.js';
import { liveSummary } from '../live-summary.js';

const HELP = `usage: fleetgate demo [options]

Runs the demo gateway: a simulated fleet sends traffic through the pipeline in real time, with the
REST API and the dashboard on a loopback port.
options:
  --devices <n>        simulated devices (default 50)
  --interval <dur>     Inspection reporting interval (default 10s in the demo)
  --summary <dur>      how often to print the summary (default 5s)
  --data-dir <dir>     where reports and the store are written (default ./fleetgate-data)
  --port <n>           dashboard/API port (default 8080; another free port when it is taken; 0: any)
  --host <addr>        listen address (default 127.0.0.1)
  --duration <dur>     stop by itself after this long (default: run until Ctrl-C)
  --seed <n>           simulator seed (default 1)`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      devices: { type: 'string' },
      interval: { type: 'string' },
      summary: { type: 'string' },
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      duration: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const intervalSec = checkIntervalSec(parseDurationMs(values.interval ?? '10s', '--interval') / 1000);
  const summaryMs = parseDurationMs(values.summary ?? '5s', '--summary');
  const stopAfterMs = values.duration ? parseDurationMs(values.duration, '--duration') : 0;
  const port = Number(values.port ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new FleetgateError('FG_ERR_USAGE', `--port must be 0..65535 (got ${values.port})`);
  const host = values.host ?? '127.0.0.1';
  const dataDir = resolve(values['data-dir'] ?? 'fleetgate-data');
  mkdirSync(dataDir, { recursive: true });

  const simOpts: SimOptions = {
    devices: values.devices ? Number(values.devices) : 50,
    seed: values.seed ? Number(values.seed) : 1,
  };
  const fleet = parseConfigObject(fleetDescription(simOpts), '(simulated fleet)');
  const operatorId = fleet.operator.id;
  const gatewayId = fleet.gateway.id;
  const store = Store.open(join(dataDir, 'fleetgate.db'));
  store.seedFromConfig(fleet);
  const system = systemActor(operatorId);
  store.gateways.setInspection(system, gatewayId, { enabled: true, intervalSeconds: intervalSec });
  const login = store.operators.createKey(system, 'dashboard (demo run)', ['read', 'write']);

  // Every report the data path stores also goes to reports.jsonl (the demo's file output).
  const reportsPath = join(dataDir, 'reports.jsonl');
  const reports = new JsonlWriter(reportsPath, { append: true });
  const storeReports = store.history.addReports.bind(store.history);
  store.history.addReports = (rs) => {
    for (const r of rs) reports.write(r);
    reports.flush();
    storeReports(rs);
  };

  const dataPlane = new LiveDataPlane({ store, captureDir: join(dataDir, 'captures') });
  const rt = dataPlane.attach(gatewayId);
  const feed = startSimFeed(rt, simOpts);
  const app = buildServer({ store, dataPlane, logger: { level: 'warn' } });
  const url = await listen(app, host, port);

  console.log(`fleetgate demo: ${simOpts.devices} simulated devices, operator ${operatorId}, gateway ${gatewayId}`);
  console.log(`Inspection reports every ${intervalSec}s → ${reportsPath}`);
  console.log(`Dashboard: ${url}/`);
  console.log(`Login key: ${login.key}   (valid until this demo stops; API docs: ${url}/openapi.json)`);
  console.log('Press Ctrl-C to stop (reports are flushed).');

  const summary = liveSummary(rt.pipeline, rt.snapshot.devices);
  const printer = setInterval(() => console.log(summary.line()), summaryMs);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (stopAfterMs > 0) setTimeout(stop, stopAfterMs).unref();
  });
  clearInterval(printer);
  feed.stop();
  await app.close();
  dataPlane.close(); // ends every flow and flushes the open interval into the store (and the file)
  reports.close();
  store.operators.revokeKey(system, login.info.id);
  store.close();
  console.log(`stopped: ${rt.pipeline.stats.frames} packets, ${rt.pipeline.inspection.reportsEmitted} reports written to ${reportsPath}`);
  return 0;
}

/** Listens on host:port, or on any free port when that one is taken; returns the base URL. */
async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    await app.listen({ port, host });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw e;
    console.log(`port ${port} is taken; using another one`);
    await app.listen({ port: 0, host });
  }
  const addr = app.server.address();
  const p = typeof addr === 'object' && addr ? addr.port : port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${p}`;
}
