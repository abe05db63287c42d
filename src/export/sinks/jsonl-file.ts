// JSON lines file sink: one record per line, fsynced before a batch is acknowledged; rotates by size
// and by age (the full file is renamed `<name>.<UTC time>.jsonl`, gzipped when asked).
import { open, rename, stat, unlink, access } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { dirname, basename, extname, join } from 'node:path';
import type { Sink, SinkRecord } from './sink.js';

export interface JsonlFileSinkOptions {
  name: string;
  path: string;
  /** Rotate when the file passes this many bytes; 0 = never. */
  rotateBytes?: number;
  /** Rotate when the file is this old (seconds since its first line); 0 = never. */
  rotateSeconds?: number;
  /** Gzip rotated files. */
  gzip?: boolean;
  /** Clock for tests. */
  now?: () => number;
}

const NL = Buffer.from('\n');

export class JsonlFileSink implements Sink {
  readonly name: string;
  private fh: FileHandle | null = null;
  private size = 0;
  private startedMs = 0;
  private readonly now: () => number;
  /** Rotated files, newest last (for tests and logs). */
  readonly rotated: string[] = [];

  constructor(private readonly o: JsonlFileSinkOptions) {
    this.name = o.name;
    this.now = o.now ?? Date.now;
  }

  async open(): Promise<void> {
    this.fh = await open(this.o.path, 'a');
    this.size = (await this.fh.stat()).size;
    this.startedMs = this.size > 0 ? (await stat(this.o.path)).birthtimeMs || this.now() : this.now();
  }

  async write(batch: readonly SinkRecord[]): Promise<void> {
    if (!this.fh) throw new Error(`${this.name}: not open`);
    if (this.dueForRotation()) await this.rotate();
    const parts: Uint8Array[] = [];
    let bytes = 0;
    for (const r of batch) {
      parts.push(r.body, NL);
      bytes += r.body.length + 1;
    }
    if (this.size === 0) this.startedMs = this.now();
    await this.fh.writev(parts);
    await this.fh.datasync();
    this.size += bytes;
  }

  async close(): Promise<void> {
    await this.fh?.close();
    this.fh = null;
  }

  private dueForRotation(): boolean {
    if (this.size === 0) return false;
    const { rotateBytes = 0, rotateSeconds = 0 } = this.o;
    return (rotateBytes > 0 && this.size >= rotateBytes) || (rotateSeconds > 0 && this.now() - this.startedMs >= rotateSeconds * 1000);
  }

  private async rotate(): Promise<void> {
    await this.fh!.close();
    this.fh = null;
    const ext = extname(this.o.path);
    const stamp = new Date(this.now()).toISOString().replace(/[:.]/g, '-');
    let target = '';
    // two rotations within one millisecond (tiny size limits) get a counter
    for (let n = 0; n < 1000; n++) {
      target = join(dirname(this.o.path), `${basename(this.o.path, ext)}.${stamp}${n ? `-${n}` : ''}${ext || '.jsonl'}`);
      if (!(await exists(target)) && !(await exists(`${target}.gz`))) break;
    }
    await rename(this.o.path, target);
    if (this.o.gzip) {
      await pipeline(createReadStream(target), createGzip(), createWriteStream(`${target}.gz`));
      await unlink(target);
      target = `${target}.gz`;
    }
    this.rotated.push(target);
    this.fh = await open(this.o.path, 'a');
    this.size = 0;
    this.startedMs = this.now();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
