// pcapng files: a sequence of blocks (type, total length, body, total length again).
// Frames come from EPB, SPB and the obsolete Packet Block; IDBs declare interfaces (link type, snap
// length, timestamp resolution and offset); a new SHB starts a section with its own byte order and
// interface list; every other block type is skipped by its length.

import { CaptureError } from '../core/errors.js';
import type { FrameBatch } from '../core/frame-batch.js';
import { i64, u16, u32 } from './byte-order.js';
import { MAX_CAPLEN, ParseStatus, type FrameParser, type ParseStatusId, type ParseWindow } from './frame-parser.js';
import { toMicros, TsMode, tsScaleFromResol } from './timestamp.js';

const SHB = 0x0a0d0d0a;
const IDB = 1;
const PB = 2; // obsolete Packet Block
const SPB = 3;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
/** Upper bound on any block (Wireshark accepts up to about 16 MiB); bounds the chunk growth. */
export const MAX_BLOCK_LEN = 32 * 1024 * 1024;
const MAX_INTERFACES = 65536;
const OPT_TSRESOL = 9;
const OPT_TSOFFSET = 14;

export class PcapngParser implements FrameParser {
  readonly format = 'pcapng';
  need = 12;
  error: CaptureError | null = null;
  private le = true;
  private inSection = false;
  // Interfaces of the current section, struct-of-arrays (grown per IDB, never per packet).
  private ifCount = 0;
  private readonly ifLinkType: number[] = [];
  private readonly ifSnapLen: number[] = [];
  private readonly ifTsMode: number[] = [];
  private readonly ifTsFactor: number[] = [];
  private readonly ifTsOffsetUs: number[] = [];
  private lastTsUs = 0;

  constructor(private readonly path: string) {}

  canEnd(): boolean {
    return this.inSection;
  }

  parse(w: ParseWindow, batch: FrameBatch): ParseStatusId {
    const b = w.buf;
    const end = w.end;
    let pos = w.start;
    for (;;) {
      w.start = pos;
      if (end - pos < 12) return this.needMore(12);
      const typeRaw = u32(b, pos, true);
      if (typeRaw === SHB) {
        const bom = u32(b, pos + 8, true);
        if (bom === BYTE_ORDER_MAGIC) this.le = true;
        else if (bom === 0x4d3c2b1a) this.le = false;
        else return this.fail(w.base + pos, `bad section header byte-order magic 0x${bom.toString(16)}`);
      } else if (!this.inSection) {
        return this.fail(w.base + pos, 'pcapng file does not start with a section header block');
      }
      const le = this.le;
      const type = u32(b, pos, le);
      const len = u32(b, pos + 4, le);
      if (len < 12 || (len & 3) !== 0 || len > MAX_BLOCK_LEN) {
        return this.fail(w.base + pos, `bad block total length ${len} (block type 0x${type.toString(16)})`);
      }
      if (end - pos < len) return this.needMore(len);
      if (u32(b, pos + len - 4, le) !== len) {
        return this.fail(w.base + pos, `block trailing length ${u32(b, pos + len - 4, le)} differs from ${len}`);
      }
      if (type === EPB || type === PB || type === SPB) {
        if (batch.count >= batch.capacity) return ParseStatus.BATCH_FULL;
        if (!this.packet(b, pos, len, type, w.base, batch)) return ParseStatus.FAILED;
      } else if (type === IDB) {
        if (!this.interface(b, pos, len, w.base)) return ParseStatus.FAILED;
      } else if (type === SHB) {
        if (len < 28) return this.fail(w.base + pos, `section header block too short (${len} bytes)`);
        const major = u16(b, pos + 12, le);
        if (major !== 1) return this.fail(w.base + pos, `unsupported pcapng version ${major} (expected 1)`);
        this.inSection = true;
        this.ifCount = 0;
      }
      pos += len;
    }
  }

  private packet(b: Uint8Array, pos: number, len: number, type: number, base: number, batch: FrameBatch): boolean {
    const le = this.le;
    let ifId = 0;
    let capLen: number;
    let wireLen: number;
    let dataOff: number;
    let tsUs: number;
    if (type === SPB) {
      if (len < 16) return this.bad(base + pos, `simple packet block too short (${len} bytes)`);
      if (this.ifCount === 0) return this.bad(base + pos, 'simple packet block before any interface description');
      wireLen = u32(b, pos + 8, le);
      dataOff = pos + 12;
      const snap = this.ifSnapLen[0]; // 0 means unlimited
      capLen = Math.min(wireLen, len - 16, snap === 0 ? len : snap);
      tsUs = this.lastTsUs; // SPBs carry no timestamp
    } else {
      if (len < 32) return this.bad(base + pos, `packet block too short (${len} bytes)`);
      ifId = type === EPB ? u32(b, pos + 8, le) : u16(b, pos + 8, le);
      if (ifId >= this.ifCount) {
        return this.bad(base + pos, `packet block refers to undeclared interface ${ifId} (${this.ifCount} declared)`);
      }
      capLen = u32(b, pos + 20, le);
      wireLen = u32(b, pos + 24, le);
      dataOff = pos + 28;
      if (capLen > len - 32) {
        return this.bad(base + pos, `packet captured length ${capLen} exceeds its block (${len} bytes)`);
      }
      tsUs = toMicros(u32(b, pos + 12, le), u32(b, pos + 16, le), this.ifTsMode[ifId], this.ifTsFactor[ifId]);
      tsUs += this.ifTsOffsetUs[ifId];
      this.lastTsUs = tsUs;
    }
    if (capLen > MAX_CAPLEN) return this.bad(base + pos, `captured length ${capLen} exceeds ${MAX_CAPLEN}`);
    batch.push(dataOff, capLen, wireLen, tsUs, this.ifLinkType[ifId], ifId);
    return true;
  }

  private interface(b: Uint8Array, pos: number, len: number, base: number): boolean {
    const le = this.le;
    if (len < 20) return this.bad(base + pos, `interface description block too short (${len} bytes)`);
    if (this.ifCount >= MAX_INTERFACES) return this.bad(base + pos, `more than ${MAX_INTERFACES} interfaces`);
    let mode: number = TsMode.MUL;
    let factor = 1;
    let offsetUs = 0;
    // Options: code u16, length u16, value padded to 4 bytes; bounded by the block.
    const optEnd = pos + len - 4;
    let o = pos + 16;
    while (o + 4 <= optEnd) {
      const code = u16(b, o, le);
      const olen = u16(b, o + 2, le);
      if (code === 0 || o + 4 + olen > optEnd) break;
      if (code === OPT_TSRESOL && olen >= 1) {
        const s = tsScaleFromResol(b[o + 4]);
        mode = s.mode;
        factor = s.factor;
      } else if (code === OPT_TSOFFSET && olen >= 8) {
        offsetUs = i64(b, o + 4, le) * 1e6;
      }
      o += 4 + ((olen + 3) & ~3);
    }
    const i = this.ifCount++;
    this.ifLinkType[i] = u16(b, pos + 8, le);
    this.ifSnapLen[i] = u32(b, pos + 12, le);
    this.ifTsMode[i] = mode;
    this.ifTsFactor[i] = factor;
    this.ifTsOffsetUs[i] = offsetUs;
    return true;
  }

  private needMore(n: number): ParseStatusId {
    this.need = n;
    return ParseStatus.NEED_MORE;
  }

  private bad(offset: number, problem: string): false {
    this.fail(offset, problem);
    return false;
  }

  private fail(offset: number, problem: string): ParseStatusId {
    this.error = new CaptureError('FG_ERR_CAPTURE_FORMAT', this.path, offset, problem);
    return ParseStatus.FAILED;
  }
}
