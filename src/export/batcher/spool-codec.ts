// How a record is framed in a spool segment: [u32 rest length][u8 type][u16 id length][id][body].
import type { SinkRecord, SinkRecordType } from '../sinks/sink.js';
import { SINK_RECORD_TYPES } from '../sinks/sink.js';

export const FRAME_HEADER = 4;
/** A frame larger than this is treated as corruption (a torn write), not as a record. */
export const MAX_FRAME = 64 << 20;

export function encodeFrame(r: SinkRecord): Buffer {
  const id = Buffer.from(r.id, 'utf8');
  const rest = 1 + 2 + id.length + r.body.length;
  const out = Buffer.allocUnsafe(FRAME_HEADER + rest);
  out.writeUInt32BE(rest, 0);
  out[4] = Math.max(0, SINK_RECORD_TYPES.indexOf(r.type));
  out.writeUInt16BE(id.length, 5);
  id.copy(out, 7);
  out.set(r.body, 7 + id.length);
  return out;
}

/** Decodes the frame at `off` of `buf`; null when it is incomplete or malformed. */
export function decodeFrame(buf: Buffer, off: number, end: number): { rec: SinkRecord; next: number } | null {
  if (end - off < FRAME_HEADER) return null;
  const rest = buf.readUInt32BE(off);
  if (rest < 3 || rest > MAX_FRAME || end - off - FRAME_HEADER < rest) return null;
  const type: SinkRecordType | undefined = SINK_RECORD_TYPES[buf[off + 4]];
  const idLen = buf.readUInt16BE(off + 5);
  if (type === undefined || 3 + idLen > rest) return null;
  const id = buf.toString('utf8', off + 7, off + 7 + idLen);
  // copy: the read buffer is reused
  const body = Uint8Array.prototype.slice.call(buf, off + 7 + idLen, off + FRAME_HEADER + rest);
  return { rec: { id, type, body }, next: off + FRAME_HEADER + rest };
}
