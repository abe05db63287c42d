// The main-thread side of `fleetgate gateway --workers N` (bump, vpg and routed modes): starts N live
// workers (live-worker.ts), one after the other, each with its own tunnel socket on the same
// address:port (SO_REUSEPORT) and/or its own queue of each multi-queue TUN, and its own Pipeline,
// LiveGateway and Junction. Kernel programs attached by worker 0 steer every packet by the symmetric hash
// of its inner IP addresses (src/io/native/flow-hash.ts): both directions of a flow, whichever port they
// arrive on, land on the same worker, with its flow, DNS answers and flow-level Inspection. A device's
// flows are spread over workers by peer, so each worker reports its part of a device's traffic:
// report-merger.ts merges the parts into one report per device per interval. Socket k of the reuseport
// group and queue k of each TUN belong to worker k because the workers open them in index order.
// Here: records come back in batches and are handed to the callbacks (the caller owns the outputs),
// counters are summed (mergeSnapshots), reloads are relayed to every worker, and device tunnel endpoints
// one worker learns (VPG) are relayed to the others.
import { Worker } from 'node:worker_threads';
import { FleetgateError } from '../../core/errors.js';
import type { FleetConfig } from '../../control/config/load-config.js';
import type { TunPortConfig, UdpTunnelPortConfig } from '../../control/config/types.js';
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';
import type { FlowRecord } from '../../export/flows/flow-record.js';
import type { EveRecord } from '../../export/records/eve/eve-types.js';
import type { JunctionChange } from '../live-junction.js';
import type { FromLiveWorker, LiveWorkerData, LiveWorkerRecords, LiveWorkerSnapshot, ToLiveWorker } from './messages.js';
import { mergeSnapshots, type MergedLiveSnapshot } from './merge.js';
import { ReportMerger } from './report-merger.js';
import type { SplitReportIds } from './split-report-ids.js';

export const MAX_LIVE_WORKERS = 64;
const STOP_TIMEOUT_MS = 30_000;

export interface LiveWorkersOptions {
  workers: number;
  config: FleetConfig;
  devicesPort: UdpTunnelPortConfig | TunPortConfig;
  /** The network TUN (vpg, routed with two TUNs). */
  networkPort?: TunPortConfig;
  intervalSec?: number;
  dpi?: boolean;
  /** How often workers send records and counters (default 250 ms). */
  flushMs?: number;
  nativePath?: string;
  /** One report per device per interval: parts from several workers are merged (report-merger.ts). */
  onReport?: (r: InspectionReportOut) => void;
  /** Record ids already given, to share with the pools started after this one (default: this pool's own). */
  reportIds?: SplitReportIds;
  /** Finished flows (asked from the workers only when given). */
  onFlow?: (f: FlowRecord) => void;
  /** EVE-shaped records (asked from the workers only when given). */
  onEve?: (r: EveRecord) => void;
  /** A worker failed or exited while running (the others keep running; the caller should stop). */
  onFailure?: (e: Error) => void;
}

/** What a reload did on each worker (same config: normally the same change everywhere). */
export interface LiveWorkersReload {
  changes: JunctionChange[];
  errors: string[];
}

interface Handle {
  worker: Worker;
  snapshot: LiveWorkerSnapshot | null;
  stopped: ((s: LiveWorkerSnapshot) => void) | null;
  exited: boolean;
}

export class LiveWorkers {
  readonly labels: string[] = [];
  /** The network port's label (worker 0's), when there is one. */
  networkLabel: string | undefined;
  private tunNames: { devices?: string; network?: string } | undefined;
  /** The redirection return port worker 0 bound (passed to the others: `localPort: 0` is the kernel's pick). */
  private redirectPort: number | undefined;
  readonly mirrorProblems: string[] = [];
  private readonly handles: Handle[] = [];
  private reloadSeq = 0;
  private readonly reloads = new Map<number, { left: number; out: LiveWorkersReload; done: (r: LiveWorkersReload) => void }>();
  private stopping = false;
  /** Device endpoints relayed from one worker to the others (VPG). */
  endpointsRelayed = 0;
  /** Redirection peer health changes relayed from the probing worker to the others. */
  redirectRelays = 0;
  /** The config the workers run (the last one relayed). */
  private running: FleetConfig;
  /** A device spread over workers gets one report per interval (see report-merger.ts). */
  readonly reports: ReportMerger;

  private constructor(private readonly opts: LiveWorkersOptions) {
    this.reports = new ReportMerger(opts.workers, opts.config.gateway.inspection.topDestinations, (r) => opts.onReport?.(r), opts.reportIds);
    this.running = opts.config;
  }

  /** Starts the workers and resolves once every one has its socket open; throws (all stopped) if one fails. */
  static async start(opts: LiveWorkersOptions): Promise<LiveWorkers> {
    if (!Number.isInteger(opts.workers) || opts.workers < 1 || opts.workers > MAX_LIVE_WORKERS) {
      throw new FleetgateError('FG_ERR_USAGE', `--workers must be an integer from 1 to ${MAX_LIVE_WORKERS} (got ${opts.workers})`);
    }
    const lw = new LiveWorkers(opts);
    try {
      // in index order: the kernel numbers reuseport sockets and TUN queues in the order they are opened
      for (let i = 0; i < opts.workers; i++) await lw.spawn(i);
    } catch (e) {
      lw.stopping = true;
      await Promise.all(lw.handles.map((h) => h.worker.terminate()));
      throw e;
    }
    return lw;
  }

  get size(): number {
    return this.handles.length;
  }

  private spawn(index: number): Promise<void> {
    const o = this.opts;
    const data: LiveWorkerData = {
      index,
      workers: o.workers,
      config: o.config,
      devicesPort: o.devicesPort,
      networkPort: o.networkPort,
      tunNames: this.tunNames,
      redirectPort: this.redirectPort,
      intervalSec: o.intervalSec,
      dpi: o.dpi ?? true,
      flows: o.onFlow !== undefined,
      eve: o.onEve !== undefined,
      flushMs: o.flushMs ?? 250,
      nativePath: o.nativePath,
    };
    const worker = new Worker(new URL('./live-worker.js', import.meta.url), { workerData: data });
    const h: Handle = { worker, snapshot: null, stopped: null, exited: false };
    this.handles[index] = h;
    return new Promise<void>((ready, fail) => {
      let started = false;
      const failed = (e: Error): void => {
        if (!started) fail(e);
        else if (!this.stopping) this.opts.onFailure?.(e);
      };
      worker.on('message', (m: FromLiveWorker) => {
        switch (m.type) {
          case 'ready':
            started = true;
            this.labels[index] = m.label;
            if (index === 0) {
              this.networkLabel = m.networkLabel;
              this.tunNames = m.tunNames;
              this.redirectPort = m.redirectPort;
            }
            for (const p of m.mirrorProblems) if (!this.mirrorProblems.includes(p)) this.mirrorProblems.push(p);
            ready();
            break;
          case 'flush':
            h.snapshot = m.snapshot;
            this.take(index, m);
            break;
          case 'stopped':
            h.snapshot = m.snapshot;
            this.take(index, m);
            h.stopped?.(m.snapshot);
            break;
          case 'endpoints':
            this.endpointsRelayed += m.list.length;
            for (let k = 0; k < this.handles.length; k++) {
              const other = this.handles[k];
              if (k !== index && other && !other.exited) other.worker.postMessage({ type: 'endpoints', list: m.list } satisfies ToLiveWorker);
            }
            break;
          case 'redirectHealth':
            // rare (a peer's health changed): every other worker's Redirector follows the prober
            this.redirectRelays++;
            for (let k = 0; k < this.handles.length; k++) {
              const other = this.handles[k];
              if (k !== index && other && !other.exited) other.worker.postMessage({ type: 'redirectHealth', relay: m.relay } satisfies ToLiveWorker);
            }
            break;
          case 'reloaded':
            if (index === 0 && m.redirectPort !== undefined) this.redirectPort = m.redirectPort;
            this.reloaded(m.seq, m.change, m.error);
            break;
          case 'error':
            failed(new FleetgateError('FG_ERR_IO', `live worker ${index}: ${m.message}`));
            break;
        }
      });
      worker.on('error', (e) => failed(e));
      worker.on('exit', (code) => {
        h.exited = true;
        this.reports.add(index, [], null); // nothing more will come from it: do not hold intervals for it
        // a worker that exits without having stopped cleanly counts as stopped with what it last sent
        if (h.stopped && h.snapshot) h.stopped(h.snapshot);
        for (const seq of [...this.reloads.keys()]) this.reloaded(seq, undefined, `live worker ${index} exited`);
        if (!this.stopping || !started) failed(new FleetgateError('FG_ERR_IO', `live worker ${index} exited (code ${code})`));
      });
    });
  }

  private take(index: number, m: LiveWorkerRecords): void {
    const o = this.opts;
    this.reports.add(index, m.reports, m.openFromMs);
    if (o.onFlow) for (const f of m.flowRecords) o.onFlow(f);
    if (o.onEve) for (const r of m.eve) o.onEve(r);
  }

  private reloaded(seq: number, change: JunctionChange | undefined, error: string | undefined): void {
    const r = this.reloads.get(seq);
    if (!r) return;
    if (change) r.out.changes.push(change);
    if (error) r.out.errors.push(error);
    if (--r.left <= 0) {
      this.reloads.delete(seq);
      r.done(r.out);
    }
  }

  /**
   * The counters of every worker summed, as last sent (every flushMs), or null before the first flush.
   */
  snapshot(): MergedLiveSnapshot | null {
    const snaps = this.handles.map((h) => h.snapshot);
    return snaps.every((s): s is LiveWorkerSnapshot => s !== null) ? mergeSnapshots(snaps) : null;
  }

  /**
   * Relays an already-validated config to every worker; each applies it between two of its batches
   * (Pipeline.applyConfig, then LiveGateway.reconfigure). Resolves when all have answered.
   */
  async reload(config: FleetConfig, intervalFromConfig: boolean): Promise<LiveWorkersReload> {
    const live = this.handles.filter((h) => !h.exited);
    const before = this.running.gateway.junction?.redirection;
    this.running = config;
    if (!before?.enabled && !config.gateway.junction?.redirection?.enabled) return this.reloadOn(live, config, intervalFromConfig);
    // redirection: a worker that opens a new return socket joins the SO_REUSEPORT group, whose socket k
    // must be worker k's: one worker after the other, in index order
    const out: LiveWorkersReload = { changes: [], errors: [] };
    for (const h of live) {
      const r = await this.reloadOn([h], config, intervalFromConfig);
      out.changes.push(...r.changes);
      out.errors.push(...r.errors);
    }
    return out;
  }

  private reloadOn(live: Handle[], config: FleetConfig, intervalFromConfig: boolean): Promise<LiveWorkersReload> {
    const seq = this.reloadSeq++;
    return new Promise((done) => {
      if (live.length === 0) return done({ changes: [], errors: ['no live worker'] });
      this.reloads.set(seq, { left: live.length, out: { changes: [], errors: [] }, done });
      // redirectPort: worker 0's return port, as it answered the reload before (workers reload in index order)
      for (const h of live) h.worker.postMessage({ type: 'reload', seq, config, intervalFromConfig, redirectPort: this.redirectPort } satisfies ToLiveWorker);
    });
  }

  /**
   * Stops every worker (each ends its flows and sends its last records) and returns the summed
   * counters. A worker that does not answer within 30 s is terminated; its last flush counts.
   */
  async stop(): Promise<MergedLiveSnapshot | null> {
    this.stopping = true;
    await Promise.all(
      this.handles.map(async (h) => {
        if (h.exited) return;
        const done = new Promise<void>((resolve) => (h.stopped = () => resolve()));
        h.worker.postMessage({ type: 'stop' } satisfies ToLiveWorker);
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS)));
        if (await Promise.race([done.then(() => false), late])) await h.worker.terminate();
        clearTimeout(timer);
      }),
    );
    this.reports.finish();
    return this.snapshot();
  }
}
