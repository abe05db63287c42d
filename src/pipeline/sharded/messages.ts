// Messages between the sharded replay's main thread and its workers.
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { PipelineStats } from '../worker.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';

export interface ShardSetup {
  config?: string;
  deviceSubnets?: string[];
  intervalSec?: number;
  dpi: boolean;
  /** Send finished flows back to the main thread (for --flows-out and outputs). */
  flows?: boolean;
  /** Send EVE-shaped metadata records back (for --records and outputs). */
  eve?: boolean;
}

export interface ShardWorkerData {
  shard: number;
  shards: number;
  setup: ShardSetup;
}

/** A batch of frames: `buf` is a SharedArrayBuffer-backed chunk every worker reads without a copy. */
export interface BatchMessage {
  type: 'batch';
  seq: number;
  buf: Uint8Array;
  count: number;
  off: Int32Array;
  capLen: Int32Array;
  wireLen: Int32Array;
  tsUs: Float64Array;
  linkType: Uint16Array;
  ifIndex: Uint16Array;
  /** The shard that owns each frame (decided once, on the main thread). */
  shard: Uint8Array;
}

export type ToWorker = BatchMessage | { type: 'end' };

export interface ShardFlowStats {
  created: number;
  evicted: number;
}

/** What a shard produced since its last message (flows and eve only when the setup asks). */
export interface ShardRecords {
  reports: InspectionReportOut[];
  flowRecords: FlowRecord[];
  eve: EveRecord[];
}

export type FromWorker =
  | ({ type: 'ack'; seq: number } & ShardRecords)
  | ({ type: 'done'; stats: PipelineStats; flows: ShardFlowStats } & ShardRecords)
  | { type: 'error'; message: string };
