// One live worker of `fleetgate gateway --workers N` (bump in the wire). It opens its own tunnel socket
// on the shared address:port (SO_REUSEPORT: the kernel hands it the datagrams of the tunnel endpoints
// whose outer address:port hash to it) and runs its own Pipeline, LiveGateway and LiveJunction (its own
// mirror sockets). Reports, finished flows and EVE records go back to the main thread in batches with
// the counters (every flushMs); the main thread owns the outputs. Reloads arrive as messages and are
// applied on this thread's event loop, that is between two batches.
import { parentPort, workerData } from 'node:worker_threads';
import { Pipeline } from '../worker.js';
import { LiveGateway } from '../live-gateway.js';
import { parseMac } from '../live-ports.js';
import { UdpTunnelPort } from '../../io/ports/udp-tunnel-port.js';
import { loadNative, nativeAddonPath, requireNative } from '../../io/native/index.js';
import { DeviceDirectory } from '../../control/devices/device-directory.js';
import { AppCatalog } from '../../classify/catalog/index.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import { eveRecordsOf } from '../sharded/flow-eve.js';
import type { FromLiveWorker, LiveWorkerData, LiveWorkerSnapshot, ToLiveWorker } from './messages.js';

const data = workerData as LiveWorkerData;
const parent = parentPort!;
const post = (m: FromLiveWorker): void => parent.postMessage(m);

async function main(): Promise<void> {
  const { config: cfg, index, workers } = data;
  const reports: InspectionReportOut[] = [];
  const flowRecords: FlowRecord[] = [];
  const eve: EveRecord[] = [];
  let devices = DeviceDirectory.fromConfig(cfg);
  const gatewayId = cfg.gateway.id;
  const operatorId = cfg.operator.id;
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
  const port = new UdpTunnelPort({ kind: pc.kind, address: pc.address, port: pc.port, reusePort: true, addon });
  const junction = cfg.gateway.junction;
  const gw = new LiveGateway({
    pipeline,
    devices: port,
    replyPort: pc.replyPort,
    gatewayMac: parseMac(cfg.gateway.ports?.gatewayMac ?? '02:66:67:00:00:01'),
    directory: devices,
    mirroring: junction?.mirroring,
    redirection: junction?.redirection,
  });
  await gw.start();

  const snapshot = (): LiveWorkerSnapshot => ({
    stats: { ...pipeline.stats },
    flowsCreated: pipeline.flows.stats.created,
    reports: pipeline.inspection.reportsEmitted,
    port: { ...port.counters },
    gateway: gw.status(),
  });
  const openFromMs = (): number | null => {
    const us = pipeline.inspection.openIntervalStartUs;
    return us < 0 ? null : us / 1000;
  };
  const records = () => ({ reports: reports.splice(0), openFromMs: openFromMs(), flowRecords: flowRecords.splice(0), eve: eve.splice(0) });
  const timer = setInterval(() => post({ type: 'flush', snapshot: snapshot(), ...records() }), data.flushMs);
  post({ type: 'ready', label: port.label, mirrorProblems: [...gw.junction.problems] });

  let stopping = false;
  parent.on('message', (m: ToLiveWorker) => {
    if (m.type === 'reload') {
      void (async () => {
        try {
          // the pipeline first: the junction reads device groups by the pipeline's device indexes
          devices = DeviceDirectory.fromConfig(m.config);
          pipeline.applyConfig({
            devices,
            catalog: AppCatalog.builtin().withCustom(m.config.applications),
            intervalUs: m.intervalFromConfig ? m.config.gateway.inspection.intervalSeconds * 1e6 : undefined,
          });
          const j = m.config.gateway.junction;
          const change = await gw.reconfigure({ mirroring: j?.mirroring, redirection: j?.redirection, directory: devices });
          post({ type: 'reloaded', seq: m.seq, change });
        } catch (e) {
          post({ type: 'reloaded', seq: m.seq, error: e instanceof Error ? e.message : String(e) });
        }
      })();
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
