// A window over a file read in large chunks, with read-ahead.
//
// Two chunk buffers alternate: the consumer parses one while the next chunk is already being read
// into the other (the read runs on libuv's thread pool, so file I/O overlaps parsing). The next chunk
// lands at offset RESERVE, leaving room in front of it for the unconsumed tail of the current chunk
// (a record that straddles the boundary), which is copied there - only that remainder is copied.
// A remainder larger than RESERVE, or a record larger than a chunk, takes a slower path that grows one
// buffer, which shrinks back afterwards. Memory: about 2 × (chunk + RESERVE).

import type { FileHandle } from 'node:fs/promises';
import { FleetgateError } from '../core/errors.js';
import type { ParseWindow } from './frame-parser.js';

/** Room kept in front of a prefetched chunk for a straddling record (pcap records are ≤ 256 KiB). */
const RESERVE = 256 * 1024 + 64;

/** A chunk in a SharedArrayBuffer: worker threads can read it without a copy. */
export function allocSharedChunk(n: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(n));
}

export function allocChunk(n: number): Uint8Array {
  // Not from the Buffer pool, and a plain Uint8Array so that slice() copies.
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

interface Prefetch {
  slot: number;
  read: Promise<number>;
}

export class ChunkSource implements ParseWindow {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  /** File offset of buf[0]. */
  base = 0;
  /** True once the end of the file has been read into the window. */
  eof = false;
  private readonly slots: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
  private slot = 1;
  private readPos = 0;
  private prefetch: Prefetch | null = null;

  private readonly alloc: (n: number) => Uint8Array;
  /** Shared mode: standard-size chunks handed back by `release`, reused before allocating new ones. */
  private readonly pool: Uint8Array[] = [];

  /**
   * `shared`: every chunk is a fresh SharedArrayBuffer that is never reused, so batches may be handed
   * to worker threads and outlive the next fill (the garbage collector frees a chunk when no one holds it).
   */
  constructor(
    private readonly path: string,
    private readonly fh: FileHandle,
    private readonly chunkBytes: number,
    private readonly shared = false,
  ) {
    this.alloc = shared ? (n) => (n === this.chunkBytes + RESERVE && this.pool.length > 0 ? this.pool.pop()! : allocSharedChunk(n)) : allocChunk;
  }

  /**
   * Shared mode: the consumer is done with a chunk (no batch of it is still in use anywhere), so it may
   * be read into again. Avoids allocating (and page-faulting) a fresh SharedArrayBuffer per chunk.
   */
  release(chunk: Uint8Array): void {
    if (this.shared && chunk.length === this.chunkBytes + RESERVE && chunk !== this.buf && this.pool.length < 8) this.pool.push(chunk);
  }

  /** Moves the unconsumed bytes in front of the next chunk and reads until `need` bytes are there or EOF. */
  async fill(need: number): Promise<void> {
    const pf = this.prefetch;
    this.prefetch = null;
    const rem = this.end - this.start;
    if (pf) {
      const n = await pf.read;
      if (rem <= RESERVE) {
        const target = this.slots[pf.slot];
        const newStart = RESERVE - rem;
        if (rem > 0) target.set(this.buf.subarray(this.start, this.end), newStart);
        this.base += this.start - newStart;
        this.buf = target;
        this.slot = pf.slot;
        this.start = newStart;
        this.end = RESERVE + n;
        this.readPos += n;
        if (n === 0) this.eof = true;
        if (this.end - this.start >= need || this.eof) {
          this.startPrefetch();
          return;
        }
        // a record larger than what is here: fall through to the slow path with this window
      } else {
        // a huge straddling record: keep the prefetched bytes by making them part of the remainder
        const prefetched = this.slots[pf.slot].subarray(RESERVE, RESERVE + n);
        const merged = this.alloc(rem + n);
        merged.set(this.buf.subarray(this.start, this.end), 0);
        merged.set(prefetched, rem);
        this.base += this.start;
        this.buf = merged;
        this.start = 0;
        this.end = rem + n;
        this.readPos += n;
        if (n === 0) this.eof = true;
        if (this.end >= need || this.eof) {
          this.startPrefetch();
          return;
        }
      }
    }
    await this.fillSlow(need);
    this.startPrefetch();
  }

  /** Copies the remainder to the front of the other buffer (grown if needed) and reads into it. */
  private async fillSlow(need: number): Promise<void> {
    const other = this.slot ^ 1;
    let target = this.slots[other];
    const size = Math.max(need, this.chunkBytes + RESERVE);
    if (this.shared || target.length < size || (target.length > this.chunkBytes + RESERVE && size === this.chunkBytes + RESERVE)) {
      target = this.slots[other] = this.alloc(size);
    }
    const rem = this.end - this.start;
    if (rem > 0) target.set(this.buf.subarray(this.start, this.end), 0);
    this.base += this.start;
    this.buf = target;
    this.slot = other;
    this.start = 0;
    this.end = rem;
    while (this.end < target.length && !this.eof) {
      const bytesRead = await this.readAt(target, this.end, target.length - this.end, this.readPos);
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
      this.readPos += bytesRead;
    }
  }

  /** Starts reading the next chunk into the buffer the consumer no longer uses. */
  private startPrefetch(): void {
    if (this.eof) return;
    const other = this.slot ^ 1;
    if (this.shared || this.slots[other].length !== this.chunkBytes + RESERVE) this.slots[other] = this.alloc(this.chunkBytes + RESERVE);
    const read = this.readAt(this.slots[other], RESERVE, this.chunkBytes, this.readPos);
    // errors surface when fill() awaits this read; keep them from being reported as unhandled meanwhile
    read.catch(() => {});
    this.prefetch = { slot: other, read };
  }

  private async readAt(target: Uint8Array, off: number, len: number, pos: number): Promise<number> {
    try {
      const { bytesRead } = await this.fh.read(target, off, len, pos);
      return bytesRead;
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `${this.path}: read failed at byte offset ${pos}: ${(e as Error).message}`, {
        path: this.path,
        offset: pos,
      });
    }
  }

  /** Waits for an outstanding read-ahead (before the file is closed). */
  async settle(): Promise<void> {
    const pf = this.prefetch;
    this.prefetch = null;
    if (pf) await pf.read.catch(() => 0);
  }
}
