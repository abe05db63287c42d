// `fleetgate gateway --workers N` (N > 1): the live gateway on N worker threads, in bump, vpg or routed
// mode. Every worker binds the tunnel port with SO_REUSEPORT and/or opens its own queue of each
// multi-queue TUN; kernel programs steer packets by the symmetric hash of their inner IP addresses, so
// both directions of a flow meet on one worker. Each worker runs its own pipeline; this thread owns
// --out, --flows-out and the outputs, relays SIGHUP reloads, learned device endpoints and redirection
// peer health, merges report parts and sums the counters (src/pipeline/live-workers/). Redirection:
// every worker binds the return port (SO_REUSEPORT, steered the same way) and each peer is probed by the
// one worker its probe answers reach (src/actions/redirect/workers.ts).
import type { JsonlWriter } from '../../export/jsonl-writer.js';
import type { GatewayOutputs } from '../gateway-outputs.js';
import { describeOutputsChange } from '../gateway-outputs.js';
import { startConfigWatch, type ConfigWatch } from '../config-watch.js';
import { readReloadConfig, refuseReload, restartNeeded, restartSuffix } from '../gateway-reload.js';
import { FleetgateError } from '../../core/errors.js';
import { redirectionWorkersProblem } from '../../actions/redirect/workers.js';
import { junctionStatusLine } from '../gateway-status-line.js';
import type { FleetConfig } from '../../control/config/load-config.js';
import type { TunPortConfig, UdpTunnelPortConfig } from '../../control/config/types.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { loadNative, nativeLoadError } from '../../io/native/index.js';
import { eveRecordId } from '../../pipeline/sharded/flow-eve.js';
import { LiveWorkers } from '../../pipeline/live-workers/live-workers.js';
import type { MergedLiveSnapshot } from '../../pipeline/live-workers/merge.js';
import type { PortCounters } from '../../io/ports/port.js';
import { StopSignal, runUntilStopped } from '../run-until-stopped.js';

export interface GatewayWorkersRun {
  workers: number;
  configPath: string;
  config: FleetConfig;
  intervalSec?: number;
  dpi: boolean;
  out: JsonlWriter | null;
  flowsOut: JsonlWriter | null;
  /** Started; follows the config on reloads. */
  outputs: GatewayOutputs;
  stopAfterMs: number;
  statusMs: number;
  quiet: boolean;
  /** Re-read the config when its file changes (as on SIGHUP). */
  watchConfig: boolean;
}

export interface WorkersPorts {
  mode: 'bump' | 'vpg' | 'routed';
  devicesPort: UdpTunnelPortConfig | TunPortConfig;
  networkPort?: TunPortConfig;
}

/** Refuses --workers > 1 where it cannot work, with the reason (before anything is opened). */
export function checkWorkersMode(config: FleetConfig, workers: number): WorkersPorts {
  const ports = config.gateway.ports;
  const dev = ports?.devices;
  if (!dev || dev.kind === 'pcap') {
    throw new FleetgateError(
      'FG_ERR_USAGE',
      `--workers ${workers}: several workers need live ports (a vxlan, geneve, gtpu or tun devices port: bump, vpg or routed mode); ` +
        `this config runs in ${dev ? 'file' : 'no ports'} mode, which runs on one thread: drop --workers`,
    );
  }
  const mode = dev.kind === 'tun' ? 'routed' : ports.network ? 'vpg' : 'bump';
  const redirectProblem = redirectionWorkersProblem(config.gateway.junction?.redirection);
  if (redirectProblem) throw new FleetgateError('FG_ERR_USAGE', redirectionRefusal(workers, redirectProblem));
  for (const t of [dev.kind === 'tun' ? dev : undefined, ports.network]) {
    if (t && t.name.includes('%')) {
      throw new FleetgateError('FG_ERR_USAGE', `--workers ${workers}: every worker opens a queue of the TUN by name: give gateway.ports tun '${t.name}' a fixed name (no %d)`);
    }
  }
  if (!loadNative()) {
    const what = dev.kind === 'tun' ? 'open queues of a multi-queue TUN' : `share the ${dev.kind} port with SO_REUSEPORT`;
    throw new FleetgateError(
      'FG_ERR_UNSUPPORTED',
      `--workers ${workers}: several workers ${what}, which needs the native addon; it did not build ` +
        `(${nativeLoadError() ?? 'unknown reason'}); rebuild with: node scripts/build-native.mjs, or drop --workers`,
    );
  }
  return { mode, devicesPort: dev, networkPort: ports.network };
}

function redirectionRefusal(workers: number, problem: string): string {
  return `--workers ${workers}: gateway.junction.redirection: ${problem}`;
}

export async function runGatewayWorkers(o: GatewayWorkersRun): Promise<number> {
  const { mode, devicesPort, networkPort } = checkWorkersMode(o.config, o.workers);
  const gatewayId = o.config.gateway.id;
  const toOutputs = o.outputs;
  // workers build EVE records only when an output takes them at start (a reload adding one: restart);
  // finished flows always come back, for outputs a reload may add
  const eveAtStart = toOutputs.wants('eve');
  let eveSeq = 0;
  const signal = new StopSignal();
  const lw = await LiveWorkers.start({
    workers: o.workers,
    config: o.config,
    devicesPort,
    networkPort,
    intervalSec: o.intervalSec,
    dpi: o.dpi,
    onReport: (r) => {
      if (o.out) o.out.write(r);
      else process.stdout.write(JSON.stringify(r) + '\n');
      toOutputs.emit('inspection', r.recordId, r, r.timestamp);
    },
    onFlow: (f) => {
      o.flowsOut?.write(f);
      toOutputs.emitFlow(f);
    },
    onEve: eveAtStart ? (r) => toOutputs.emit('eve', eveRecordId(gatewayId, r.flow_id, r.event_type, eveSeq++), r) : undefined,
    onFailure: (e) => signal.stop(`worker error: ${e.message}`),
  });
  toOutputs.setTotals(
    () => {
      const s = lw.snapshot()?.stats;
      return { frames: s?.frames ?? 0, ipPackets: s?.ipPackets ?? 0, ipBytes: s?.ipBytes ?? 0 };
    },
    () => {
      const snap = lw.snapshot();
      const list: Array<[string | undefined, PortCounters | undefined]> = [[lw.labels[0], snap?.port], [lw.networkLabel, snap?.network]];
      return list.flatMap(([port, p]) => (port && p ? [{ port, rxPackets: p.rxFrames, rxBytes: p.rxBytes, txPackets: p.txFrames, txBytes: p.txBytes }] : []));
    },
  );
  for (const p of lw.mirrorProblems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const mirrors = o.config.gateway.junction?.mirroring?.peers.length ?? 0;
  const network = lw.networkLabel ? `, network ${lw.networkLabel}` : '';
  const red = o.config.gateway.junction?.redirection;
  const redirect = red?.enabled ? `, redirection to ${[red.primary, ...(red.standby ? [red.standby] : [])].map((p) => `${p.address}:${p.port}`).join(' / ')}` : '';
  console.error(`fleetgate gateway: ready (${mode}): devices ${lw.labels[0]}${network}, ${o.workers} workers (flow-hash steering)${mirrors > 0 ? `, ${mirrors} mirror peer(s)` : ''}${redirect}`);
  let running = o.config;
  let watch: ConfigWatch | null = null;
  const why = await runUntilStopped(signal, {
    stopAfterMs: o.stopAfterMs,
    statusMs: o.quiet ? 0 : o.statusMs,
    status: () => {
      const s = lw.snapshot();
      if (s) console.error(`fleetgate gateway: status ${JSON.stringify(statusLine(s))}`);
    },
    reload: async () => {
      watch?.markLoaded();
      running = await reload(o.configPath, running, lw, o.intervalSec === undefined, toOutputs, eveAtStart);
    },
    reloadTriggers: o.watchConfig ? (queue) => startConfigWatch(o.configPath, queue, (w) => (watch = w)) : undefined,
  });

  const last = await lw.stop();
  o.out?.close();
  o.flowsOut?.close();
  const outputLines = await o.outputs.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  if (!o.quiet) {
    const summary: Record<string, unknown> = { stopped: why, mode, workers: o.workers };
    if (last) {
      const s = last.stats;
      Object.assign(summary, {
        frames: s.frames,
        ipPackets: s.ipPackets,
        ipBytes: s.ipBytes,
        unattributedPackets: s.unattributedPackets,
        flows: last.flowsCreated,
        reports: last.reports,
        devicesPort: last.port,
        networkPort: last.network,
        perWorkerFrames: last.perWorkerFrames,
        endpointsRelayed: lw.endpointsRelayed,
        endpointsAdopted: last.endpointsAdopted,
        redirectHealthRelayed: lw.redirectRelays,
        // devices whose traffic several workers saw: parts merged into one report, and parts that came late
        mergedReportParts: lw.reports.merged,
        lateReportParts: lw.reports.lateParts,
        ...statusLine(last),
      });
    }
    console.error(`fleetgate gateway: stopped ${JSON.stringify(summary)}`);
    for (const line of outputLines) console.error(`fleetgate gateway: ${line}`);
  }
  return why.startsWith('worker error') ? 1 : 0;
}

/** Re-reads and checks the config here, then relays it to every worker; an invalid file changes nothing. */
async function reload(path: string, old: FleetConfig, lw: LiveWorkers, intervalFromConfig: boolean, outputs: GatewayOutputs, eveAtStart: boolean): Promise<FleetConfig> {
  const cfg = readReloadConfig(path);
  if (cfg === null) return old;
  const redirectProblem = redirectionWorkersProblem(cfg.gateway.junction?.redirection);
  if (redirectProblem) {
    refuseReload(redirectionRefusal(lw.size, redirectProblem));
    return old;
  }
  const r = await lw.reload(cfg, intervalFromConfig);
  // the outputs live on this thread: swapped here, between the records the workers post
  const outChange = outputs.apply(cfg);
  const needRestart = restartNeeded(old, cfg, outputs, eveAtStart);
  for (const e of r.errors) console.error(`fleetgate gateway: reload: ${e}`);
  const problems = new Set(r.changes.flatMap((c) => c.problems));
  for (const p of problems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const c = r.changes[0];
  const devices = DeviceDirectory.fromConfig(cfg).registeredCount;
  console.error(
    `fleetgate gateway: reloaded ${path} on ${r.changes.length} of ${lw.size} workers: ${devices} device(s)` +
      (c ? `; mirror peers ${c.mirrorPeersKept} kept, ${c.mirrorPeersAdded} added, ${c.mirrorPeersRemoved} removed; redirection ${c.redirection}` : '') +
      describeOutputsChange(outChange) +
      restartSuffix(needRestart),
  );
  return cfg;
}

function statusLine(s: MergedLiveSnapshot): Record<string, unknown> {
  return { forwarding: s.counters, perWorkerFrames: s.perWorkerFrames, ...junctionStatusLine(s.junction) };
}
