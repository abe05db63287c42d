// Replays a capture as n shards (by device, see ../shard.ts). The reading thread reads the file into
// shared chunks and picks each frame's shard - from the addresses of a plain IPv4 frame
// (../../packet/plain-ipv4.ts), by decoding any other frame once - and sends each batch (offsets and shard
// numbers; the bytes are shared, not copied) to the workers. On a machine with more cores than shards,
// n workers process the shards and the reading thread only reads. With no core to spare, the reading
// thread processes shard 0 itself and n - 1 workers the rest: a reader that only dispatched left one
// thread too many fighting over the cores (on 2 cores, a reader and two workers ran slower than one
// thread alone). Reports are gathered and returned in a stable order (interval end, then record id), so
// the output does not depend on thread timing, each interval's as soon as every shard has closed it
// (report-orderer.ts).
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { openCapture } from '../../io/capture-reader.js';
import { CaptureError, FleetgateError } from '../../core/errors.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { PipelineStats } from '../worker.js';
import type { FromWorker, ShardSetup, ShardFlowStats, ShardRecords, ToWorker } from './messages.js';
import { PacketView } from '../../core/packet-view.js';
import { decodeFrame } from '../../packet/decode.js';
import { shardOf, shardOfAddresses } from '../shard.js';
import { PLAIN_DST_OFF, PLAIN_SRC_OFF, PlainIpv4, readPlainIpv4 } from '../../packet/plain-ipv4.js';
import { LinkType } from '../../core/layers.js';
import { fleetSetup } from '../../cli/fleet-setup.js';
import { shardPipeline } from './shard-pipeline.js';
import { ReportOrderer } from './report-orderer.js';

/** Batches a worker may have queued before the reader waits for it. */
const MAX_IN_FLIGHT = 4;
const BATCH_FRAMES = 4096;

export interface ShardedResult {
  /** Every report in order (interval end, then record id); empty when `onOrderedReport` took them. */
  reports: InspectionReportOut[];
  /** Reports produced. */
  reportCount: number;
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

/** Called on the main thread as shards send their records (in arrival order, not sorted). */
export interface ShardedRecordHandlers {
  onReport?: (r: InspectionReportOut) => void;
  /**
   * The reports in their stable order (interval end, then record id), each interval's as soon as every
   * shard has closed it. Without it, the result's `reports` holds them all.
   */
  onOrderedReport?: (r: InspectionReportOut) => void;
  /** Finished flows: only with setup.flows. */
  onFlow?: (f: ShardRecords['flowRecords'][number]) => void;
  /** EVE-shaped records: only with setup.eve. */
  onEve?: (r: ShardRecords['eve'][number]) => void;
  /** Asked before each batch is handed out: a promise to wait for (outputs full), or null. */
  pause?: () => Promise<void> | null;
}

export interface ShardedOptions {
  /** The reading thread processes shard 0 (default: when the machine has no more cores than shards). */
  readerShard?: boolean;
}

export async function shardedReplay(
  path: string,
  shards: number,
  setup: ShardSetup,
  handlers: ShardedRecordHandlers = {},
  opts: ShardedOptions = {},
): Promise<ShardedResult> {
  if (!Number.isInteger(shards) || shards < 2 || shards > 255) throw new FleetgateError('FG_ERR_USAGE', 'a sharded replay needs 2 to 255 shards');
  const reports: InspectionReportOut[] = [];
  const ordered = new ReportOrderer(handlers.onOrderedReport ?? ((r) => reports.push(r)));
  const take = (m: ShardRecords) => {
    for (const r of m.reports) {
      ordered.add(r);
      handlers.onReport?.(r);
    }
    if (handlers.onFlow) for (const f of m.flowRecords) handlers.onFlow(f);
    if (handlers.onEve) for (const r of m.eve) handlers.onEve(r);
  };
  // the main thread decodes each frame once to decide its shard, and processes shard 0's; workers
  // decode only their own
  const fleet = fleetSetup(setup);
  const devices = fleet.devices;
  const readerShard = opts.readerShard ?? availableParallelism() <= shards;
  const local = !readerShard ? null : shardPipeline(fleet, setup, 0, shards, {
    report: (r) => {
      ordered.add(r);
      handlers.onReport?.(r);
    },
    flow: (f) => handlers.onFlow?.(f),
    eve: (r) => handlers.onEve?.(r),
  });
  const view = local?.view ?? new PacketView();
  const plain = new PlainIpv4();
  let failure: Error | null = null;
  // set once the reader is open: counts a worker's ack of batch `seq` toward freeing its chunk
  let acked: (seq: number) => void = () => {};
  const handles: ShardHandle[] = [];
  for (let shard = readerShard ? 1 : 0; shard < shards; shard++) {
    const worker = new Worker(new URL('./replay-worker.js', import.meta.url), { workerData: { shard, shards, setup } });
    const h: ShardHandle = { worker, inFlight: 0, wake: null, done: null as never };
    h.done = new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ack') {
          take(m);
          acked(m.seq);
          h.inFlight--;
          h.wake?.();
        } else if (m.type === 'done') {
          take(m);
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
  // A chunk goes back to the reader once the reader has moved past it and every worker has acked
  // every batch of it.
  const pending = new Map<Uint8Array, number>();
  const chunkOfSeq = new Map<number, Uint8Array>();
  let current: Uint8Array | null = null;
  const settle = (chunk: Uint8Array) => {
    if (chunk !== current && pending.get(chunk) === 0) {
      pending.delete(chunk);
      reader.release(chunk);
    }
  };
  // Once every worker has acked batch seq (workers ack in order, so every batch before it too), every
  // shard has closed the intervals ending at or before the batch's frontier: their reports are all in.
  const intervalUs = fleet.intervalSec * 1e6;
  let maxTsUs = -Infinity;
  const frontierOf = new Map<number, { left: number; endMs: number }>();
  acked = (seq: number) => {
    const f = frontierOf.get(seq);
    if (f && --f.left === 0) {
      frontierOf.delete(seq);
      ordered.release(f.endMs);
    }
    const chunk = chunkOfSeq.get(seq);
    if (!chunk) return;
    const left = (pending.get(chunk) ?? 1) - 1;
    pending.set(chunk, left);
    if (left === 0) {
      for (const [s, c] of chunkOfSeq) if (c === chunk) chunkOfSeq.delete(s);
      settle(chunk);
    }
  };
  try {
    let seq = 0;
    for await (const b of reader) {
      const wait = handlers.pause?.();
      if (wait) await wait;
      const n = b.count;
      const shard = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const ts = b.tsUs[i];
        if (ts > maxTsUs) maxTsUs = ts;
        local?.advanceTime(ts);
        let s: number;
        if (b.linkType[i] === LinkType.ETHERNET && readPlainIpv4(b.buf, b.off[i], b.capLen[i], plain)) {
          // a plain IPv4 frame: its addresses are at fixed places, no need to decode it to pick a shard
          s = shardOfAddresses(b.buf, b.off[i] + PLAIN_SRC_OFF, b.off[i] + PLAIN_DST_OFF, 4, devices, shards);
          if (s === 0 && local) local.processFrameOfBatch(b, i);
        } else {
          decodeFrame(view, b.buf, b.off[i], b.capLen[i], b.wireLen[i], ts, b.linkType[i], b.ifIndex[i]);
          s = shardOf(view, devices, shards);
          if (s === 0 && local) local.processDecoded();
        }
        shard[i] = s;
      }
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
        shard,
      };
      if (b.buf !== current) {
        const prev = current;
        current = b.buf;
        if (prev) settle(prev);
      }
      // intervals close on a packet at or after their end, so the one open now starts at the frontier
      frontierOf.set(msg.seq, { left: handles.length, endMs: Math.floor((Math.floor(maxTsUs / intervalUs) * intervalUs) / 1000) });
      pending.set(b.buf, (pending.get(b.buf) ?? 0) + handles.length);
      chunkOfSeq.set(msg.seq, b.buf);
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
  // shard 0 ends its flows while the workers end theirs
  local?.finish();
  const results = await Promise.all(handles.map((h) => h.done));
  if (local) results.push({ stats: local.stats, flows: { created: local.flows.stats.created, evicted: local.flows.stats.evicted } });

  const stats = results.map((r) => r.stats).reduce(sumStats);
  const flows = results.map((r) => r.flows).reduce((a, b) => ({ created: a.created + b.created, evicted: a.evicted + b.evicted }));
  ordered.releaseAll();
  const out = { reports, reportCount: ordered.released, stats, flows };
  return captureError ? { ...out, captureError } : out;
}

function sumStats(a: PipelineStats, b: PipelineStats): PipelineStats {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof PipelineStats)[]) out[k] = a[k] + b[k];
  return out;
}
