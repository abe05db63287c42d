// MQTT 3.1, 3.1.1 and 5 over TCP (any port). A segment must hold whole control packets whose
// remaining-length varints chain exactly to its end. CONNECT (with its protocol name), PUBLISH (with
// a printable topic) and SUBSCRIBE (with a filter) match at once; other control packets (CONNACK,
// PINGREQ, PUBACK, …) are short and weak, so the flow matches after three valid segments.
import type { AppMeta, Dir, Dissector, FlowView, ProbeResult } from '../dissector.js';

export interface MqttState {
  /** Segments seen so far made only of structurally valid control packets. */
  validSegments: number;
  /** Protocol level from CONNECT (3, 4 or 5); 0 until seen. */
  version: number;
}

const MAX_PACKETS_PER_SEGMENT = 32;
const MAX_TOPICS = 16;
const MAX_TOPIC_LEN = 1024;

const CONNECT = 1;
const PUBLISH = 3;
const PUBREL = 6;
const SUBSCRIBE = 8;
const UNSUBSCRIBE = 10;

/** Remaining-length varint at `o` (1-4 bytes): returns the value and puts its byte size in `size[0]`; -1 if bad or cut. */
function readVarint(b: Uint8Array, o: number, end: number, size: Int32Array): number {
  let value = 0;
  let mult = 1;
  for (let i = 0; i < 4; i++) {
    if (o + i >= end) return -1;
    const c = b[o + i];
    value += (c & 0x7f) * mult;
    if ((c & 0x80) === 0) {
      size[0] = i + 1;
      return value;
    }
    mult *= 128;
  }
  return -1;
}

const varSize = new Int32Array(1);

/** Fixed-header flags that the spec requires for each packet type. */
function flagsValid(type: number, flags: number): boolean {
  if (type === PUBLISH) return (flags & 0x06) !== 0x06; // QoS 3 is reserved
  if (type === PUBREL || type === SUBSCRIBE || type === UNSUBSCRIBE) return flags === 0x02;
  return flags === 0;
}

/** A length-prefixed UTF-8 string at `o` that is non-empty, printable (no controls) and inside `end`; returns its length or -1. */
function printableString(b: Uint8Array, o: number, end: number, allowWildcards: boolean): number {
  if (o + 2 > end) return -1;
  const len = (b[o] << 8) | b[o + 1];
  if (len === 0 || len > MAX_TOPIC_LEN || o + 2 + len > end) return -1;
  for (let i = o + 2; i < o + 2 + len; i++) {
    const c = b[i];
    if (c < 0x20 || c === 0x7f) return -1;
    if (!allowWildcards && (c === 0x23 || c === 0x2b)) return -1; // '#', '+'
  }
  return len;
}

/** CONNECT variable header: "MQTT" level 4/5 or "MQIsdp" level 3. Returns the level, or 0. */
function connectLevel(b: Uint8Array, o: number, end: number): number {
  if (o + 2 > end) return 0;
  const n = (b[o] << 8) | b[o + 1];
  const p = o + 2;
  if (n === 4 && p + 5 <= end && b[p] === 0x4d && b[p + 1] === 0x51 && b[p + 2] === 0x54 && b[p + 3] === 0x54) {
    const lvl = b[p + 4];
    return lvl === 4 || lvl === 5 ? lvl : 0;
  }
  if (
    n === 6 && p + 7 <= end &&
    b[p] === 0x4d && b[p + 1] === 0x51 && b[p + 2] === 0x49 && b[p + 3] === 0x73 && b[p + 4] === 0x64 && b[p + 5] === 0x70
  ) {
    return b[p + 6] === 3 ? 3 : 0;
  }
  return 0;
}

/** Skips an MQTT 5 properties block at `o`; returns the offset after it or -1. */
function skipProperties(b: Uint8Array, o: number, end: number): number {
  const len = readVarint(b, o, end, varSize);
  if (len < 0) return -1;
  const after = o + varSize[0] + len;
  return after <= end ? after : -1;
}

/** Offset of the first topic filter in a SUBSCRIBE body starting at `o`, or -1. */
function subscribeFiltersStart(b: Uint8Array, o: number, end: number, version: number): number {
  const p = o + 2; // packet identifier
  if (version === 5) return skipProperties(b, p, end);
  return p;
}

function probeSegment(data: Uint8Array, st: MqttState): ProbeResult {
  const end = data.length;
  if (end < 2) return 'exclude';
  let o = 0;
  let strong = false;
  for (let n = 0; n < MAX_PACKETS_PER_SEGMENT && o < end; n++) {
    const type = data[o] >> 4;
    const flags = data[o] & 0x0f;
    if (type === 0 || !flagsValid(type, flags)) return 'exclude';
    const rl = readVarint(data, o + 1, end, varSize);
    if (rl < 0) return 'exclude';
    const body = o + 1 + varSize[0];
    const next = body + rl;
    if (type === CONNECT) {
      // CONNECT may be cut by segmentation; its protocol name is enough.
      const lvl = rl >= 10 ? connectLevel(data, body, end) : 0;
      if (lvl === 0) return 'exclude';
      if (st.version === 0) st.version = lvl;
      return 'match';
    }
    if (next > end) return 'exclude';
    if (type === PUBLISH && printableString(data, body, next, false) > 0) strong = true;
    if (type === SUBSCRIBE) {
      const f = subscribeFiltersStart(data, body, next, st.version);
      if (f > 0) {
        const len = printableString(data, f, next, true);
        if (len > 0 && f + 2 + len < next && data[f + 2 + len] <= 0x3f) strong = true;
      }
    }
    o = next;
  }
  if (o !== end) return 'exclude';
  if (strong) return 'match';
  st.validSegments++;
  return st.validSegments >= 3 ? 'match' : 'more';
}

function addTopic(meta: AppMeta, b: Uint8Array, o: number, len: number): void {
  const m = (meta.mqtt ??= {});
  const topics = (m.topics ??= []);
  if (topics.length >= MAX_TOPICS) return;
  const t = Buffer.from(b.buffer, b.byteOffset + o, len).toString('utf8');
  if (!topics.includes(t)) topics.push(t);
}

function extractConnect(b: Uint8Array, body: number, end: number, st: MqttState, meta: AppMeta): void {
  const lvl = connectLevel(b, body, end);
  if (lvl === 0) return;
  const m = (meta.mqtt ??= {});
  m.protocol_version = lvl;
  st.version = lvl;
  let p = body + 2 + ((b[body] << 8) | b[body + 1]) + 1; // after protocol name and level
  if (p + 3 > end) return;
  const flags = b[p];
  m.username_present = (flags & 0x80) !== 0;
  p += 3; // flags, keep-alive
  if (lvl === 5) {
    p = skipProperties(b, p, end);
    if (p < 0) return;
  }
  if (p + 2 > end) return;
  const idLen = (b[p] << 8) | b[p + 1];
  if (p + 2 + idLen <= end) m.client_id = Buffer.from(b.buffer, b.byteOffset + p + 2, idLen).toString('utf8');
}

function extractSegment(b: Uint8Array, st: MqttState, meta: AppMeta): void {
  const end = b.length;
  let o = 0;
  for (let n = 0; n < MAX_PACKETS_PER_SEGMENT && o + 2 <= end; n++) {
    const type = b[o] >> 4;
    const rl = readVarint(b, o + 1, end, varSize);
    if (rl < 0) return;
    const body = o + 1 + varSize[0];
    const next = Math.min(body + rl, end);
    if (type === CONNECT) extractConnect(b, body, next, st, meta);
    else if (type === PUBLISH) {
      const len = printableString(b, body, next, false);
      if (len > 0) addTopic(meta, b, body + 2, len);
    } else if (type === SUBSCRIBE) {
      let f = subscribeFiltersStart(b, body, next, st.version);
      for (let k = 0; f > 0 && k < MAX_TOPICS; k++) {
        const len = printableString(b, f, next, true);
        if (len <= 0) break;
        addTopic(meta, b, f + 2, len);
        f += 2 + len + 1; // filter + options byte
      }
    }
    if (body + rl > end) return;
    o = body + rl;
  }
}

export const mqttDissector: Dissector<MqttState> = {
  name: 'MQTT',
  when: { l4: 'tcp', ports: [1883, 8883] },
  budget: 6,
  init: () => ({ validSegments: 0, version: 0 }),
  probe(data: Uint8Array, _dir: Dir, _flow: FlowView, st: MqttState): ProbeResult {
    return probeSegment(data, st);
  },
  extract(data: Uint8Array, _dir: Dir, _flow: FlowView, st: MqttState, meta: AppMeta): void {
    extractSegment(data, st, meta);
  },
};
