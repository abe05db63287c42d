// Replays a capture on several worker threads. The main thread reads the file into shared chunks and
// sends each batch (offsets only; the bytes are shared) to every worker; each worker owns the devices
// of its shard (see ../shard.ts). Reports are gathered and returned in a stable order (interval end,
// then record id), so the output does not depend on thread timing.
import { Worker } from 'node:worker_threads';
import { openCapture } from '../../io/capture-reader.js';
import { CaptureError, FleetgateError } from '../../core/errors.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { PipelineStats } from '../worker.js';
import type { FromWorker, ShardSetup, ShardFlowStats, ToWorker } from './messages.js';

/** Batches a worker may have queued before the reader waits for it. */
const MAX_IN_FLIGHT = 4;
const BATCH_FRAMES = 4096;

export interface ShardedResult {
  reports: InspectionReportOut[];
  stats: PipelineStats;
  flows: ShardFlowStats;
  captureError?: CaptureError;
}

interface ShardHandle {
  worker: Worker;
  inFlight: number;
  wake: (() => void) | null;
  done: Promise<{ stats: PipelineStats; flows: ShardFlowStats }>;
}

export async function shardedReplay(path: string, shards: number, setup: ShardSetup): Promise<ShardedResult> {
  if (!Number.isInteger(shards) || shards < 2) throw new FleetgateError('FG_ERR_USAGE', 'a sharded replay needs at least 2 workers');
  const reports: InspectionReportOut[] = [];
  let failure: Error | null = null;
  const handles: ShardHandle[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const worker = new Worker(new URL('./replay-worker.js', import.meta.url), { workerData: { shard, shards, setup } });
    const h: ShardHandle = { worker, inFlight: 0, wake: null, done: null as never };
    h.done = new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ack') {
          for (const r of m.reports) reports.push(r);
          h.inFlight--;
          h.wake?.();
        } else if (m.type === 'done') {
          for (const r of m.reports) reports.push(r);
          resolve({ stats: m.stats, flows: m.flows });
        } else {
          failure = new FleetgateError('FG_ERR_IO', `replay worker ${shard} failed: ${m.message}`);
          h.wake?.();
          reject(failure);
        }
      });
      worker.on('error', (e) => {
        failure = e;
        h.wake?.();
        reject(e);
      });
    });
    h.done.catch(() => {});
    handles.push(h);
  }

  let captureError: CaptureError | undefined;
  const reader = await openCapture(path, { sharedChunks: true, batchSize: BATCH_FRAMES });
  try {
    let seq = 0;
    for await (const b of reader) {
      const n = b.count;
      // the reader reuses its FrameBatch arrays: send copies of the offsets, share the bytes
      const msg: ToWorker = {
        type: 'batch',
        seq: seq++,
        buf: b.buf,
        count: n,
        off: b.off.slice(0, n),
        capLen: b.capLen.slice(0, n),
        wireLen: b.wireLen.slice(0, n),
        tsUs: b.tsUs.slice(0, n),
        linkType: b.linkType.slice(0, n),
        ifIndex: b.ifIndex.slice(0, n),
      };
      for (const h of handles) {
        while (h.inFlight >= MAX_IN_FLIGHT && !failure) await new Promise<void>((r) => (h.wake = r));
        if (failure) throw failure;
        h.inFlight++;
        h.worker.postMessage(msg);
      }
    }
  } catch (e) {
    if (!(e instanceof CaptureError)) {
      for (const h of handles) await h.worker.terminate();
      throw e;
    }
    captureError = e;
  } finally {
    await reader.close();
  }
  for (const h of handles) h.worker.postMessage({ type: 'end' } satisfies ToWorker);
  const results = await Promise.all(handles.map((h) => h.done));

  const stats = results.map((r) => r.stats).reduce(sumStats);
  const flows = results.map((r) => r.flows).reduce((a, b) => ({ created: a.created + b.created, evicted: a.evicted + b.evicted }));
  reports.sort((a, b) => a.timestamp - b.timestamp || (a.recordId < b.recordId ? -1 : a.recordId > b.recordId ? 1 : 0));
  return captureError ? { reports, stats, flows, captureError } : { reports, stats, flows };
}

function sumStats(a: PipelineStats, b: PipelineStats): PipelineStats {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof PipelineStats)[]) out[k] = a[k] + b[k];
  return out;
}
