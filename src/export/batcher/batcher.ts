// One batcher per destination: bounded memory, an on-disk spool when the destination is slow or down,
// retries with backoff and jitter, records delivered in the order they were pushed, at-least-once.
import { join } from 'node:path';
import type { Sink, SinkRecord } from '../sinks/sink.js';
import { Spool } from './spool.js';
import { backoffDelayMs } from './backoff.js';

export interface BatcherCounters {
  /** Records accepted by `push`. */
  queued: number;
  /** Records the destination acknowledged. */
  sent: number;
  /** Failed write attempts (each is retried). */
  retried: number;
  /** Records written to the spool. */
  spooled: number;
  /** Records lost because memory (no spool) or the spool's limit was full. */
  dropped: number;
}

export interface BatcherOptions {
  /** The output's name in logs (default the sink's name). */
  label?: string;
  /** Most records per `Sink.write`; default 500. */
  batchSize?: number;
  /** Memory bound for queued record bodies; past it records go to the spool. Default 16 MiB. */
  maxMemoryBytes?: number;
  /** Directory of this destination's spool; absent = no spool (records past memory are dropped). */
  spoolDir?: string;
  /** The operator's spool limit in bytes; default 1 GiB. */
  spoolLimitBytes?: number;
  /** Every record goes through the spool first, so a crash loses nothing accepted. Default false. */
  durable?: boolean;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Called (at most every 10 s) when records are dropped; default writes to standard error. */
  onDrop?: (sink: string, dropped: number, reason: string) => void;
}

/** Spool segments per destination live in `<spoolRoot>/<sink name>`. */
export function spoolDirFor(root: string, sinkName: string): string {
  return join(root, sinkName.replace(/[^A-Za-z0-9._-]/g, '_'));
}

export class Batcher {
  readonly counters: BatcherCounters = { queued: 0, sent: 0, retried: 0, spooled: 0, dropped: 0 };
  private readonly batchSize: number;
  private readonly maxMemoryBytes: number;
  private readonly spool: Spool | null;
  private readonly durable: boolean;
  private queue: SinkRecord[] = [];
  private head = 0;
  private memBytes = 0;
  /** The batch being written, taken from memory (null when it came from the spool). */
  private inflight: SinkRecord[] | null = null;
  private running = false;
  private scheduled = false;
  private closing = false;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private lastDropLog = 0;
  private spoolFlushQueued = false;
  private idleWaiters: (() => void)[] = [];
  private roomWaiters: (() => void)[] = [];
  /** When the last failure started (ms), for recovery figures; 0 when healthy. */
  downSince = 0;
  lastError: string | null = null;

  constructor(readonly sink: Sink, private readonly opts: BatcherOptions = {}) {
    this.batchSize = opts.batchSize ?? 500;
    this.maxMemoryBytes = opts.maxMemoryBytes ?? 16 << 20;
    this.durable = opts.durable ?? false;
    this.spool = opts.spoolDir ? new Spool({ dir: opts.spoolDir, limitBytes: opts.spoolLimitBytes ?? 1 << 30 }) : null;
    if (this.durable && !this.spool) throw new Error(`batcher ${sink.name}: durable needs a spool directory`);
  }

  /**
   * Opens the spool (records left by an earlier run are sent first) and the sink. A destination that
   * cannot be reached yet is not an error: opening is retried with backoff, like a failed write.
   */
  async open(): Promise<void> {
    this.spool?.open();
    await this.tryOpenSink();
    this.schedule();
  }

  private sinkOpen = false;

  private async tryOpenSink(): Promise<boolean> {
    try {
      await this.sink.open();
      this.sinkOpen = true;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message : String(e);
      if (this.downSince === 0) this.downSince = Date.now();
    }
    return this.sinkOpen;
  }

  /** Records spooled on disk and waiting. */
  get spoolPending(): number {
    return this.spool?.pending ?? 0;
  }

  get memoryPending(): number {
    return this.queue.length - this.head + (this.inflight?.length ?? 0);
  }

  /**
   * True when records held in memory passed half the bound and there is no spool to take more: a
   * producer that can wait (a replay reads a file; it can pause) should await `room()` before pushing
   * more, so nothing is dropped. A live gateway cannot wait: it pushes on, and past the bound drops loudly.
   */
  get wantsPause(): boolean {
    return !this.spool && !this.closing && this.memBytes > this.maxMemoryBytes / 2;
  }

  /** Resolves when memory is back under a quarter of the bound (or the batcher closes). */
  room(): Promise<void> {
    if (!this.wantsPause) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.roomWaiters.push(resolve);
      this.schedule();
    });
  }

  private wakeRoomWaiters(force: boolean): void {
    if (this.roomWaiters.length === 0 || (!force && this.memBytes > this.maxMemoryBytes / 4)) return;
    const w = this.roomWaiters;
    this.roomWaiters = [];
    for (const f of w) f();
  }

  /** Accepts a record; never blocks (see wantsPause). */
  push(r: SinkRecord): void {
    if (this.closing) throw new Error(`batcher ${this.sink.name} is closed`);
    this.counters.queued++;
    const size = r.body.length + r.id.length + 16;
    if (this.spool && (this.durable || !this.spool.empty || this.memBytes + size > this.maxMemoryBytes)) {
      // keep order: once anything is on disk, everything newer goes to disk behind it
      if (!this.durable && this.spool.empty) this.moveMemoryToSpool();
      this.toSpool(r);
    } else if (this.memBytes + size > this.maxMemoryBytes) {
      this.drop(1, 'memory full and no spool configured');
    } else {
      this.queue.push(r);
      this.memBytes += size;
    }
    this.schedule();
  }

  /** Resolves when everything pushed so far was acknowledged (or `timeoutMs` passed: false). */
  async drain(timeoutMs = 30_000): Promise<boolean> {
    if (this.idle()) return true;
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => {
        const i = this.idleWaiters.indexOf(done);
        if (i >= 0) this.idleWaiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(t);
        resolve(true);
      };
      this.idleWaiters.push(done);
      this.schedule();
    });
  }

  /** Drains for up to `drainMs`, spools what is left (delivered after restart), closes the sink. */
  async close(drainMs = 5_000): Promise<void> {
    await this.drain(drainMs);
    this.closing = true;
    this.wakeRoomWaiters(true);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.wake?.();
    // wait for a write in progress to settle (bounded by drainMs)
    const until = Date.now() + drainMs;
    while (this.running && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    if (this.spool) {
      if (this.inflight) {
        // the in-flight batch is older than everything queued: it goes first
        const rest = this.queue.slice(this.head);
        this.queue = [...this.inflight, ...rest];
        this.head = 0;
        this.inflight = null;
      }
      if (this.spool.empty) this.moveMemoryToSpool();
      else {
        for (let i = this.head; i < this.queue.length; i++) this.toSpool(this.queue[i]);
        this.queue = [];
        this.head = 0;
      }
      this.spool.close();
    } else {
      const lost = this.queue.length - this.head + (this.inflight?.length ?? 0);
      if (lost > 0) this.drop(lost, 'closed before the destination acknowledged them and no spool configured');
    }
    if (this.sinkOpen) await this.sink.close();
  }

  private idle(): boolean {
    return this.queue.length === this.head && this.inflight === null && (this.spool?.empty ?? true);
  }

  private toSpool(r: SinkRecord): void {
    if (this.spool!.append(r)) this.counters.spooled++;
    else this.drop(1, `spool limit of ${this.opts.spoolLimitBytes ?? 1 << 30} bytes reached`);
  }

  private moveMemoryToSpool(): void {
    for (let i = this.head; i < this.queue.length; i++) this.toSpool(this.queue[i]);
    this.queue = [];
    this.head = 0;
    this.memBytes = 0;
  }

  private drop(n: number, reason: string): void {
    this.counters.dropped += n;
    const now = Date.now();
    if (now - this.lastDropLog >= 10_000) {
      this.lastDropLog = now;
      const label = this.opts.label ?? this.sink.name;
      if (this.opts.onDrop) this.opts.onDrop(label, this.counters.dropped, reason);
      else console.error(`fleetgate: output ${label}: DROPPING records (${this.counters.dropped} so far): ${reason}`);
    }
  }

  private schedule(): void {
    if (this.spool && !this.spoolFlushQueued) {
      this.spoolFlushQueued = true;
      setImmediate(() => {
        this.spoolFlushQueued = false;
        this.spool?.flush();
      });
    }
    if (this.running || this.scheduled || this.closing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.run();
    });
  }

  private async run(): Promise<void> {
    if (this.running || this.closing) return;
    this.running = true;
    try {
      for (;;) {
        if (this.closing) break;
        let batch: SinkRecord[];
        let fromSpool = false;
        // the batch taken from memory is older than anything spooled (it was taken while the spool was empty)
        if (this.inflight) {
          batch = this.inflight;
        } else if (this.spool && !this.spool.empty) {
          batch = this.spool.peek(this.batchSize);
          fromSpool = true;
          if (batch.length === 0) continue;
        } else if (this.queue.length > this.head) {
          const end = Math.min(this.queue.length, this.head + this.batchSize);
          batch = this.queue.slice(this.head, end);
          this.head = end;
          if (this.head > 4096 && this.head * 2 > this.queue.length) {
            this.queue = this.queue.slice(this.head);
            this.head = 0;
          }
          for (const r of batch) this.memBytes -= r.body.length + r.id.length + 16;
          this.inflight = batch;
          this.wakeRoomWaiters(false);
        } else break;
        try {
          if (!this.sinkOpen && !(await this.tryOpenSink())) throw new Error(this.lastError ?? 'cannot open');
          await this.sink.write(batch);
        } catch (e) {
          this.counters.retried++;
          this.lastError = e instanceof Error ? e.message : String(e);
          if (this.downSince === 0) this.downSince = Date.now();
          // a destination that is down and memory filling: move memory to disk in the meantime
          if (this.spool && this.spool.empty && this.memBytes > this.maxMemoryBytes / 2) this.moveMemoryToSpool();
          await this.sleep(backoffDelayMs(this.attempt++, { baseMs: this.opts.retryBaseMs ?? 200, maxMs: this.opts.retryMaxMs ?? 30_000 }));
          continue;
        }
        this.attempt = 0;
        this.downSince = 0;
        this.counters.sent += batch.length;
        if (fromSpool) this.spool!.commit(batch.length);
        else this.inflight = null;
      }
    } finally {
      this.running = false;
    }
    if (this.idle()) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    } else if (!this.closing) this.schedule();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        if (this.retryTimer) clearTimeout(this.retryTimer);
        this.retryTimer = null;
        this.wake = null;
        resolve();
      };
      this.retryTimer = setTimeout(() => this.wake?.(), ms);
    });
  }
}
