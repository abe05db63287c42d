// One live worker of `fleetgate gateway --workers N` (bump, vpg or routed mode). It opens its own ports:
// a tunnel socket on the shared address:port (SO_REUSEPORT) and/or its own queue of each multi-queue TUN.
// Kernel programs steer every packet by the symmetric hash of its (inner) IP addresses, so both
// directions of a flow reach the same worker (src/io/native/flow-hash.ts); worker 0, which the main
// thread starts first, attaches them. It runs its own Pipeline, LiveGateway and LiveJunction (its own
// mirror sockets). Reports, finished flows and EVE records go back to the main thread in batches with
// the counters (every flushMs); the main thread owns the outputs. Device tunnel endpoints learned here
// (VPG) are posted to the main thread, which relays them to the other workers. Reloads and relayed
// endpoints arrive as messages and are applied on this thread's event loop, that is between batches.
import { parentPort, workerData } from 'node:worker_threads';
import { Pipeline } from '../worker.js';
import { LiveGateway } from '../live-gateway.js';
import { parseMac } from '../live-ports.js';
import { UdpTunnelPort } from '../../io/ports/udp-tunnel-port.js';
import { TunPort } from '../../io/ports/tun-port.js';
import type { Port } from '../../io/ports/port.js';
import type { TunPortConfig } from '../../control/config/types.js';
import type { NativeAddon } from '../../io/native/index.js';
import { loadNative, nativeAddonPath, requireNative } from '../../io/native/index.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { AppCatalog } from '../../classify/catalog/index.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import { eveRecordsOf } from '../sharded/flow-eve.js';
import type { FromLiveWorker, LiveWorkerData, LiveWorkerSnapshot, SharedEndpoint, ToLiveWorker } from './messages.js';

const data = workerData as LiveWorkerData;
/** Least time between two shares of the same device's endpoint (its first is shared at once). */
const SHARE_EVERY_MS = 1000;
const parent = parentPort!;
const post = (m: FromLiveWorker): void => parent.postMessage(m);

async function main(): Promise<void> {
  const { config: cfg, index, workers } = data;
  const reports: InspectionReportOut[] = [];
  const flowRecords: FlowRecord[] = [];
  const eve: EveRecord[] = [];
  let devices = DeviceDirectory.fromConfig(cfg);
  // a reload may change them: EVE records below read them, the pipeline's reports take them in applyConfig
  let gatewayId = cfg.gateway.id;
  let operatorId = cfg.operator.id;
  const intervalSec = data.intervalSec ?? cfg.gateway.inspection.intervalSeconds;
  const pipeline = new Pipeline({
    operatorId,
    gatewayId,
    intervalUs: intervalSec * 1e6,
    // each worker holds about its share of the flows; headroom for an uneven spread of the tunnels
    flowCapacity: Math.ceil(((cfg.flowTable?.capacity ?? 1_000_000) * 2) / workers),
    timeouts: cfg.flowTable?.timeouts,
    devices,
    catalog: AppCatalog.builtin().withCustom(cfg.applications),
    topDestinations: cfg.gateway.inspection.topDestinations,
    dpi: data.dpi,
    onReport: (r) => reports.push(r),
    onFlowEnd: data.flows ? (f) => flowRecords.push(f) : undefined,
    onFlowMeta: data.eve
      ? (flow, info) => {
          // flow ids count per worker: spread them so they stay unique across workers
          for (const r of eveRecordsOf(flow, { ...info, flowId: info.flowId * workers + index }, gatewayId, operatorId)) eve.push(r);
        }
      : undefined,
  });
  const pc = data.devicesPort;
  const addon = data.nativePath ? (loadNative(data.nativePath) ?? requireNative(pc.kind, data.nativePath)) : requireNative(pc.kind, nativeAddonPath());
  const first = index === 0;
  // worker 0 runs first: it binds the first socket of the group / opens queue 0, configures the TUNs and
  // attaches the steering programs; the others join in index order, so socket k and queue k are worker k's
  const devicesPort: Port =
    pc.kind === 'tun'
      ? tunQueue(pc, data.tunNames?.devices, 0, addon)
      : new UdpTunnelPort({ kind: pc.kind, address: pc.address, port: pc.port, reusePort: true, steerWorkers: first ? workers : undefined, addon });
  const network = data.networkPort ? tunQueue(data.networkPort, data.tunNames?.network, 1, addon) : undefined;
  const junction = cfg.gateway.junction;
  let endpointsAdopted = 0;
  // endpoints learned here go to the other workers (through the main thread): a device's first one at
  // once, later changes of the same device at most once a second (a GTP-U sequence number or a GENEVE
  // flow cookie can change the kept header with every packet); deferred ones go with the next flush
  // (IPv4 devices by address key, IPv6 devices by their slot in this worker's table)
  const pendingShare = new Set<number>();
  const lastShared = new Map<number, number>();
  const pendingShare6 = new Set<number>();
  const lastShared6 = new Map<number, number>();
  const collect = (keys: number[] | null, pending: Set<number>): void => {
    if (keys === null || keys.length === 0) return;
    for (const k of keys) pending.add(k);
    keys.length = 0;
  };
  const due = (pending: Set<number>, lastTimes: Map<number, number>, now: number, list: SharedEndpoint[], exp: (k: number) => SharedEndpoint | null): void => {
    for (const key of pending) {
      const last = lastTimes.get(key);
      if (last !== undefined && now - last < SHARE_EVERY_MS) continue;
      pending.delete(key);
      lastTimes.set(key, now);
      const e = exp(key);
      if (e) list.push(e);
    }
  };
  const shareEndpoints = (): void => {
    const ep = gw.endpoints;
    collect(ep.changed, pendingShare);
    collect(ep.changed6, pendingShare6);
    if (pendingShare.size + pendingShare6.size === 0) return;
    const now = Date.now();
    const list: SharedEndpoint[] = [];
    due(pendingShare, lastShared, now, list, (k) => ep.exportEndpoint(k));
    due(pendingShare6, lastShared6, now, list, (k) => ep.exportSlot(k));
    if (list.length > 0) post({ type: 'endpoints', list });
  };
  const gw: LiveGateway = new LiveGateway({
    pipeline,
    devices: devicesPort,
    network,
    replyPort: pc.kind === 'tun' ? undefined : pc.replyPort,
    gatewayMac: parseMac(cfg.gateway.ports?.gatewayMac ?? '02:66:67:00:00:01'),
    directory: devices,
    mirroring: junction?.mirroring,
    redirection: junction?.redirection,
    afterBatch: workers > 1 ? shareEndpoints : undefined,
  });
  if (workers > 1) {
    gw.endpoints.changed = [];
    gw.endpoints.changed6 = [];
    // redirection: this worker's socket joins the shared return port (in worker order, as the tunnel
    // socket); the peers it probes relay their health to the other workers through the main thread
    gw.junction.useWorkers({
      index,
      count: workers,
      addon,
      onPeerChange: (peer) => {
        const relay = gw.junction.redirector?.peerRelay(peer);
        if (relay) post({ type: 'redirectHealth', relay });
      },
      returnPort: data.redirectPort,
    });
  }
  await gw.start();

  const snapshot = (): LiveWorkerSnapshot => ({
    stats: { ...pipeline.stats },
    flowsCreated: pipeline.flows.stats.created,
    reports: pipeline.inspection.reportsEmitted,
    port: { ...devicesPort.counters },
    network: network ? { ...network.counters } : undefined,
    endpointsAdopted,
    gateway: gw.status(),
  });
  const openFromMs = (): number | null => {
    const us = pipeline.inspection.openIntervalStartUs;
    return us < 0 ? null : us / 1000;
  };
  const records = () => ({ reports: reports.splice(0), openFromMs: openFromMs(), flowRecords: flowRecords.splice(0), eve: eve.splice(0) });
  const timer = setInterval(() => {
    if (workers > 1) shareEndpoints();
    post({ type: 'flush', snapshot: snapshot(), ...records() });
  }, data.flushMs);
  const tunNames = { devices: devicesPort instanceof TunPort ? devicesPort.name : undefined, network: network?.name };
  post({ type: 'ready', label: devicesPort.label, networkLabel: network?.label, tunNames, mirrorProblems: [...gw.junction.problems], redirectPort: gw.junction.redirectionPort() ?? undefined });

  let stopping = false;
  parent.on('message', (m: ToLiveWorker) => {
    if (m.type === 'reload') {
      void (async () => {
        try {
          // the pipeline first: the junction reads device groups by the pipeline's device indexes
          devices = DeviceDirectory.fromConfig(m.config);
          gatewayId = m.config.gateway.id;
          operatorId = m.config.operator.id;
          pipeline.applyConfig({
            devices,
            catalog: AppCatalog.builtin().withCustom(m.config.applications),
            intervalUs: m.intervalFromConfig ? m.config.gateway.inspection.intervalSeconds * 1e6 : undefined,
            ids: { gatewayId, operatorId },
          });
          const j = m.config.gateway.junction;
          // localPort 0: the port worker 0 bound on this reload (it reloads first), for the others to join
          if (m.redirectPort !== undefined) gw.junction.setWorkersReturnPort(m.redirectPort);
          const change = await gw.reconfigure({ mirroring: j?.mirroring, redirection: j?.redirection, directory: devices });
          post({ type: 'reloaded', seq: m.seq, change, redirectPort: gw.junction.redirectionPort() ?? undefined });
        } catch (e) {
          post({ type: 'reloaded', seq: m.seq, error: e instanceof Error ? e.message : String(e) });
        }
      })();
    } else if (m.type === 'redirectHealth') {
      gw.junction.redirector?.followPeer(m.relay);
    } else if (m.type === 'endpoints') {
      // learned by another worker: a downlink packet steered here finds its device's tunnel
      for (const e of m.list) if (gw.endpoints.adopt(e)) endpointsAdopted++;
    } else if (m.type === 'stop' && !stopping) {
      stopping = true;
      clearInterval(timer);
      void gw.stop().then(
        () => {
          // the pipeline has finished: every interval is closed
          post({ type: 'stopped', snapshot: snapshot(), ...records(), openFromMs: null });
          parent.close();
        },
        (e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }),
      );
    }
  });
}

main().catch((e: unknown) => {
  post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  parent.close();
});

/** This worker's queue of a multi-queue TUN; only worker 0 sets addresses and MTU and attaches steering. */
function tunQueue(c: TunPortConfig, name: string | undefined, ifIndex: number, addon: NativeAddon): TunPort {
  const first = data.index === 0;
  return new TunPort({
    name: name ?? c.name,
    addresses: first ? c.addresses : undefined,
    mtu: first ? c.mtu : undefined,
    ifIndex,
    addon,
    multiQueue: true,
    steerQueues: first && data.workers > 1 ? data.workers : undefined,
  });
}
