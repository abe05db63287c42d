// `fleetgate gateway --workers N` (N > 1): the live gateway on N worker threads, bump-in-the-wire mode
// only (a VXLAN / GENEVE / GTP-U devices port and no network port; VPG and routed modes run on one
// thread). Every worker binds the tunnel port with SO_REUSEPORT and runs its own pipeline; this thread
// owns --out, --flows-out and the outputs, relays SIGHUP reloads and sums the counters
// (src/pipeline/live-workers/).
import type { JsonlWriter } from '../../export/jsonl-writer.js';
import type { Outputs } from '../../export/outputs.js';
import { FleetgateError } from '../../core/errors.js';
import { loadConfig, type FleetConfig } from '../../control/config/load-config.js';
import type { UdpTunnelPortConfig } from '../../control/config/types.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { loadNative, nativeLoadError } from '../../io/native/index.js';
import { eveRecordId } from '../../pipeline/sharded/flow-eve.js';
import { LiveWorkers } from '../../pipeline/live-workers/live-workers.js';
import type { MergedLiveSnapshot } from '../../pipeline/live-workers/merge.js';
import { StopSignal, runUntilStopped } from '../run-until-stopped.js';

export interface GatewayWorkersRun {
  workers: number;
  configPath: string;
  config: FleetConfig;
  intervalSec?: number;
  dpi: boolean;
  out: JsonlWriter | null;
  flowsOut: JsonlWriter | null;
  outputs: Outputs | null;
  stopAfterMs: number;
  statusMs: number;
  quiet: boolean;
}

/** Refuses --workers > 1 where it cannot work, with the reason (before anything is opened). */
export function checkWorkersMode(config: FleetConfig, workers: number): UdpTunnelPortConfig {
  const ports = config.gateway.ports;
  const dev = ports?.devices;
  if (!dev || (dev.kind !== 'vxlan' && dev.kind !== 'geneve' && dev.kind !== 'gtpu') || ports.network) {
    const mode = !dev ? 'no ports' : dev.kind === 'pcap' ? 'file' : dev.kind === 'tun' ? 'routed' : 'vpg';
    throw new FleetgateError(
      'FG_ERR_USAGE',
      `--workers ${workers}: several workers need bump-in-the-wire mode (a vxlan, geneve or gtpu devices port and no network port); ` +
        `this config runs in ${mode} mode, which runs on one thread: drop --workers`,
    );
  }
  if (!loadNative()) {
    throw new FleetgateError(
      'FG_ERR_UNSUPPORTED',
      `--workers ${workers}: several workers share the ${dev.kind} port with SO_REUSEPORT, which needs the native addon; it did not build ` +
        `(${nativeLoadError() ?? 'unknown reason'}); rebuild with: node scripts/build-native.mjs, or drop --workers`,
    );
  }
  return dev;
}

export async function runGatewayWorkers(o: GatewayWorkersRun): Promise<number> {
  const devicesPort = checkWorkersMode(o.config, o.workers);
  const gatewayId = o.config.gateway.id;
  const toOutputs = o.outputs && o.outputs.size > 0 ? o.outputs : null;
  let eveSeq = 0;
  const signal = new StopSignal();
  const lw = await LiveWorkers.start({
    workers: o.workers,
    config: o.config,
    devicesPort,
    intervalSec: o.intervalSec,
    dpi: o.dpi,
    onReport: (r) => {
      if (o.out) o.out.write(r);
      else process.stdout.write(JSON.stringify(r) + '\n');
      toOutputs?.emit('inspection', r.recordId, r, r.timestamp);
    },
    onFlow:
      o.flowsOut || toOutputs
        ? (f) => {
            o.flowsOut?.write(f);
            toOutputs?.emitFlow(f);
          }
        : undefined,
    onEve: toOutputs?.wants('eve') ? (r) => toOutputs.emit('eve', eveRecordId(gatewayId, r.flow_id, r.event_type, eveSeq++), r) : undefined,
    onFailure: (e) => signal.stop(`worker error: ${e.message}`),
  });
  toOutputs?.setGatewayStats(() => {
    const s = lw.snapshot()?.stats;
    return { frames: s?.frames ?? 0, ipPackets: s?.ipPackets ?? 0, ipBytes: s?.ipBytes ?? 0 };
  });
  toOutputs?.setPortStats(() => {
    const p = lw.snapshot()?.port;
    return p ? [{ port: lw.labels[0], rxPackets: p.rxFrames, rxBytes: p.rxBytes, txPackets: p.txFrames, txBytes: p.txBytes }] : [];
  });
  for (const p of lw.mirrorProblems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const mirrors = o.config.gateway.junction?.mirroring?.peers.length ?? 0;
  console.error(`fleetgate gateway: ready (bump): devices ${lw.labels[0]}, ${o.workers} workers (SO_REUSEPORT)${mirrors > 0 ? `, ${mirrors} mirror peer(s)` : ''}`);
  let running = o.config;
  const why = await runUntilStopped(signal, {
    stopAfterMs: o.stopAfterMs,
    statusMs: o.quiet ? 0 : o.statusMs,
    status: () => {
      const s = lw.snapshot();
      if (s) console.error(`fleetgate gateway: status ${JSON.stringify(statusLine(s))}`);
    },
    reload: async () => {
      running = await reload(o.configPath, running, lw, o.intervalSec === undefined);
    },
  });

  const last = await lw.stop();
  o.out?.close();
  o.flowsOut?.close();
  await o.outputs?.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  if (!o.quiet) {
    const summary: Record<string, unknown> = { stopped: why, mode: 'bump', workers: o.workers };
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
        perWorkerFrames: last.perWorkerFrames,
        // devices whose traffic several workers saw: parts merged into one report, and parts that came late
        mergedReportParts: lw.reports.merged,
        lateReportParts: lw.reports.lateParts,
        ...statusLine(last),
      });
    }
    console.error(`fleetgate gateway: stopped ${JSON.stringify(summary)}`);
    for (const line of toOutputs?.counterLines() ?? []) console.error(`fleetgate gateway: ${line}`);
  }
  return why.startsWith('worker error') ? 1 : 0;
}

/** Re-reads and checks the config here, then relays it to every worker; an invalid file changes nothing. */
async function reload(path: string, old: FleetConfig, lw: LiveWorkers, intervalFromConfig: boolean): Promise<FleetConfig> {
  let cfg: FleetConfig;
  try {
    cfg = loadConfig(path);
  } catch (e) {
    console.error(`fleetgate gateway: reload refused, the running config stays: ${e instanceof Error ? e.message : String(e)}`);
    return old;
  }
  if (cfg.gateway.junction?.redirection?.enabled) {
    console.error('fleetgate gateway: reload refused, the running config stays: gateway.junction.redirection needs vpg or routed mode, not bump');
    return old;
  }
  const r = await lw.reload(cfg, intervalFromConfig);
  const needRestart = ['ports', 'outputs', 'id'].filter((k) => JSON.stringify(old.gateway[k as 'ports']) !== JSON.stringify(cfg.gateway[k as 'ports']));
  if (needRestart.length > 0) console.error(`fleetgate gateway: warning: gateway.${needRestart.join(', gateway.')} changed: restart to apply (the rest is applied)`);
  for (const e of r.errors) console.error(`fleetgate gateway: reload: ${e}`);
  const problems = new Set(r.changes.flatMap((c) => c.problems));
  for (const p of problems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const c = r.changes[0];
  const devices = DeviceDirectory.fromConfig(cfg).registeredCount;
  console.error(
    `fleetgate gateway: reloaded ${path} on ${r.changes.length} of ${lw.size} workers: ${devices} device(s)` +
      (c ? `; mirror peers ${c.mirrorPeersKept} kept, ${c.mirrorPeersAdded} added, ${c.mirrorPeersRemoved} removed; redirection ${c.redirection}` : ''),
  );
  return cfg;
}

function statusLine(s: MergedLiveSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = { forwarding: s.counters, perWorkerFrames: s.perWorkerFrames };
  if (s.junction.mirroring.length > 0) {
    out.mirroring = s.junction.mirroring.map((m) => ({
      peer: `${m.address} (${m.protocol})`, connected: m.connected, sent: m.sent, dropped: m.dropped, truncated: m.truncated, filtered: m.filtered, errors: m.errors,
    }));
  }
  return out;
}
