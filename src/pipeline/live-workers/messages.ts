// Messages between `fleetgate gateway --workers N` (main thread) and its live workers.
// Plain data only (structured clone).
import type { FleetConfig } from '../../control/config/load-config.js';
import type { TunPortConfig, UdpTunnelPortConfig } from '../../control/config/types.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { PortCounters } from '../../io/ports/port.js';
import type { PipelineStats } from '../worker.js';
import type { LiveGatewayStatus } from '../live-gateway.js';
import type { JunctionChange } from '../live-junction.js';
import type { RelayedPeerHealth } from '../../actions/redirect/workers.js';
import type { SharedEndpointData } from '../live-endpoints.js';

export interface LiveWorkerData {
  index: number;
  workers: number;
  /** The config as the main thread loaded it (plain data: structured-cloned). */
  config: FleetConfig;
  /** The devices port: a tunnel (bump / vpg) or a TUN (routed); network: the network TUN (vpg / routed). */
  devicesPort: UdpTunnelPortConfig | TunPortConfig;
  networkPort?: TunPortConfig;
  /**
   * The kernel's names of the TUN devices, as worker 0 opened them ('fg%d' resolved): the other workers
   * open their queues of the same devices.
   */
  tunNames?: { devices?: string; network?: string };
  /** The redirection return port worker 0 bound (the kernel's pick for `localPort: 0`): the others bind it too. */
  redirectPort?: number;
  /** --interval, when given (the config's otherwise, also after a reload). */
  intervalSec?: number;
  dpi: boolean;
  /** Send finished flows / EVE records back (--flows-out or outputs want them). */
  flows: boolean;
  eve: boolean;
  /** How often records and counters are sent to the main thread, ms. */
  flushMs: number;
  /** The native addon path (tests), else the default. */
  nativePath?: string;
}

/**
 * A device tunnel endpoint one worker learned (VPG mode), shared with the others through the main thread:
 * a downlink flow may be steered to a worker that never saw that device's uplink.
 * bytes = the tunnel header (hdrLen bytes), then the device's MAC when ethernet.
 */
export type SharedEndpoint = SharedEndpointData;

/** A worker's counters, sent with every flush and when it stops. */
export interface LiveWorkerSnapshot {
  stats: PipelineStats;
  flowsCreated: number;
  reports: number;
  port: PortCounters;
  /** The network TUN port (vpg / routed with two TUNs). */
  network?: PortCounters;
  /** Endpoints learned from other workers. */
  endpointsAdopted?: number;
  gateway: LiveGatewayStatus;
}

export interface LiveWorkerRecords {
  reports: InspectionReportOut[];
  /** Start (ms) of the Inspection interval the worker has open after these reports; null: none (or stopped). */
  openFromMs: number | null;
  flowRecords: FlowRecord[];
  eve: EveRecord[];
}

export type ToLiveWorker =
  | { type: 'reload'; seq: number; config: FleetConfig; intervalFromConfig: boolean; redirectPort?: number }
  | { type: 'stop' }
  | { type: 'endpoints'; list: SharedEndpoint[] }
  /** A redirection peer's health from the worker that probes it (rare: state changes, MAC learned). */
  | { type: 'redirectHealth'; relay: RelayedPeerHealth };

export type FromLiveWorker =
  | { type: 'ready'; label: string; networkLabel?: string; tunNames: { devices?: string; network?: string }; mirrorProblems: string[]; redirectPort?: number }
  | { type: 'endpoints'; list: SharedEndpoint[] }
  | { type: 'redirectHealth'; relay: RelayedPeerHealth }
  | ({ type: 'flush'; snapshot: LiveWorkerSnapshot } & LiveWorkerRecords)
  | { type: 'reloaded'; seq: number; change?: JunctionChange; error?: string; redirectPort?: number }
  | ({ type: 'stopped'; snapshot: LiveWorkerSnapshot } & LiveWorkerRecords)
  | { type: 'error'; message: string };
