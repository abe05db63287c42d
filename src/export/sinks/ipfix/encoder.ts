// Builds IPFIX messages (RFC 7011): a template message, and data messages of flow records packed up to
// a size limit. Sequence numbers count data records, as §3.1 says.
import { isIPv4 } from 'node:net';
import type { FlowRecord } from '../../flows/flow-record.js';
import { TEMPLATES, TEMPLATE_V4, TEMPLATE_V6, VARLEN } from './templates.js';

const HEADER = 16;
const SET_HEADER = 4;

// RFC 5102 flowEndReason: 1 idle timeout, 2 active timeout, 3 end of flow, 4 forced end, 5 lack of resources
const END_REASON: Record<string, number> = { idle: 1, timeout: 1, active: 2, fin: 3, rst: 3, end: 3, tcp: 3, shutdown: 4, eof: 4, forced: 4, evicted: 5, evict: 5 };

export function endReasonCode(reason: string): number {
  const r = reason.toLowerCase();
  for (const k of Object.keys(END_REASON)) if (r.includes(k)) return END_REASON[k];
  return 4;
}

const PROTO: Record<string, number> = { ICMP: 1, TCP: 6, UDP: 17, ICMPV6: 58, GRE: 47, ESP: 50, SCTP: 132 };

export function protoNumber(name: string): number {
  if (PROTO[name] !== undefined) return PROTO[name];
  const m = /^IP(\d+)$/.exec(name);
  return m ? Number(m[1]) & 0xff : 0;
}

function writeU64(b: Buffer, off: number, n: number): void {
  const v = Math.max(0, Math.floor(n));
  b.writeUInt32BE(Math.floor(v / 2 ** 32) >>> 0, off);
  b.writeUInt32BE(v >>> 0, off + 4);
}

function writeAddr(b: Buffer, off: number, addr: string, v6: boolean): void {
  if (!v6) {
    const p = addr.split('.');
    for (let i = 0; i < 4; i++) b[off + i] = Number(p[i]) & 0xff;
    return;
  }
  // expand '::' then write eight 16-bit groups
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, ''];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...new Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  for (let i = 0; i < 8; i++) b.writeUInt16BE(parseInt(groups[i] ?? '0', 16) & 0xffff, off + i * 2);
}

export class IpfixEncoder {
  private sequence = 0;

  constructor(
    private readonly domainId: number,
    private readonly maxMessageBytes: number,
  ) {}

  private header(b: Buffer, len: number, exportSec: number, seq: number): void {
    b.writeUInt16BE(10, 0);
    b.writeUInt16BE(len, 2);
    b.writeUInt32BE(exportSec >>> 0, 4);
    b.writeUInt32BE(seq >>> 0, 8);
    b.writeUInt32BE(this.domainId >>> 0, 12);
  }

  /** One message holding the template set (both templates). */
  templateMessage(exportSec: number): Buffer {
    let len = HEADER + SET_HEADER;
    for (const t of TEMPLATES) len += 4 + t.fields.reduce((s, f) => s + (f.pen ? 8 : 4), 0);
    const b = Buffer.alloc(len);
    this.header(b, len, exportSec, this.sequence);
    b.writeUInt16BE(2, HEADER);
    b.writeUInt16BE(len - HEADER, HEADER + 2);
    let o = HEADER + SET_HEADER;
    for (const t of TEMPLATES) {
      b.writeUInt16BE(t.id, o);
      b.writeUInt16BE(t.fields.length, o + 2);
      o += 4;
      for (const f of t.fields) {
        b.writeUInt16BE(f.pen ? 0x8000 | f.ie : f.ie, o);
        b.writeUInt16BE(f.len, o + 2);
        o += 4;
        if (f.pen) {
          b.writeUInt32BE(f.pen, o);
          o += 4;
        }
      }
    }
    return b;
  }

  /** Encodes one data record (without set header) into a fresh buffer; the template id it needs. */
  private record(r: FlowRecord): { tid: number; bytes: Buffer } {
    const v6 = r.ipVersion === 6 || !isIPv4(r.aAddr);
    const tid = v6 ? TEMPLATE_V6 : TEMPLATE_V4;
    const t = TEMPLATES.find((x) => x.id === tid)!;
    const app = Buffer.from(r.app.slice(0, 4000), 'utf8');
    let len = 0;
    for (const f of t.fields) len += f.len === VARLEN ? (app.length < 255 ? 1 : 3) + app.length : f.len;
    const b = Buffer.alloc(len);
    let o = 0;
    const aLen = v6 ? 16 : 4;
    writeAddr(b, o, r.aAddr, v6);
    writeAddr(b, o + aLen, r.bAddr, v6);
    o += 2 * aLen;
    b.writeUInt16BE(r.aPort & 0xffff, o);
    b.writeUInt16BE(r.bPort & 0xffff, o + 2);
    b[o + 4] = protoNumber(r.proto);
    o += 5;
    writeU64(b, o, r.firstUs / 1000);
    writeU64(b, o + 8, r.lastUs / 1000);
    writeU64(b, o + 16, r.bytesAB);
    writeU64(b, o + 24, r.pktsAB);
    writeU64(b, o + 32, r.bytesBA);
    writeU64(b, o + 40, r.pktsBA);
    o += 48;
    b[o++] = endReasonCode(r.endReason);
    // biflowDirection: 1 = initiator (the a side opened the flow)
    b[o++] = 1;
    if (app.length < 255) b[o++] = app.length;
    else {
      b[o] = 255;
      b.writeUInt16BE(app.length, o + 1);
      o += 3;
    }
    app.copy(b, o);
    return { tid, bytes: b };
  }

  /** Data messages for these flows, each at most maxMessageBytes, one data set per template run. */
  dataMessages(flows: readonly FlowRecord[], exportSec: number): Buffer[] {
    const out: Buffer[] = [];
    let parts: Buffer[] = [];
    let msgLen = HEADER;
    let setTid = -1;
    let setStart = -1;
    let records = 0;
    const flush = (): void => {
      if (records === 0) return;
      const b = Buffer.concat(parts, msgLen);
      this.header(b, msgLen, exportSec, this.sequence);
      // fill in the set lengths: walk the sets
      out.push(b);
      this.sequence = (this.sequence + records) >>> 0;
      parts = [];
      msgLen = HEADER;
      setTid = -1;
      records = 0;
    };
    const closeSet = (): void => {
      if (setTid < 0) return;
      const hdr = parts[setStart];
      hdr.writeUInt16BE(msgLen - this.setOffset, 2);
      setTid = -1;
    };
    for (const f of flows) {
      const { tid, bytes } = this.record(f);
      const need = bytes.length + (tid === setTid ? 0 : SET_HEADER);
      if (msgLen + need > this.maxMessageBytes && records > 0) {
        closeSet();
        flush();
      }
      if (tid !== setTid) {
        closeSet();
        if (parts.length === 0) parts.push(Buffer.alloc(HEADER));
        const hdr = Buffer.alloc(SET_HEADER);
        hdr.writeUInt16BE(tid, 0);
        setStart = parts.length;
        this.setOffset = msgLen;
        parts.push(hdr);
        msgLen += SET_HEADER;
        setTid = tid;
      }
      if (parts.length === 0) parts.push(Buffer.alloc(HEADER));
      parts.push(bytes);
      msgLen += bytes.length;
      records++;
    }
    closeSet();
    flush();
    return out;
  }

  private setOffset = 0;

  get sequenceNumber(): number {
    return this.sequence;
  }
}
