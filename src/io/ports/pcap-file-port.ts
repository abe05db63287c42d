// A capture file as a port: frames are delivered in batches as fast as possible ('fast'), or at the
// pace they were captured ('capture': frame timestamps replayed against the wall clock, each batch cut
// where the next frame is not due yet). Packets keep their capture timestamps either way, so reports
// are the same as `fleetgate replay`. A file port sends nothing. Needs no native addon.
import { setTimeout as sleep } from 'node:timers/promises';
import { FrameBatch } from '../../core/frame-batch.js';
import { openCapture, type CaptureReader } from '../capture-reader.js';
import { newPortCounters, type BatchHandler, type Port, type PortCounters } from './port.js';

export type PcapPace = 'fast' | 'capture';

export interface PcapFilePortOptions {
  path: string;
  pace?: PcapPace;
  /** Frames per batch (default 512). */
  batchSize?: number;
  /** Called once the whole file was delivered (or failed; error set), after the last batch. */
  onEnd?: (error?: Error) => void;
}

export class PcapFilePort implements Port {
  readonly kind = 'pcap' as const;
  readonly label: string;
  readonly counters: PortCounters = newPortCounters();
  private reader: CaptureReader | null = null;
  private stopped = false;
  private done: Promise<void> | null = null;

  constructor(private readonly opts: PcapFilePortOptions) {
    this.label = `pcap ${opts.path}`;
  }

  /** Opens the file (errors surface here) and delivers it in the background. */
  async start(onBatch: BatchHandler): Promise<void> {
    this.reader = await openCapture(this.opts.path, { batchSize: this.opts.batchSize });
    this.stopped = false;
    this.done = this.pump(this.reader, onBatch).then(
      () => this.opts.onEnd?.(),
      (e: unknown) => this.opts.onEnd?.(e instanceof Error ? e : new Error(String(e))),
    );
  }

  /** Resolves when the file has been delivered (or the port stopped). */
  async finished(): Promise<void> {
    await this.done;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }

  private async pump(reader: CaptureReader, onBatch: BatchHandler): Promise<void> {
    const paced = this.opts.pace === 'capture';
    const part = paced ? new FrameBatch(this.opts.batchSize ?? 512) : null;
    let t0File = -1;
    let t0Wall = 0;
    try {
      for await (const b of reader) {
        if (this.stopped) break;
        if (part === null) {
          this.count(b, 0, b.count);
          onBatch(b);
          continue;
        }
        // capture pace: deliver the frames already due, sleep until the next one is
        let i = 0;
        for (let guard = 0; i < b.count && guard < 4 * b.count + 4 && !this.stopped; guard++) {
          if (t0File < 0) {
            t0File = b.tsUs[0];
            t0Wall = performance.now();
          }
          const nowFile = t0File + (performance.now() - t0Wall) * 1000;
          let j = i;
          while (j < b.count && b.tsUs[j] <= nowFile) j++;
          if (j > i) {
            part.buf = b.buf;
            part.count = 0;
            for (let k = i; k < j; k++) part.push(b.off[k], b.capLen[k], b.wireLen[k], b.tsUs[k], b.linkType[k], b.ifIndex[k]);
            this.count(b, i, j);
            onBatch(part);
            i = j;
          }
          if (i < b.count) await sleep(Math.min(1000, Math.max(1, (b.tsUs[i] - nowFile) / 1000)));
        }
      }
    } finally {
      await reader.close();
      this.reader = null;
    }
  }

  private count(b: FrameBatch, from: number, to: number): void {
    for (let k = from; k < to; k++) this.counters.rxBytes += b.capLen[k];
    this.counters.rxFrames += to - from;
  }
}
