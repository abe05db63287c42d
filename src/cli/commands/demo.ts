// fleetgate demo: the simulator feeds the pipeline live (wall-clock time); a summary prints every few
// seconds; reports go to ./fleetgate-data/reports.jsonl; Ctrl-C flushes and exits cleanly.
import { parseArgs } from 'node:util';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LiveSimulator, fleetDescription, type SimOptions } from '../../sim/index.js';
import { Pipeline } from '../../pipeline/worker.js';
import { JsonlWriter } from '../../export/jsonl-writer.js';
import { parseConfigObject } from '../../control/config/load-config.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { parseDurationMs } from '../duration.js';
import { checkIntervalSec } from '../fleet-setup.js';
import { liveSummary } from '../live-summary.js';

const HELP = `usage: fleetgate demo [options]

Runs the demo gateway: a simulated fleet sends traffic through the pipeline in real time.
options:
  --devices <n>        simulated devices (default 50)
  --interval <dur>     Inspection reporting interval (default 10s in the demo)
  --summary <dur>      how often to print the summary (default 5s)
  --data-dir <dir>     where reports are written (default ./fleetgate-data)
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
  const dataDir = resolve(values['data-dir'] ?? 'fleetgate-data');
  mkdirSync(dataDir, { recursive: true });

  const simOpts: SimOptions = {
    devices: values.devices ? Number(values.devices) : 50,
    seed: values.seed ? Number(values.seed) : 1,
    startTimeUs: Date.now() * 1000,
    durationSec: 365 * 24 * 3600,
  };
  const fleet = parseConfigObject(fleetDescription(simOpts), '(simulated fleet)');
  const devices = DeviceDirectory.fromConfig(fleet);
  const reportsPath = join(dataDir, 'reports.jsonl');
  const reports = new JsonlWriter(reportsPath, { append: true });
  const pipeline = new Pipeline({
    operatorId: fleet.operator.id,
    gatewayId: fleet.gateway.id,
    intervalUs: intervalSec * 1e6,
    flowCapacity: 1 << 18,
    devices,
    onReport: (r) => reports.write(r),
  });
  const sim = new LiveSimulator(simOpts);
  const emit = (buf: Uint8Array, off: number, len: number, tsUs: number) => pipeline.processFrame(buf, off, len, len, tsUs, 1, 0);

  console.log(`fleetgate demo: ${simOpts.devices} simulated devices, operator ${fleet.operator.id}, gateway ${fleet.gateway.id}`);
  console.log(`Inspection reports every ${intervalSec}s → ${reportsPath}`);
  console.log('Press Ctrl-C to stop (reports are flushed).');

  const feed = setInterval(() => {
    sim.nextBatch(Date.now() * 1000, emit);
    reports.flush();
  }, 100);
  const summary = liveSummary(pipeline, devices);
  const printer = setInterval(() => console.log(summary.line()), summaryMs);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (stopAfterMs > 0) setTimeout(stop, stopAfterMs).unref();
  });
  clearInterval(feed);
  clearInterval(printer);
  pipeline.finish();
  reports.close();
  console.log(`stopped: ${pipeline.stats.frames} packets, ${pipeline.inspection.reportsEmitted} reports written to ${reportsPath}`);
  return 0;
}
