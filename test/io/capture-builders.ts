// Test support: builds pcap/pcapng files byte by byte (either byte order) and collects the frames a
// reader delivers. Builders return the file's pieces (header, records, blocks) so tests know where
// every record starts and ends.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCapture, type OpenCaptureOptions } from '../../src/io/capture-reader.js';

export class Bytes {
  private readonly out: number[] = [];
  constructor(private readonly le: boolean) {}
  u8(v: number): this {
    this.out.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.le ? this.u8(v).u8(v >>> 8) : this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.le ? this.u16(v & 0xffff).u16(v >>> 16) : this.u16(v >>> 16).u16(v & 0xffff);
  }
  bytes(b: Uint8Array | number[]): this {
    for (const x of b) this.out.push(x);
    return this;
  }
  pad4(): this {
    while (this.out.length % 4) this.out.push(0);
    return this;
  }
  get length(): number {
    return this.out.length;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

export function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Offsets where each piece ends (record/block boundaries). */
export function boundaries(pieces: readonly Uint8Array[]): number[] {
  const ends: number[] = [];
  let o = 0;
  for (const p of pieces) ends.push((o += p.length));
  return ends;
}

/** Deterministic frame bytes of a given length. */
export function frameData(len: number, seed: number): Uint8Array {
  const d = new Uint8Array(len);
  for (let i = 0; i < len; i++) d[i] = (seed * 31 + i * 7) & 0xff;
  return d;
}

// ---- classic pcap

export interface PcapRecord {
  sec: number;
  frac: number;
  data: Uint8Array;
  wireLen?: number;
  /** Override of the captured-length field (for corrupt files). */
  capLenField?: number;
}

export function pcapHeader(le: boolean, nanos: boolean, linkTypeField: number, snapLen = 65535, major = 2): Uint8Array {
  return new Bytes(le)
    .u32(nanos ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(major)
    .u16(4)
    .u32(0)
    .u32(0)
    .u32(snapLen)
    .u32(linkTypeField)
    .done();
}

export function pcapRecord(le: boolean, r: PcapRecord): Uint8Array {
  return new Bytes(le)
    .u32(r.sec)
    .u32(r.frac)
    .u32(r.capLenField ?? r.data.length)
    .u32(r.wireLen ?? r.data.length)
    .bytes(r.data)
    .done();
}

// ---- pcapng

export function block(le: boolean, type: number, body: Uint8Array): Uint8Array {
  const padded = (body.length + 3) & ~3;
  const len = 12 + padded;
  return new Bytes(le).u32(type).u32(len).bytes(body).pad4().u32(len).done();
}

export function shb(le: boolean): Uint8Array {
  // byte-order magic, version 1.0, section length -1 (unknown)
  const body = new Bytes(le).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).done();
  return block(le, 0x0a0d0d0a, body);
}

export interface IdbOptions {
  tsresol?: number;
  /** if_tsoffset in seconds (small non-negative integer) */
  tsoffset?: number;
}

export function idb(le: boolean, linkType: number, snapLen: number, o: IdbOptions = {}): Uint8Array {
  const b = new Bytes(le).u16(linkType).u16(0).u32(snapLen);
  b.u16(2).u16(4).bytes([0x65, 0x74, 0x68, 0x30]); // if_name "eth0", an option we ignore
  if (o.tsresol !== undefined) b.u16(9).u16(1).u8(o.tsresol).pad4();
  if (o.tsoffset !== undefined) {
    b.u16(14).u16(8);
    if (le) b.u32(o.tsoffset).u32(0);
    else b.u32(0).u32(o.tsoffset);
  }
  b.u16(0).u16(0); // opt_endofopt
  return block(le, 1, b.done());
}

/** Splits a 64-bit timestamp (as bigint units) into high and low 32-bit words. */
export function split64(ts: bigint): [number, number] {
  return [Number(ts >> 32n), Number(ts & 0xffffffffn)];
}

export function epb(le: boolean, ifId: number, ts: bigint, data: Uint8Array, wireLen = data.length, capLenField?: number): Uint8Array {
  const [hi, lo] = split64(ts);
  const b = new Bytes(le).u32(ifId).u32(hi).u32(lo).u32(capLenField ?? data.length).u32(wireLen).bytes(data).pad4();
  b.u16(1).u16(3).bytes([0x68, 0x69, 0x21]).pad4().u16(0).u16(0); // opt_comment "hi!"
  return block(le, 6, b.done());
}

export function spb(le: boolean, data: Uint8Array, wireLen = data.length): Uint8Array {
  return block(le, 3, new Bytes(le).u32(wireLen).bytes(data).done());
}

/** The obsolete Packet Block (type 2). */
export function packetBlock(le: boolean, ifId: number, ts: bigint, data: Uint8Array, wireLen = data.length): Uint8Array {
  const [hi, lo] = split64(ts);
  return block(le, 2, new Bytes(le).u16(ifId).u16(0).u32(hi).u32(lo).u32(data.length).u32(wireLen).bytes(data).done());
}

// ---- files and reading

let dir: string | null = null;
let seq = 0;

/** A fresh path in a per-process temp dir (removed by removeTempFiles). */
export function tempPath(name = 'cap'): string {
  dir ??= mkdtempSync(join(tmpdir(), 'fleetgate-io-'));
  return join(dir, `${seq++}-${name}`);
}

/** Writes bytes to a fresh temp file and returns its path. */
export function tempFile(bytes: Uint8Array, name = 'cap'): string {
  const p = tempPath(name);
  writeFileSync(p, bytes);
  return p;
}

export interface SeenFrame {
  data: number[];
  tsUs: number;
  wireLen: number;
  linkType: number;
  ifIndex: number;
}

/** Streams a capture and copies every frame out; returns the frames and the error, if any. */
export async function collect(path: string, opts?: OpenCaptureOptions): Promise<{ frames: SeenFrame[]; error: unknown }> {
  const frames: SeenFrame[] = [];
  try {
    const r = await openCapture(path, opts);
    for await (const b of r) {
      for (let i = 0; i < b.count; i++) {
        frames.push({
          data: Array.from(b.frameBytes(i)),
          tsUs: b.tsUs[i],
          wireLen: b.wireLen[i],
          linkType: b.linkType[i],
          ifIndex: b.ifIndex[i],
        });
      }
    }
  } catch (error) {
    return { frames, error };
  }
  return { frames, error: null };
}

/** Removes the temp dir made by tempFile (call from `after`). */
export function removeTempFiles(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
}
