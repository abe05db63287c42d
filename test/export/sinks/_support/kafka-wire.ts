// Kafka wire-format pieces for the Kafka stand-in: a bounds-checked reader, a writer, CRC-32C and the
// RecordBatch v2 decoder (https://kafka.apache.org/documentation/#recordbatch).
import { gunzipSync } from 'node:zlib';

export class WireError extends Error {}

export class Reader {
  off: number;
  constructor(
    readonly b: Buffer,
    off = 0,
    readonly end = b.length,
  ) {
    this.off = off;
  }
  private need(n: number): number {
    if (this.off + n > this.end) throw new WireError(`truncated at ${this.off} (+${n} > ${this.end})`);
    const o = this.off;
    this.off += n;
    return o;
  }
  i8(): number {
    return this.b.readInt8(this.need(1));
  }
  i16(): number {
    return this.b.readInt16BE(this.need(2));
  }
  i32(): number {
    return this.b.readInt32BE(this.need(4));
  }
  u32(): number {
    return this.b.readUInt32BE(this.need(4));
  }
  i64(): number {
    return Number(this.b.readBigInt64BE(this.need(8)));
  }
  raw(n: number): Buffer {
    const o = this.need(n);
    return this.b.subarray(o, o + n);
  }
  /** STRING / NULLABLE_STRING (int16 length, -1 = null). */
  str(): string | null {
    const n = this.i16();
    return n < 0 ? null : this.raw(n).toString('utf8');
  }
  /** Zig-zag varint (varlong values fit a double for what the tests send). */
  varint(): number {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.b[this.need(1)];
      v |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return Number((v >> 1n) ^ -(v & 1n));
      shift += 7n;
    }
    throw new WireError('varint longer than 10 bytes');
  }
  /** varint length then bytes; -1 = null. */
  vbytes(): Buffer | null {
    const n = this.varint();
    return n < 0 ? null : this.raw(n);
  }
  /** An int32-counted array. */
  array<T>(item: () => T): T[] {
    const n = this.i32();
    if (n < 0) return [];
    if (n > 100_000) throw new WireError(`array of ${n}`);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(item());
    return out;
  }
}

export class Writer {
  private parts: Buffer[] = [];
  private fixed(n: number, f: (b: Buffer) => void): this {
    const b = Buffer.alloc(n);
    f(b);
    this.parts.push(b);
    return this;
  }
  i8(v: number): this {
    return this.fixed(1, (b) => b.writeInt8(v));
  }
  i16(v: number): this {
    return this.fixed(2, (b) => b.writeInt16BE(v));
  }
  i32(v: number): this {
    return this.fixed(4, (b) => b.writeInt32BE(v));
  }
  i64(v: number): this {
    return this.fixed(8, (b) => b.writeBigInt64BE(BigInt(v)));
  }
  str(s: string | null): this {
    if (s === null) return this.i16(-1);
    const b = Buffer.from(s);
    this.i16(b.length);
    this.parts.push(b);
    return this;
  }
  array<T>(items: readonly T[], each: (w: this, item: T) => void): this {
    this.i32(items.length);
    for (const it of items) each(this, it);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

const CRC32C = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(b: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC32C[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface DecodedRecord {
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: number;
  offsetDelta: number;
}

export interface DecodedBatch {
  compression: 'none' | 'gzip';
  producerId: number;
  records: DecodedRecord[];
}

/** Decodes the RecordBatch v2 batches of one partition's record set; throws WireError on anything wrong. */
export function decodeRecordBatches(set: Buffer): DecodedBatch[] {
  const out: DecodedBatch[] = [];
  const r = new Reader(set);
  while (r.off < set.length) {
    r.i64(); // baseOffset (0 from producers)
    const batchLength = r.i32();
    const end = r.off + batchLength;
    if (end > set.length) throw new WireError('batchLength past the record set');
    r.i32(); // partitionLeaderEpoch
    const magic = r.i8();
    if (magic !== 2) throw new WireError(`magic ${magic}, want 2`);
    const crc = r.u32();
    if (crc32c(set.subarray(r.off, end)) !== crc) throw new WireError('RecordBatch CRC-32C mismatch');
    const attributes = r.i16();
    r.i32(); // lastOffsetDelta
    const firstTimestamp = r.i64();
    r.i64(); // maxTimestamp
    const producerId = r.i64();
    r.i16(); // producerEpoch
    r.i32(); // baseSequence
    const count = r.i32();
    const codec = attributes & 7;
    let body: Buffer;
    if (codec === 0) body = set.subarray(r.off, end);
    else if (codec === 1) body = gunzipSync(set.subarray(r.off, end));
    else throw new WireError(`compression codec ${codec} not supported by the stand-in`);
    const rr = new Reader(body);
    const records: DecodedRecord[] = [];
    for (let i = 0; i < count; i++) {
      const len = rr.varint();
      const recEnd = rr.off + len;
      rr.i8(); // attributes
      const tsDelta = rr.varint();
      const offsetDelta = rr.varint();
      const key = rr.vbytes();
      const value = rr.vbytes();
      const nh = rr.varint();
      const headers: Record<string, string> = {};
      for (let h = 0; h < nh && h < 1000; h++) {
        const hk = rr.vbytes();
        const hv = rr.vbytes();
        headers[hk?.toString() ?? ''] = hv?.toString() ?? '';
      }
      if (rr.off !== recEnd) throw new WireError(`record ${i}: length ${len} does not match its fields`);
      records.push({ key: key?.toString() ?? null, value: value ? Buffer.from(value) : null, headers, timestamp: firstTimestamp + tsDelta, offsetDelta });
    }
    if (rr.off !== body.length) throw new WireError('bytes left after the last record');
    out.push({ compression: codec === 1 ? 'gzip' : 'none', producerId, records });
    r.off = end;
  }
  return out;
}
