// Streaming capture reader: pcap or pcapng (chosen by magic number), delivered as FrameBatches whose
// frames are addressed by offset into a large chunk of the file.
//
// Lifetime: the yielded FrameBatch object is reused, and its bytes stay valid until the consumer
// asks for the next batch (in practice until the batch after the next chunk). On corrupt or
// truncated input every complete frame before the problem is delivered, then a CaptureError is thrown.

import { open, type FileHandle } from 'node:fs/promises';
import { CaptureError, FleetgateError } from '../core/errors.js';
import { FrameBatch } from '../core/frame-batch.js';
import { createParser, detectFormat, truncatedError } from './capture-format.js';
import { ChunkSource } from './chunk-source.js';
import { ParseStatus, type FrameParser } from './frame-parser.js';

export { readCaptureSync, type CapturedFrame, type CaptureContents } from './read-capture-sync.js';

export interface CaptureInfo {
  format: 'pcap' | 'pcapng';
  path: string;
}

export interface CaptureReader extends AsyncIterable<FrameBatch> {
  readonly info: CaptureInfo;
  close(): Promise<void>;
  /** With `sharedChunks`: the caller no longer uses this chunk (a batch's `buf`); it may be reused. */
  release(chunk: Uint8Array): void;
}

export interface OpenCaptureOptions {
  /** Frames per batch (default 512). */
  batchSize?: number;
  /** Bytes read per chunk (default 4 MiB); a record larger than this still works. */
  chunkBytes?: number;
  /** Read every chunk into a fresh SharedArrayBuffer (for handing batches to worker threads). */
  sharedChunks?: boolean;
}

const DEFAULT_BATCH = 512;
const DEFAULT_CHUNK = 4 * 1024 * 1024;

export async function openCapture(path: string, opts: OpenCaptureOptions = {}): Promise<CaptureReader> {
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH));
  const chunkBytes = Math.max(16, Math.floor(opts.chunkBytes ?? DEFAULT_CHUNK));
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const src = new ChunkSource(path, fh, chunkBytes, opts.sharedChunks ?? false);
    await src.fill(4);
    const format = detectFormat(src.buf, src.end, path);
    return new FileCaptureReader(fh, src, createParser(format, path), { format, path }, batchSize);
  } catch (e) {
    await fh.close();
    throw e instanceof FleetgateError ? e : fileError(path, e);
  }
}

function fileError(path: string, e: unknown): FleetgateError {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'ENOENT') return new FleetgateError('FG_ERR_NOT_FOUND', `${path}: no such file`, { path });
  return new FleetgateError('FG_ERR_IO', `${path}: ${err.message}`, { path, errno: err.code });
}

class FileCaptureReader implements CaptureReader {
  private readonly batch: FrameBatch;
  private closed = false;
  private started = false;

  constructor(
    private readonly fh: FileHandle,
    private readonly src: ChunkSource,
    private readonly parser: FrameParser,
    readonly info: CaptureInfo,
    batchSize: number,
  ) {
    this.batch = new FrameBatch(batchSize);
  }

  [Symbol.asyncIterator](): AsyncIterator<FrameBatch> {
    if (this.started) throw new FleetgateError('FG_ERR_USAGE', `${this.info.path}: a capture can be iterated only once`);
    this.started = true;
    return this.frames();
  }

  release(chunk: Uint8Array): void {
    this.src.release(chunk);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.src.settle();
    await this.fh.close();
  }

  private async *frames(): AsyncGenerator<FrameBatch> {
    const { src, parser, batch } = this;
    try {
      for (;;) {
        if (this.closed) return;
        batch.count = 0;
        batch.buf = src.buf;
        const st = parser.parse(src, batch);
        if (st === ParseStatus.BATCH_FULL) {
          yield batch;
          continue;
        }
        if (batch.count > 0) yield batch;
        if (st === ParseStatus.FAILED) throw parser.error as CaptureError;
        if (src.eof) {
          if (src.start === src.end && parser.canEnd()) return;
          throw truncatedError(this.info.path, parser, src);
        }
        await src.fill(parser.need);
      }
    } finally {
      await this.close();
    }
  }
}
