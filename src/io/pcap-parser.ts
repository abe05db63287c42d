// Classic libpcap files: a 24-byte global header, then 16-byte record headers each followed by data.
// Handles µs (0xa1b2c3d4) and ns (0xa1b23c4d) magics in both byte orders, and the rare "modified"
// format (0xa1b2cd34) whose record headers carry 8 extra bytes.

import { CaptureError } from '../core/errors.js';
import type { FrameBatch } from '../core/frame-batch.js';
import { u16, u32 } from './byte-order.js';
import { MAX_CAPLEN, ParseStatus, type FrameParser, type ParseStatusId, type ParseWindow } from './frame-parser.js';

const HEADER_LEN = 24;

export class PcapParser implements FrameParser {
  readonly format = 'pcap';
  need = HEADER_LEN;
  error: CaptureError | null = null;
  private headerDone = false;
  private le = true;
  private nanos = false;
  private recHdrLen = 16;
  private linkType = 1;

  constructor(private readonly path: string) {}

  canEnd(): boolean {
    return this.headerDone;
  }

  parse(w: ParseWindow, batch: FrameBatch): ParseStatusId {
    const b = w.buf;
    const end = w.end;
    let pos = w.start;
    if (!this.headerDone) {
      if (end - pos < HEADER_LEN) return this.needMore(HEADER_LEN);
      if (!this.readHeader(b, pos, w.base)) return ParseStatus.FAILED;
      pos += HEADER_LEN;
      w.start = pos;
      this.headerDone = true;
    }
    const le = this.le;
    const hdr = this.recHdrLen;
    const linkType = this.linkType;
    const subUnits = this.nanos;
    for (;;) {
      if (end - pos < hdr) {
        w.start = pos;
        return this.needMore(hdr);
      }
      const capLen = u32(b, pos + 8, le);
      if (capLen > MAX_CAPLEN) {
        w.start = pos;
        return this.fail(w.base + pos, `record captured length ${capLen} exceeds ${MAX_CAPLEN}`);
      }
      if (end - pos < hdr + capLen) {
        w.start = pos;
        return this.needMore(hdr + capLen);
      }
      if (batch.count >= batch.capacity) {
        w.start = pos;
        return ParseStatus.BATCH_FULL;
      }
      const sec = u32(b, pos, le);
      const frac = u32(b, pos + 4, le);
      const tsUs = sec * 1e6 + (subUnits ? Math.floor(frac / 1000) : frac);
      batch.push(pos + hdr, capLen, u32(b, pos + 12, le), tsUs, linkType, 0);
      pos += hdr + capLen;
    }
  }

  private readHeader(b: Uint8Array, o: number, base: number): boolean {
    const m = u32(b, o, true);
    if (m === 0xa1b2c3d4 || m === 0xa1b23c4d || m === 0xa1b2cd34) this.le = true;
    else if (m === 0xd4c3b2a1 || m === 0x4d3cb2a1 || m === 0x34cdb2a1) this.le = false;
    else {
      this.fail(base + o, `not a pcap file header (magic 0x${m.toString(16).padStart(8, '0')})`);
      return false;
    }
    const magic = u32(b, o, this.le);
    this.nanos = magic === 0xa1b23c4d;
    this.recHdrLen = magic === 0xa1b2cd34 ? 24 : 16;
    const major = u16(b, o + 4, this.le);
    if (major !== 2) {
      this.fail(base + o, `unsupported pcap version ${major} (expected 2)`);
      return false;
    }
    // The link-type field's upper bits carry FCS information: keep the 16-bit link type only.
    this.linkType = u32(b, o + 20, this.le) & 0xffff;
    return true;
  }

  private needMore(n: number): ParseStatusId {
    this.need = n;
    return ParseStatus.NEED_MORE;
  }

  private fail(offset: number, problem: string): ParseStatusId {
    this.error = new CaptureError('FG_ERR_CAPTURE_FORMAT', this.path, offset, problem);
    return ParseStatus.FAILED;
  }
}
