// Messages between the sharded replay's main thread and its workers.
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { PipelineStats } from '../worker.js';

export interface ShardSetup {
  config?: string;
  deviceSubnets?: string[];
  intervalSec?: number;
  dpi: boolean;
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

export type FromWorker =
  | { type: 'ack'; seq: number; reports: InspectionReportOut[] }
  | { type: 'done'; reports: InspectionReportOut[]; stats: PipelineStats; flows: ShardFlowStats }
  | { type: 'error'; message: string };
