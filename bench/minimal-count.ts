// The floor under `npm run bench`'s replay figures: the least a header path can do in this runtime.
// It reads the capture through the replay's own reader (src/io/chunk-source.ts: 4 MiB chunks, the next
// one read ahead on libuv's pool), walks the pcap records, takes each Ethernet/IPv4 packet's 5-tuple
// and counts the packet to a bidirectional flow in an open-addressing table over typed arrays. Nothing
// else: no VLANs, IPv6, tunnels or fragments, no TCP state, no expiry or eviction, no devices, no
// reports. The "typed-array prototype of the header path" was this kind of loop. Not a product
// mode: it shows how much of a speed target is left once the file is read and its packets counted.
import { open } from 'node:fs/promises';
import { ChunkSource } from '../src/io/chunk-source.js';
import { MAX_CAPLEN } from '../src/io/frame-parser.js';

const CHUNK = 4 << 20;
const SLOTS = 1 << 21;
const MAX_FLOWS = (SLOTS * 3) / 4;
const MASK = SLOTS - 1;

export interface MinimalCount {
  frames: number;
  /** Flows of Ethernet/IPv4 frames (TCP and UDP by ports, other protocols by addresses). */
  flows: number;
}

/** Counts a classic little-endian µs pcap of Ethernet frames; throws on anything else or a truncated file. */
export async function countMinimal(path: string): Promise<MinimalCount> {
  const used = new Uint8Array(SLOTS);
  const keyLo = new Int32Array(SLOTS);
  const keyHi = new Int32Array(SLOTS);
  const keyPorts = new Int32Array(SLOTS);
  const keyProto = new Uint8Array(SLOTS);
  /** Per flow: packets lower→higher endpoint, higher→lower, then bytes the same two ways. */
  const counters = new Float64Array(SLOTS * 4);
  let flows = 0;
  let frames = 0;
  /** Bytes the next record needs in the window (its header, then header and data). */
  let need = 16;

  /** Counts the whole records of b[start, end) (b[0] is file offset `base`); returns where the first partial one begins. */
  function countRecords(b: Uint8Array, start: number, end: number, base: number): number {
    let p = start;
    need = 16;
    while (end - p >= 16) {
      const capLen = (b[p + 8] | (b[p + 9] << 8) | (b[p + 10] << 16) | (b[p + 11] << 24)) >>> 0;
      if (capLen > MAX_CAPLEN) throw new Error(`${path}: record at byte offset ${base + p} has captured length ${capLen} (more than ${MAX_CAPLEN})`);
      if (end - p < 16 + capLen) {
        need = 16 + capLen;
        break;
      }
      const f = p + 16;
      p = f + capLen;
      frames++;
      if (capLen < 34 || ((b[f + 12] << 8) | b[f + 13]) !== 0x0800) continue;
      const ip = f + 14;
      const proto = b[ip + 9];
      const ipLen = (b[ip + 2] << 8) | b[ip + 3];
      const src = (b[ip + 12] << 24) | (b[ip + 13] << 16) | (b[ip + 14] << 8) | b[ip + 15];
      const dst = (b[ip + 16] << 24) | (b[ip + 17] << 16) | (b[ip + 18] << 8) | b[ip + 19];
      const l4 = ip + (b[ip] & 15) * 4;
      const hasPorts = (proto === 6 || proto === 17) && l4 + 4 <= p;
      const sp = hasPorts ? (b[l4] << 8) | b[l4 + 1] : 0;
      const dp = hasPorts ? (b[l4 + 2] << 8) | b[l4 + 3] : 0;
      // both directions of a flow give the same key: the lower endpoint first
      const swap = src >>> 0 > dst >>> 0 || (src === dst && sp > dp);
      const lo = swap ? dst : src;
      const hi = swap ? src : dst;
      const ports = swap ? dp | (sp << 16) : sp | (dp << 16);
      let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1) ^ Math.imul(ports, 0x85ebca6b) ^ proto, 0xc2b2ae35);
      h ^= h >>> 15;
      let s = h & MASK;
      for (;;) {
        if (used[s] === 0) {
          if (++flows > MAX_FLOWS) throw new Error(`${path}: more than ${MAX_FLOWS} flows; the minimal loop's table is fixed`);
          used[s] = 1;
          keyLo[s] = lo;
          keyHi[s] = hi;
          keyPorts[s] = ports;
          keyProto[s] = proto;
          break;
        }
        if (keyLo[s] === lo && keyHi[s] === hi && keyPorts[s] === ports && keyProto[s] === proto) break;
        s = (s + 1) & MASK;
      }
      const dir = swap ? 1 : 0;
      counters[s * 4 + dir]++;
      counters[s * 4 + 2 + dir] += ipLen;
    }
    return p;
  }

  const fh = await open(path, 'r');
  const src = new ChunkSource(path, fh, CHUNK);
  try {
    await src.fill(24);
    const b = src.buf;
    const o = src.start;
    const magic = src.end - o < 24 ? 0 : (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
    if (magic !== 0xa1b2c3d4 || (b[o + 20] | (b[o + 21] << 8)) !== 1) {
      throw new Error(`${path}: not a little-endian µs pcap of Ethernet frames`);
    }
    src.start += 24;
    for (;;) {
      src.start = countRecords(src.buf, src.start, src.end, src.base);
      if (src.eof) break;
      await src.fill(need);
    }
    if (src.end > src.start) throw new Error(`${path}: truncated record at byte offset ${src.base + src.start}`);
  } finally {
    await src.settle();
    await fh.close();
  }
  return { frames, flows };
}
