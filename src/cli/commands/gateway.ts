// fleetgate gateway --config f.yaml: the live gateway. Opens the ports of `gateway.ports`, runs every
// packet through the pipeline, forwards it, and writes Inspection reports (and, to the outputs of
// `gateway.outputs`, reports, finished flows and EVE records). SIGINT/SIGTERM (or --duration) stop it
// cleanly: every flow is ended, the last reports are written and the outputs drained. SIGHUP, or a change
// to the config file (--watch-config, on by default), re-reads the config: devices, applications,
// mirroring, redirection and outputs change between batches, without dropping flows; new ports are
// opened and the gateway moved onto them (gateway-ports-reload.ts; --workers: a new worker pool), and a
// new gateway.id reaches the records from then on; an invalid file is refused and the running config kept.
import { parseArgs } from 'node:util';
import { Pipeline } from '../../pipeline/worker.js';
import { LiveGateway, PortsLostError } from '../../pipeline/live-gateway.js';
import { openPorts } from '../../pipeline/live-ports.js';
import { JsonlWriter } from '../../export/jsonl-writer.js';
import { FleetgateError } from '../../core/errors.js';
import { parseDurationMs } from '../duration.js';
import { fleetSetup, checkIntervalSec, pipelineFleetOptions } from '../fleet-setup.js';
import { pipelineRecordHandlers, type RecordDestinations } from '../record-handlers.js';
import { StopSignal, runUntilStopped } from '../run-until-stopped.js';
import type { FleetConfig } from '../../control/config/load-config.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { AppCatalog } from '../../classify/catalog/index.js';
import { GatewayOutputs, describeOutputsChange } from '../gateway-outputs.js';
import { startConfigWatch, type ConfigWatch } from '../config-watch.js';
import { describeIdsChange, readReloadConfig, refuseReload, restartNeeded, restartSuffix, withPorts } from '../gateway-reload.js';
import { portsChanged, reloadPorts } from '../gateway-ports-reload.js';
import type { Port } from '../../io/ports/port.js';
import { checkWorkersMode, runGatewayWorkers } from './gateway-workers.js';
import { junctionStatusLine } from '../gateway-status-line.js';

const HELP = `usage: fleetgate gateway --config <file> [options]

Runs the live gateway with the ports declared under gateway.ports in the config (VXLAN, GENEVE or
GTP-U tunnel ports, TUN devices, or a pcap file); see docs/live-gateway.md. Tunnel and TUN ports need
the native addon and root (CAP_NET_ADMIN). Prints 'ready' on standard error once the ports are open.

options:
  --config <file>     fleet config (YAML) with gateway.ports (required)
  --out <file>        Inspection reports as JSON lines (default: standard output)
  --flows-out <file>  finished flows as JSON lines
  --output <kind:target>  another output (repeatable): jsonl:<file>, webhook:<url>, ipfix:<host:port>,
                      prometheus:<metrics text file>; added to the config's gateway.outputs
  --spool <dir>       durable spool for the outputs (every record on disk before it is sent); without
                      it and without gateway.outputs.spool, records that memory cannot hold (a slow or
                      unreachable destination) wait in ./fleetgate-data/spool
  --interval <dur>    reporting interval, 10s..1h (default: the config's)
  --duration <dur>    stop by itself after this long (default: until SIGINT/SIGTERM; a pcap port stops at its end)
  --status-every <dur>  print a status line (forwarding, mirror and redirection peers) this often
                      (default 10s; 0 = never)
  --workers <n>       run the data path on n worker threads (default 1), in bump, vpg or routed mode:
                      each worker binds the tunnel port (SO_REUSEPORT) and opens its own queue of each
                      TUN; kernel programs steer packets by a symmetric hash of their inner IP
                      addresses, so both directions of a flow meet on one worker; with redirection
                      every worker binds its return port too, and each peer is probed by one worker
                      that relays its health to the others
  --no-watch-config   do not re-read the config when its file changes (default: watched; SIGHUP
                      re-reads it either way)
  --no-dpi            applications named by port only
  --quiet             no summary or status lines on standard error

gateway.junction.mirroring and gateway.junction.redirection in the config add Mirroring and
Redirection (docs/mirroring.md, docs/redirection.md); gateway.outputs sends reports, flows and EVE
records to outputs (docs/outputs.md), drained when the gateway stops (FLEETGATE_OUTPUT_DRAIN_MS, default
30 s). A change to the config file (watched; editors' rename-over saves too) or SIGHUP re-reads it:
devices, applications, mirroring, redirection and outputs are applied without a restart (an output
whose settings did not change keeps its queue and counters); so are gateway.ports (the new ports are
opened, then the gateway moves onto them keeping its flows; a port that cannot open leaves the running
ones, and the reload line says why; with --workers the worker pool restarts on the new ports) and
gateway.id / operator.id (the records from then on carry them).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      'flows-out': { type: 'string' },
      output: { type: 'string', multiple: true },
      spool: { type: 'string' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      'status-every': { type: 'string' },
      workers: { type: 'string' },
      'watch-config': { type: 'boolean' },
      'no-watch-config': { type: 'boolean' },
      'no-dpi': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new FleetgateError('FG_ERR_USAGE', `gateway takes no positional arguments\n\n${HELP}`);
  if (!values.config) throw new FleetgateError('FG_ERR_USAGE', `gateway needs --config <file>\n\n${HELP}`);
  const intervalSec = values.interval ? checkIntervalSec(parseDurationMs(values.interval, '--interval') / 1000) : undefined;
  const stopAfterMs = values.duration ? parseDurationMs(values.duration, '--duration') : 0;
  const statusMs = values['status-every'] === undefined ? 10_000 : values['status-every'] === '0' ? 0 : parseDurationMs(values['status-every'], '--status-every');
  const setup = fleetSetup({ config: values.config, intervalSec });
  const portsCfg = setup.config?.gateway.ports;
  if (!portsCfg) throw new FleetgateError('FG_ERR_USAGE', `${values.config}: declares no gateway.ports (see docs/live-gateway.md)`);
  const workers = values.workers === undefined ? 1 : Number(values.workers);
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new FleetgateError('FG_ERR_USAGE', `--workers must be an integer from 1 to 64 (got ${values.workers})`);
  if (workers > 1 && setup.config) checkWorkersMode(setup.config, workers);

  const out = values.out ? new JsonlWriter(values.out) : null;
  const flowsOut = values['flows-out'] ? new JsonlWriter(values['flows-out']) : null;
  // the outputs follow the config on reloads (--output/--spool stay added on top)
  const outputs = new GatewayOutputs({ gatewayId: setup.gatewayId, operatorId: setup.operatorId, flags: { output: values.output, spool: values.spool } });
  await outputs.start(setup.config);
  const watchConfig = values['no-watch-config'] !== true;
  if (workers > 1 && setup.config) {
    return runGatewayWorkers({
      workers,
      configPath: values.config,
      config: setup.config,
      intervalSec,
      dpi: !values['no-dpi'],
      out,
      flowsOut,
      outputs,
      stopAfterMs,
      statusMs,
      quiet: values.quiet === true,
      watchConfig,
    });
  }
  // EVE records are built only when an output takes them at start (a reload adding one: restart)
  const eveAtStart = outputs.wants('eve');
  // the handlers read the ids from here at each record: a reload of gateway.id changes them
  const records: RecordDestinations = { out, flowsOut, records: null, outputs, gatewayId: setup.gatewayId, operatorId: setup.operatorId };
  const pipeline = new Pipeline({
    ...pipelineFleetOptions(setup),
    dpi: !values['no-dpi'],
    ...pipelineRecordHandlers(records),
  });

  const signal = new StopSignal();
  const ports = openPorts(portsCfg, { onFileEnd: (e) => signal.stop(e ? `capture error: ${e.message}` : 'end of capture') });
  // the ports running now (a reload may move the gateway onto new ones)
  const portList = (): Port[] => [gw.devicesPort, ...(gw.networkPort ? [gw.networkPort] : [])];
  outputs.setTotals(
    () => ({ frames: pipeline.stats.frames, ipPackets: pipeline.stats.ipPackets, ipBytes: pipeline.stats.ipBytes }),
    () => portList().map((p) => ({ port: p.label, rxPackets: p.counters.rxFrames, rxBytes: p.counters.rxBytes, txPackets: p.counters.txFrames, txBytes: p.counters.txBytes })),
  );
  const junction = setup.config?.gateway.junction;
  const gw = new LiveGateway({
    pipeline,
    devices: ports.devices,
    network: ports.network,
    replyPort: ports.replyPort,
    gatewayMac: ports.gatewayMac,
    directory: setup.devices,
    mirroring: junction?.mirroring,
    redirection: junction?.redirection,
  });
  await gw.start();
  const labels = [`devices ${ports.devices.label}`];
  if (ports.network) labels.push(`network ${ports.network.label}`);
  const mirrors = gw.junction.mirrors?.peers.length ?? 0;
  if (mirrors > 0) labels.push(`${mirrors} mirror peer(s)`);
  const red = gw.junction.redirector;
  if (red) labels.push(`redirection to ${red.peers.map((p) => `${p.cfg.address}:${p.cfg.port}`).join(' / ')}`);
  for (const p of gw.junction.problems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  console.error(`fleetgate gateway: ready (${gw.mode}): ${labels.join(', ')}`);
  // SIGHUP or a change to the file: re-read the config
  const configPath = values.config;
  let running: FleetConfig | undefined = setup.config;
  let watch: ConfigWatch | null = null;
  const why = await runUntilStopped(signal, {
    stopAfterMs,
    statusMs: values.quiet ? 0 : statusMs,
    status: () => console.error(`fleetgate gateway: status ${JSON.stringify(statusLine(gw))}`),
    reload: async () => {
      watch?.markLoaded();
      running = await reload(configPath, running, gw, pipeline, intervalSec === undefined, outputs, eveAtStart, records, signal.stop);
    },
    reloadTriggers: watchConfig ? (queue) => startConfigWatch(configPath, queue, (w) => (watch = w)) : undefined,
  });

  await gw.stop();
  out?.close();
  flowsOut?.close();
  // what a destination has not acknowledged within the drain time stays spooled for the next run
  const outputLines = await outputs.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  if (!values.quiet) {
    const s = pipeline.stats;
    const summary = {
      stopped: why,
      mode: gw.mode,
      frames: s.frames,
      ipPackets: s.ipPackets,
      ipBytes: s.ipBytes,
      unattributedPackets: s.unattributedPackets,
      flows: pipeline.flows.stats.created,
      reports: pipeline.inspection.reportsEmitted,
      forwarding: gw.counters,
      devicesPort: gw.devicesPort.counters,
      networkPort: gw.networkPort?.counters,
      ...statusLine(gw),
    };
    console.error(`fleetgate gateway: stopped ${JSON.stringify(summary)}`);
    for (const line of outputLines) console.error(`fleetgate gateway: ${line}`);
  }
  return why.startsWith('capture error') || why.startsWith('ports lost') ? 1 : 0;
}


/**
 * Re-reads the config file and applies what can change while running: ports (LiveGateway.switchPorts),
 * the gateway and operator ids, devices, applications, the reporting interval (unless --interval fixed
 * it), mirroring, redirection and outputs. Returns the config now in force: the old one when the new file
 * is invalid (the problem is printed, nothing changes); the new one with the old ports when only the
 * ports change was refused (a port could not open: the running ports stay, the rest applies).
 */
async function reload(
  path: string,
  old: FleetConfig | undefined,
  gw: LiveGateway,
  pipeline: Pipeline,
  intervalFromConfig: boolean,
  outputs: GatewayOutputs,
  eveAtStart: boolean,
  records: RecordDestinations,
  stop: (why: string) => void,
): Promise<FleetConfig | undefined> {
  let cfg = readReloadConfig(path);
  if (cfg === null) return old;
  const j = cfg.gateway.junction;
  if (j?.redirection?.enabled && (gw.mode === 'file' || cfg.gateway.ports?.devices.kind === 'pcap')) {
    refuseReload(`gateway.junction.redirection needs bump, vpg or routed mode, not file`);
    return old;
  }
  // the ports first: the Junction below is re-applied in the mode they make (bump paths, endpoints)
  let portsLine = '';
  const oldPorts = old?.gateway.ports;
  if (oldPorts && portsChanged(oldPorts, cfg.gateway.ports)) {
    try {
      portsLine = `; ${await reloadPorts(gw, oldPorts, cfg.gateway.ports)}`;
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (e instanceof PortsLostError) {
        // the running port closed for the new one and could not open again: stop rather than run without it
        console.error(`fleetgate gateway: reload: ports lost, stopping: ${why}`);
        stop(`ports lost: ${why}`);
        return old;
      }
      portsLine = `; ports change refused, the running ports stay (${gw.devicesPort.label}): ${why}`;
      cfg = withPorts(cfg, oldPorts);
    }
  }
  // the pipeline first: the junction reads device groups by the pipeline's device indexes
  const devices = DeviceDirectory.fromConfig(cfg);
  const idsLine = describeIdsChange(old, cfg);
  const ids = { gatewayId: cfg.gateway.id, operatorId: cfg.operator.id };
  pipeline.applyConfig({
    devices,
    catalog: AppCatalog.builtin().withCustom(cfg.applications),
    intervalUs: intervalFromConfig ? cfg.gateway.inspection.intervalSeconds * 1e6 : undefined,
    ids: idsLine !== '' ? ids : undefined,
  });
  records.gatewayId = ids.gatewayId;
  records.operatorId = ids.operatorId;
  outputs.setIds(ids.gatewayId, ids.operatorId);
  const outChange = outputs.apply(cfg);
  let change;
  try {
    change = await gw.reconfigure({ mirroring: j?.mirroring, redirection: j?.redirection, directory: devices });
  } catch (e) {
    // only the new redirection socket can fail here: devices, mirroring and outputs are applied, redirection is off
    console.error(`fleetgate gateway: reload: redirection could not start, it is off: ${e instanceof Error ? e.message : String(e)}${portsLine}${idsLine}`);
    return cfg;
  }
  const needRestart = restartNeeded(outputs, eveAtStart);
  for (const p of change.problems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  console.error(
    `fleetgate gateway: reloaded ${path}: ${devices.registeredCount} device(s); mirror peers ${change.mirrorPeersKept} kept, ` +
      `${change.mirrorPeersAdded} added, ${change.mirrorPeersRemoved} removed; redirection ${change.redirection}${describeOutputsChange(outChange)}` +
      `${portsLine}${idsLine}${restartSuffix(needRestart)}`,
  );
  return cfg;
}

/** Forwarding, mirror and redirection counters and peer state, compact (one line of JSON). */
function statusLine(gw: LiveGateway): Record<string, unknown> {
  const s = gw.status();
  return { forwarding: s.counters, ...junctionStatusLine(s.junction) };
}
