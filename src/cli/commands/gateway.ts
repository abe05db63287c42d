// fleetgate gateway --config f.yaml: the live gateway. Opens the ports of `gateway.ports`, runs every
// packet through the pipeline, forwards it, and writes Inspection reports. SIGINT/SIGTERM (or
// --duration) stop it cleanly: every flow is ended and the last reports are written.
import { parseArgs } from 'node:util';
import { Pipeline } from '../../pipeline/worker.js';
import { LiveGateway } from '../../pipeline/live-gateway.js';
import { openPorts } from '../../pipeline/live-ports.js';
import { JsonlWriter } from '../../export/jsonl-writer.js';
import { FleetgateError } from '../../core/errors.js';
import { parseDurationMs } from '../duration.js';
import { fleetSetup, checkIntervalSec } from '../fleet-setup.js';

const HELP = `usage: fleetgate gateway --config <file> [options]

Runs the live gateway with the ports declared under gateway.ports in the config (VXLAN, GENEVE or
GTP-U tunnel ports, TUN devices, or a pcap file); see docs/live-gateway.md. Tunnel and TUN ports need
the native addon and root (CAP_NET_ADMIN). Prints 'ready' on standard error once the ports are open.

options:
  --config <file>     fleet config (YAML) with gateway.ports (required)
  --out <file>        Inspection reports as JSON lines (default: standard output)
  --flows-out <file>  finished flows as JSON lines
  --interval <dur>    reporting interval, 10s..1h (default: the config's)
  --duration <dur>    stop by itself after this long (default: until SIGINT/SIGTERM; a pcap port stops at its end)
  --status-every <dur>  print a status line (forwarding, mirror and redirection peers) this often
                      (default 10s; 0 = never)
  --no-dpi            applications named by port only
  --quiet             no summary or status lines on standard error

gateway.junction.mirroring and gateway.junction.redirection in the config add Mirroring and
Redirection (docs/mirroring.md, docs/redirection.md).`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      out: { type: 'string' },
      'flows-out': { type: 'string' },
      interval: { type: 'string' },
      duration: { type: 'string' },
      'status-every': { type: 'string' },
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

  const out = values.out ? new JsonlWriter(values.out) : null;
  const flowsOut = values['flows-out'] ? new JsonlWriter(values['flows-out']) : null;
  const pipeline = new Pipeline({
    operatorId: setup.operatorId,
    gatewayId: setup.gatewayId,
    intervalUs: setup.intervalSec * 1e6,
    flowCapacity: setup.flowCapacity,
    timeouts: setup.config?.flowTable.timeouts,
    devices: setup.devices,
    catalog: setup.catalog,
    dpi: !values['no-dpi'],
    onReport: (r) => (out ? out.write(r) : process.stdout.write(JSON.stringify(r) + '\n')),
    onFlowEnd: flowsOut ? (f) => flowsOut.write(f) : undefined,
  });

  let finish: (why: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => (finish = resolve));
  const ports = openPorts(portsCfg, { onFileEnd: (e) => finish(e ? `capture error: ${e.message}` : 'end of capture') });
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
  const statusTimer = !values.quiet && statusMs > 0 ? setInterval(() => console.error(`fleetgate gateway: status ${JSON.stringify(statusLine(gw))}`), statusMs) : null;

  const onSignal = (sig: NodeJS.Signals) => finish(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const timer = stopAfterMs > 0 ? setTimeout(() => finish('duration'), stopAfterMs) : null;
  const why = await stopped;
  if (timer) clearTimeout(timer);
  if (statusTimer) clearInterval(statusTimer);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);

  await gw.stop();
  out?.close();
  flowsOut?.close();
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
      devicesPort: ports.devices.counters,
      networkPort: ports.network?.counters,
      ...statusLine(gw),
    };
    console.error(`fleetgate gateway: stopped ${JSON.stringify(summary)}`);
  }
  return why.startsWith('capture error') ? 1 : 0;
}

/** Mirror and redirection counters and peer state, compact (one line of JSON). */
function statusLine(gw: LiveGateway): Record<string, unknown> {
  const s = gw.status();
  const j = s.junction;
  const out: Record<string, unknown> = { forwarding: s.counters };
  if (j.mirroring.length > 0) {
    out.mirroring = j.mirroring.map((m) => ({
      peer: `${m.address} (${m.protocol})`, connected: m.connected, sent: m.sent, dropped: m.dropped, truncated: m.truncated, filtered: m.filtered, errors: m.errors,
    }));
  }
  const r = j.redirection;
  if (r) {
    out.redirection = {
      active: r.active,
      redirected: j.counters.redirected,
      returned: j.counters.returned,
      drops: j.counters.redirectDrops + j.counters.returnedDropped,
      peers: r.peers.map((p) => ({
        role: p.role, address: p.address, state: p.state, healthy: p.healthy, rttMs: Math.round(p.rttMs * 10) / 10, packets: p.packets,
        returned: p.returnedPackets, probesSent: p.probesSent, probesLost: p.probesLost, switches: p.switches, repinned: p.repinned,
      })),
    };
  }
  return out;
}
