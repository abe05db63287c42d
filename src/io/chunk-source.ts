// A window over a file read in large chunks. Two chunk buffers alternate, so the bytes of the chunk
// the consumer is working on stay valid while the next one is filled; a record that straddles the
// end of a chunk is copied (only that remainder) to the start of the next one; a record larger
// than a chunk grows that one buffer, which shrinks back afterwards. Memory: about 2 chunks.

import type { FileHandle } from 'node:fs/promises';
import { FleetgateError } from '../core/errors.js';
import type { ParseWindow } from './frame-parser.js';

export function allocChunk(n: number): Uint8Array {
  // Not from the Buffer pool, and a plain Uint8Array so that slice() copies.
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, b.length);
}

export class ChunkSource implements ParseWindow {
  buf: Uint8Array = new Uint8Array(0);
  start = 0;
  end = 0;
  base = 0;
  /** True once the end of the file has been read into the window. */
  eof = false;
  private readonly slots: Uint8Array[] = [new Uint8Array(0), new Uint8Array(0)];
  private slot = 1;
  private readPos = 0;

  constructor(
    private readonly path: string,
    private readonly fh: FileHandle,
    private readonly chunkBytes: number,
  ) {}

  /** Moves the unconsumed bytes to the other buffer and reads until `need` bytes are there or EOF. */
  async fill(need: number): Promise<void> {
    const other = this.slot ^ 1;
    let target = this.slots[other];
    const size = Math.max(need, this.chunkBytes);
    if (target.length < size || (target.length > this.chunkBytes && size === this.chunkBytes)) {
      target = this.slots[other] = allocChunk(size);
    }
    const rem = this.end - this.start;
    if (rem > 0) target.set(this.buf.subarray(this.start, this.end), 0);
    this.base += this.start;
    this.buf = target;
    this.slot = other;
    this.start = 0;
    this.end = rem;
    while (this.end < target.length && !this.eof) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.fh.read(target, this.end, target.length - this.end, this.readPos));
      } catch (e) {
        throw new FleetgateError('FG_ERR_IO', `${this.path}: read failed at byte offset ${this.readPos}: ${(e as Error).message}`, {
          path: this.path,
          offset: this.readPos,
        });
      }
      if (bytesRead === 0) this.eof = true;
      this.end += bytesRead;
      this.readPos += bytesRead;
    }
  }
}
