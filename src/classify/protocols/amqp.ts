// AMQP over TCP. The client opens with an 8-byte protocol header: "AMQP" then 0 0 9 1 (0-9-1),
// 1 1 0 9 / 1 1 0 10 (0-9 / 0-8 legacy), or 0|2|3 1 0 0 (1.0, TLS and SASL layers). Later segments
// are 0-9-1 frames: type (1 method, 2 header, 3 body, 8 heartbeat), channel, 32-bit size, payload
// and the frame-end octet 0xCE; a segment of whole frames chaining to its end also matches
// (captures that start after the header, or with the server's Connection.Start).
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export type AmqpState = Record<string, never>;

const FRAME_END = 0xce;
const MAX_FRAMES = 32;

/** "x.y.z" version of an AMQP protocol header at the start of `b`, or null. */
export function protocolHeaderVersion(b: Uint8Array): string | null {
  if (b.length !== 8 || b[0] !== 0x41 || b[1] !== 0x4d || b[2] !== 0x51 || b[3] !== 0x50) return null;
  const [id, major, minor, rev] = [b[4], b[5], b[6], b[7]];
  if (id === 0 && major === 0 && minor === 9 && rev === 1) return '0-9-1';
  if (id === 1 && major === 1 && (minor === 9 || minor === 8)) return `0-${minor}`;
  if ((id === 0 || id === 2 || id === 3) && major === 1 && minor === 0) return `1.0.${rev}`;
  return null;
}

function isProtocolHeader(b: Uint8Array): boolean {
  return (
    b.length === 8 && b[0] === 0x41 && b[1] === 0x4d && b[2] === 0x51 && b[3] === 0x50 &&
    ((b[4] === 0 && b[5] === 0 && b[6] === 9 && b[7] === 1) ||
      (b[4] === 1 && b[5] === 1 && (b[6] === 9 || b[6] === 8)) ||
      ((b[4] === 0 || b[4] === 2 || b[4] === 3) && b[5] === 1 && b[6] === 0))
  );
}

/** True when `b` is whole AMQP 0-9-1 frames with sane types and method classes. */
export function isFrameSequence(b: Uint8Array): boolean {
  const end = b.length;
  if (end < 8) return false;
  let o = 0;
  for (let n = 0; n < MAX_FRAMES && o < end; n++) {
    if (o + 8 > end) return false;
    const type = b[o];
    if (type !== 1 && type !== 2 && type !== 3 && type !== 8) return false;
    const size = ((b[o + 3] << 24) | (b[o + 4] << 16) | (b[o + 5] << 8) | b[o + 6]) >>> 0;
    if (size > end - o - 8 || b[o + 7 + size] !== FRAME_END) return false;
    if (type === 1) {
      // method frame: class id (10 connection … 90 tx, 85 confirm) and method id
      if (size < 4) return false;
      const cls = (b[o + 7] << 8) | b[o + 8];
      if (!((cls % 10 === 0 && cls >= 10 && cls <= 90) || cls === 85)) return false;
    } else if (type === 8 && size !== 0) return false;
    o += 8 + size;
  }
  return o === end;
}

export const amqpDissector: Dissector<AmqpState> = {
  name: 'AMQP',
  when: { l4: 'tcp', ports: [5672, 5671] },
  budget: 4,
  init: () => ({}),
  probe(data: Uint8Array): ProbeResult {
    return isProtocolHeader(data) || isFrameSequence(data) ? 'match' : 'exclude';
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, _st: AmqpState, meta: AppMeta): void {
    const v = protocolHeaderVersion(data);
    if (v !== null) (meta.extra ??= {}).amqp_version = v;
  },
};
