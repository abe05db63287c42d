// Messages between `fleetgate gateway --workers N` (main thread) and its live workers.
import type { FleetConfig } from '../../control/config/load-config.js';
import type { UdpTunnelPortConfig } from '../../control/config/types.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { PortCounters } from '../../io/ports/port.js';
import type { PipelineStats } from '../worker.js';
import type { LiveGatewayStatus } from '../live-gateway.js';
import type { JunctionChange } from '../live-junction.js';

export interface LiveWorkerData {
  index: number;
  workers: number;
  /** The config as the main thread loaded it (plain data: structured-cloned). */
  config: FleetConfig;
  devicesPort: UdpTunnelPortConfig;
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

/** A worker's counters, sent with every flush and when it stops. */
export interface LiveWorkerSnapshot {
  stats: PipelineStats;
  flowsCreated: number;
  reports: number;
  port: PortCounters;
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
  | { type: 'reload'; seq: number; config: FleetConfig; intervalFromConfig: boolean }
  | { type: 'stop' };

export type FromLiveWorker =
  | { type: 'ready'; label: string; mirrorProblems: string[] }
  | ({ type: 'flush'; snapshot: LiveWorkerSnapshot } & LiveWorkerRecords)
  | { type: 'reloaded'; seq: number; change?: JunctionChange; error?: string }
  | ({ type: 'stopped'; snapshot: LiveWorkerSnapshot } & LiveWorkerRecords)
  | { type: 'error'; message: string };
