// An append-only on-disk queue of records for one destination: numbered segment files plus a cursor
// (segment, offset) saved after every acknowledged batch. A crash loses nothing already appended; a
// crash between an acknowledgement and the cursor save re-sends that batch (at-least-once).
import { openSync, writeSync, closeSync, readSync, fstatSync, readdirSync, mkdirSync, unlinkSync, writeFileSync, renameSync, readFileSync, ftruncateSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SinkRecord } from '../sinks/sink.js';
import { encodeFrame, decodeFrame, FRAME_HEADER, MAX_FRAME } from './spool-codec.js';

const SEG_RE = /^seg-(\d{10})\.spool$/;
const READ_CHUNK = 1 << 20;

export interface SpoolOptions {
  dir: string;
  /** Total bytes on disk beyond which appends are refused (the operator's limit). */
  limitBytes: number;
  /** A segment is closed and a new one started past this size. */
  segmentBytes?: number;
}

function segName(n: number): string {
  return `seg-${String(n).padStart(10, '0')}.spool`;
}

export class Spool {
  private readonly segmentBytes: number;
  private writeSeg = 0;
  private writeFd = -1;
  private writeSize = 0;
  private readSeg = 0;
  private readOff = 0;
  /** Bytes of every segment file still on disk. */
  private diskBytes = 0;
  private readBuf = Buffer.allocUnsafe(READ_CHUNK);
  /** Records appended and not yet acknowledged (exact after open: counted by scanning). */
  pending = 0;

  constructor(readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? 4 << 20;
  }

  /** Finds the segments and cursor left by an earlier run; cuts a torn last record. */
  open(): void {
    mkdirSync(this.opts.dir, { recursive: true });
    const segs = readdirSync(this.opts.dir)
      .map((f) => SEG_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    let cursor = { seg: segs[0] ?? 0, off: 0 };
    try {
      const c = JSON.parse(readFileSync(join(this.opts.dir, 'cursor.json'), 'utf8')) as { seg: number; off: number };
      if (Number.isInteger(c.seg) && Number.isInteger(c.off)) cursor = c;
    } catch {
      // no cursor yet: read from the first segment
    }
    for (const s of segs) {
      if (s < cursor.seg) unlinkSync(join(this.opts.dir, segName(s)));
    }
    const live = segs.filter((s) => s >= cursor.seg);
    this.readSeg = live.length > 0 && live[0] !== cursor.seg ? live[0] : cursor.seg;
    this.readOff = live[0] === cursor.seg ? cursor.off : 0;
    this.writeSeg = live.length > 0 ? live[live.length - 1] : this.readSeg;
    this.diskBytes = 0;
    this.pending = 0;
    for (const s of live) {
      const valid = this.scan(s, s === this.readSeg ? this.readOff : 0);
      if (s === this.writeSeg) {
        const fd = openSync(join(this.opts.dir, segName(s)), 'r+');
        if (fstatSync(fd).size !== valid.end) ftruncateSync(fd, valid.end);
        closeSync(fd);
      }
      this.diskBytes += valid.end;
      this.pending += valid.records;
    }
    if (live.length === 0) this.readOff = 0;
    this.openWriteSegment();
  }

  get bytes(): number {
    return this.diskBytes;
  }

  get empty(): boolean {
    return this.pending === 0;
  }

  /**
   * Appends a record; false (nothing written) when the limit would be passed. Frames are gathered and
   * written together (at 256 KiB, before any read, and on `flush`), so a kill loses at most the
   * records of the current event-loop turn.
   */
  append(r: SinkRecord): boolean {
    const frame = encodeFrame(r);
    if (this.diskBytes + frame.length > this.opts.limitBytes) return false;
    if (this.writeSize + this.bufferedBytes > 0 && this.writeSize + this.bufferedBytes + frame.length > this.segmentBytes) {
      this.flush();
      closeSync(this.writeFd);
      this.writeSeg++;
      this.openWriteSegment();
    }
    this.buffered.push(frame);
    this.bufferedBytes += frame.length;
    this.diskBytes += frame.length;
    this.pending++;
    if (this.bufferedBytes >= 256 << 10) this.flush();
    return true;
  }

  private buffered: Buffer[] = [];
  private bufferedBytes = 0;

  /** Writes the gathered frames to the current segment. */
  flush(): void {
    if (this.bufferedBytes === 0) return;
    const b = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered, this.bufferedBytes);
    writeSync(this.writeFd, b, 0, b.length);
    this.writeSize += b.length;
    this.buffered = [];
    this.bufferedBytes = 0;
  }

  /** Up to `max` of the oldest records, without consuming them; `commit(n)` after they are acknowledged. */
  peek(max: number): SinkRecord[] {
    this.flush();
    const out: SinkRecord[] = [];
    let seg = this.readSeg;
    let off = this.readOff;
    this.peekEnd = { seg, off };
    for (let guard = 0; out.length < max && guard < 1_000_000; guard++) {
      const path = join(this.opts.dir, segName(seg));
      let size: number;
      try {
        size = statSync(path).size;
      } catch {
        size = 0;
      }
      if (off >= size) {
        if (seg >= this.writeSeg) break;
        seg++;
        off = 0;
        continue;
      }
      const fd = openSync(path, 'r');
      try {
        const n = readSync(fd, this.readBuf, 0, Math.min(this.readBuf.length, size - off), off);
        let p = 0;
        while (out.length < max) {
          const d = decodeFrame(this.readBuf, p, n);
          if (d === null) break;
          out.push(d.rec);
          p = d.next;
        }
        if (p === 0 && out.length < max) {
          // a record bigger than the read buffer: grow it once and retry
          const need = n >= FRAME_HEADER ? this.readBuf.readUInt32BE(0) + FRAME_HEADER : 0;
          if (need > this.readBuf.length && need <= MAX_FRAME + FRAME_HEADER) {
            this.readBuf = Buffer.allocUnsafe(need);
            continue;
          }
          // unreadable tail (should not happen after open's scan): skip the segment
          off = size;
          continue;
        }
        off += p;
      } finally {
        closeSync(fd);
      }
      this.peekEnd = { seg, off };
    }
    this.peekEnd = { seg, off };
    // nothing readable although records were counted (a torn tail): the spool is empty
    if (out.length === 0) this.pending = 0;
    return out;
  }

  private peekEnd = { seg: 0, off: 0 };

  /** The records returned by the last `peek` were acknowledged: move the cursor past them. */
  commit(count: number): void {
    const { seg, off } = this.peekEnd;
    for (let s = this.readSeg; s < seg; s++) this.removeSegment(s);
    this.readSeg = seg;
    this.readOff = off;
    this.pending = Math.max(0, this.pending - count);
    if (this.pending === 0 && this.readSeg === this.writeSeg && this.bufferedBytes === 0) {
      // drained: start over with a fresh segment so the disk is given back
      closeSync(this.writeFd);
      this.removeSegment(this.writeSeg);
      this.writeSeg++;
      this.readSeg = this.writeSeg;
      this.readOff = 0;
      this.openWriteSegment();
    }
    this.saveCursor();
  }

  close(): void {
    if (this.writeFd >= 0) {
      this.flush();
      closeSync(this.writeFd);
    }
    this.writeFd = -1;
    this.saveCursor();
  }

  private removeSegment(s: number): void {
    const path = join(this.opts.dir, segName(s));
    try {
      this.diskBytes -= statSync(path).size;
      unlinkSync(path);
    } catch {
      // already gone
    }
    if (this.diskBytes < 0) this.diskBytes = 0;
  }

  private openWriteSegment(): void {
    this.writeFd = openSync(join(this.opts.dir, segName(this.writeSeg)), 'a+');
    this.writeSize = fstatSync(this.writeFd).size;
  }

  private saveCursor(): void {
    const tmp = join(this.opts.dir, 'cursor.json.tmp');
    writeFileSync(tmp, JSON.stringify({ seg: this.readSeg, off: this.readOff }));
    renameSync(tmp, join(this.opts.dir, 'cursor.json'));
  }

  /** Counts whole records from `from`; `end` is where the last whole record ends. */
  private scan(seg: number, from: number): { end: number; records: number } {
    const fd = openSync(join(this.opts.dir, segName(seg)), 'r');
    try {
      const size = fstatSync(fd).size;
      const hdr = Buffer.allocUnsafe(FRAME_HEADER);
      let off = from;
      let records = 0;
      for (let guard = 0; guard < 100_000_000 && off + FRAME_HEADER <= size; guard++) {
        readSync(fd, hdr, 0, FRAME_HEADER, off);
        const rest = hdr.readUInt32BE(0);
        if (rest < 3 || rest > MAX_FRAME || off + FRAME_HEADER + rest > size) break;
        off += FRAME_HEADER + rest;
        records++;
      }
      return { end: off, records };
    } finally {
      closeSync(fd);
    }
  }
}
