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
import { describeIdsChange, readReloadConfig, restartNeeded, restartSuffix, withPorts } from '../gateway-reload.js';
import { portsChanged } from '../gateway-ports-reload.js';
import { switchWorkerPorts } from '../gateway-workers-ports.js';
import { FleetgateError } from '../../core/errors.js';
import { junctionStatusLine } from '../gateway-status-line.js';
import type { FleetConfig } from '../../control/config/load-config.js';
import type { TunPortConfig, UdpTunnelPortConfig } from '../../control/config/types.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { loadNative, nativeLoadError } from '../../io/native/index.js';
import { eveRecordId } from '../../pipeline/sharded/flow-eve.js';
import { LiveWorkers } from '../../pipeline/live-workers/live-workers.js';
import { SplitReportIds } from '../../pipeline/live-workers/split-report-ids.js';
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

export async function runGatewayWorkers(o: GatewayWorkersRun): Promise<number> {
  const { mode } = checkWorkersMode(o.config, o.workers);
  // a reload may change it (EVE record ids below; the workers' own records follow the relayed config)
  let gatewayId = o.config.gateway.id;
  const toOutputs = o.outputs;
  // workers build EVE records only when an output takes them at start (a reload adding one: restart);
  // finished flows always come back, for outputs a reload may add
  const eveAtStart = toOutputs.wants('eve');
  let eveSeq = 0;
  const signal = new StopSignal();
  const poolReportIds = new SplitReportIds();
  // a pool of workers on a config's ports: the first one, and a new one when a reload changes the ports
  const startPool = (config: FleetConfig): Promise<LiveWorkers> => {
    const p = checkWorkersMode(config, o.workers);
    return LiveWorkers.start({
      workers: o.workers,
      config,
      devicesPort: p.devicesPort,
      networkPort: p.networkPort,
      intervalSec: o.intervalSec,
      dpi: o.dpi,
      // the interval open at a pool restart is reported by both pools: one set of ids, the later part `:part<n>`
      reportIds: poolReportIds,
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
  };
  const pool: WorkerPool = { lw: await startPool(o.config), start: startPool, retired: [], setGatewayId: (id) => (gatewayId = id), stop: signal.stop };
  toOutputs.setTotals(
    () => {
      const s = pool.lw.snapshot()?.stats;
      const c = carried(pool.retired);
      return { frames: c.frames + (s?.frames ?? 0), ipPackets: c.ipPackets + (s?.ipPackets ?? 0), ipBytes: c.ipBytes + (s?.ipBytes ?? 0) };
    },
    () => {
      const lw = pool.lw;
      const snap = lw.snapshot();
      const list: Array<[string | undefined, PortCounters | undefined]> = [[lw.labels[0], snap?.port], [lw.networkLabel, snap?.network]];
      return list.flatMap(([port, p]) => (port && p ? [{ port, rxPackets: p.rxFrames, rxBytes: p.rxBytes, txPackets: p.txFrames, txBytes: p.txBytes }] : []));
    },
  );
  const lw0 = pool.lw;
  for (const p of lw0.mirrorProblems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const mirrors = o.config.gateway.junction?.mirroring?.peers.length ?? 0;
  const network = lw0.networkLabel ? `, network ${lw0.networkLabel}` : '';
  const red = o.config.gateway.junction?.redirection;
  const redirect = red?.enabled ? `, redirection to ${[red.primary, ...(red.standby ? [red.standby] : [])].map((p) => `${p.address}:${p.port}`).join(' / ')}` : '';
  console.error(`fleetgate gateway: ready (${mode}): devices ${lw0.labels[0]}${network}, ${o.workers} workers (flow-hash steering)${mirrors > 0 ? `, ${mirrors} mirror peer(s)` : ''}${redirect}`);
  let running = o.config;
  let watch: ConfigWatch | null = null;
  const why = await runUntilStopped(signal, {
    stopAfterMs: o.stopAfterMs,
    statusMs: o.quiet ? 0 : o.statusMs,
    status: () => {
      const s = pool.lw.snapshot();
      if (s) console.error(`fleetgate gateway: status ${JSON.stringify(statusLine(s))}`);
    },
    reload: async () => {
      watch?.markLoaded();
      running = await reload(o.configPath, running, pool, o.intervalSec === undefined, toOutputs, eveAtStart);
    },
    reloadTriggers: o.watchConfig ? (queue) => startConfigWatch(o.configPath, queue, (w) => (watch = w)) : undefined,
  });

  const lw = pool.lw;
  const last = await lw.stop();
  o.out?.close();
  o.flowsOut?.close();
  const outputLines = await o.outputs.close(Number(process.env.FLEETGATE_OUTPUT_DRAIN_MS ?? 30_000));
  if (!o.quiet) {
    // mode and port counters: the last pool's; frames, flows and reports: every pool's (a ports reload restarts the pool)
    const summary: Record<string, unknown> = { stopped: why, mode: modeOf(running), workers: o.workers, poolRestarts: pool.retired.length };
    if (last) {
      const s = last.stats;
      const c = carried(pool.retired);
      Object.assign(summary, {
        frames: c.frames + s.frames,
        ipPackets: c.ipPackets + s.ipPackets,
        ipBytes: c.ipBytes + s.ipBytes,
        unattributedPackets: c.unattributedPackets + s.unattributedPackets,
        flows: c.flows + last.flowsCreated,
        reports: c.reports + last.reports,
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

/** The running worker pool: replaced when a reload changes gateway.ports (gateway-workers-ports.ts). */
interface WorkerPool {
  lw: LiveWorkers;
  start: (config: FleetConfig) => Promise<LiveWorkers>;
  /** The last counters of the pools stopped by ports reloads. */
  retired: MergedLiveSnapshot[];
  setGatewayId: (id: string) => void;
  /** Ends the run (the pool could not be started again after a ports change). */
  stop: (why: string) => void;
}

/** The counters of the stopped pools, summed. */
function carried(retired: readonly MergedLiveSnapshot[]) {
  const c = { frames: 0, ipPackets: 0, ipBytes: 0, unattributedPackets: 0, flows: 0, reports: 0 };
  for (const r of retired) {
    c.frames += r.stats.frames;
    c.ipPackets += r.stats.ipPackets;
    c.ipBytes += r.stats.ipBytes;
    c.unattributedPackets += r.stats.unattributedPackets;
    c.flows += r.flowsCreated;
    c.reports += r.reports;
  }
  return c;
}

function modeOf(cfg: FleetConfig): string {
  const p = cfg.gateway.ports;
  return p?.devices.kind === 'tun' ? 'routed' : p?.network ? 'vpg' : 'bump';
}

/**
 * Re-reads and checks the config here, then relays it to every worker; an invalid file changes nothing.
 * A change of gateway.ports first moves the workers onto the new ports (a new pool); a new gateway.id /
 * operator.id reaches the workers with the relayed config and the outputs here.
 */
async function reload(path: string, old: FleetConfig, pool: WorkerPool, intervalFromConfig: boolean, outputs: GatewayOutputs, eveAtStart: boolean): Promise<FleetConfig> {
  let cfg = readReloadConfig(path);
  if (cfg === null) return old;
  let portsLine = '';
  if (portsChanged(old.gateway.ports, cfg.gateway.ports)) {
    // a new id too: the running pool takes it first, so the last reports it sends when it stops carry it
    if (describeIdsChange(old, cfg) !== '') await pool.lw.reload(withPorts(cfg, old.gateway.ports), intervalFromConfig);
    const size = pool.lw.size;
    let sw;
    try {
      sw = await switchWorkerPorts(pool.lw, old, cfg, (c) => checkWorkersMode(c, size), pool.start);
    } catch (e) {
      // neither the new ports nor the running ones could start a pool again: stop rather than run without one
      const why = e instanceof Error ? e.message : String(e);
      console.error(`fleetgate gateway: reload: no worker pool could start, stopping: ${why}`);
      pool.stop(`worker error: ports lost: ${why}`);
      return old;
    }
    pool.lw = sw.lw;
    if (sw.retired) pool.retired.push(sw.retired);
    cfg = sw.config;
    portsLine = `; ${sw.line}`;
  }
  const lw = pool.lw;
  const r = await lw.reload(cfg, intervalFromConfig);
  // the outputs live on this thread: swapped here, between the records the workers post
  const idsLine = describeIdsChange(old, cfg);
  pool.setGatewayId(cfg.gateway.id);
  outputs.setIds(cfg.gateway.id, cfg.operator.id);
  const outChange = outputs.apply(cfg);
  const needRestart = restartNeeded(outputs, eveAtStart);
  for (const e of r.errors) console.error(`fleetgate gateway: reload: ${e}`);
  const problems = new Set(r.changes.flatMap((c) => c.problems));
  for (const p of problems) console.error(`fleetgate gateway: warning: mirror peer ${p}`);
  const c = r.changes[0];
  const devices = DeviceDirectory.fromConfig(cfg).registeredCount;
  console.error(
    `fleetgate gateway: reloaded ${path} on ${r.changes.length} of ${lw.size} workers: ${devices} device(s)` +
      (c ? `; mirror peers ${c.mirrorPeersKept} kept, ${c.mirrorPeersAdded} added, ${c.mirrorPeersRemoved} removed; redirection ${c.redirection}` : '') +
      describeOutputsChange(outChange) +
      portsLine +
      idsLine +
      restartSuffix(needRestart),
  );
  return cfg;
}

function statusLine(s: MergedLiveSnapshot): Record<string, unknown> {
  return { forwarding: s.counters, perWorkerFrames: s.perWorkerFrames, ...junctionStatusLine(s.junction) };
}
