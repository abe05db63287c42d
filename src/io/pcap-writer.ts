// Classic pcap writer (little-endian, µs or ns timestamps). Frames are copied into a large buffer that
// is flushed with fs.writeSync once it holds more than 1 MiB.

import { closeSync, openSync, writeSync } from 'node:fs';
import { FleetgateError } from '../core/errors.js';

export interface PcapWriterOptions {
  /** LINKTYPE_* of every frame (default 1, Ethernet). */
  linkType?: number;
  /** Frames longer than this are truncated (default 262144). */
  snapLen?: number;
  /** Nanosecond timestamps (magic a1b23c4d) instead of microseconds. */
  nanos?: boolean;
}

const FLUSH_AT = 1024 * 1024;
const BUF_SIZE = 2 * FLUSH_AT;

export class PcapWriter {
  framesWritten = 0;
  /** File bytes produced so far (header + records), including bytes not yet flushed. */
  bytesWritten = 0;
  private buf = new Uint8Array(BUF_SIZE);
  private used = 0;
  private fd: number | null;

  private constructor(
    readonly path: string,
    fd: number,
    private readonly snapLen: number,
    private readonly nanos: boolean,
  ) {
    this.fd = fd;
  }

  static open(path: string, opts: PcapWriterOptions = {}): PcapWriter {
    const snapLen = opts.snapLen ?? 262144;
    if (!Number.isInteger(snapLen) || snapLen <= 0) {
      throw new FleetgateError('FG_ERR_USAGE', `pcap writer: bad snapLen ${snapLen}`, { path });
    }
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw new FleetgateError('FG_ERR_IO', `${path}: ${(e as Error).message}`, { path });
    }
    const w = new PcapWriter(path, fd, snapLen, opts.nanos ?? false);
    w.header(opts.linkType ?? 1);
    return w;
  }

  /** Appends one frame: buf[off, off + len) captured at tsUs (µs since the epoch). */
  write(buf: Uint8Array, off: number, len: number, tsUs: number, wireLen: number = len): void {
    if (this.fd === null) throw new FleetgateError('FG_ERR_USAGE', `${this.path}: write after close`);
    const capLen = Math.min(len, this.snapLen);
    const need = 16 + capLen;
    if (this.used + need > this.buf.length) {
      this.flush();
      if (need > this.buf.length) this.buf = new Uint8Array(need);
    }
    const b = this.buf;
    const o = this.used;
    const sec = Math.floor(tsUs / 1e6);
    const us = tsUs - sec * 1e6;
    put32(b, o, sec);
    put32(b, o + 4, this.nanos ? Math.floor(us * 1000) : Math.floor(us));
    put32(b, o + 8, capLen);
    put32(b, o + 12, Math.max(wireLen, capLen));
    b.set(buf.subarray(off, off + capLen), o + 16);
    this.used = o + need;
    this.bytesWritten += need;
    this.framesWritten++;
    if (this.used > FLUSH_AT) this.flush();
  }

  /** Flushes and closes the file; calling it again does nothing. */
  async close(): Promise<void> {
    if (this.fd === null) return;
    this.flush();
    closeSync(this.fd);
    this.fd = null;
  }

  private header(linkType: number): void {
    const b = this.buf;
    put32(b, 0, this.nanos ? 0xa1b23c4d : 0xa1b2c3d4);
    b[4] = 2; // version 2.4
    b[5] = 0;
    b[6] = 4;
    b[7] = 0;
    put32(b, 8, 0); // thiszone
    put32(b, 12, 0); // sigfigs
    put32(b, 16, this.snapLen);
    put32(b, 20, linkType);
    this.used = 24;
    this.bytesWritten = 24;
  }

  private flush(): void {
    if (this.fd === null || this.used === 0) return;
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v & 0xff;
  b[o + 1] = (v >>> 8) & 0xff;
  b[o + 2] = (v >>> 16) & 0xff;
  b[o + 3] = (v >>> 24) & 0xff;
}
