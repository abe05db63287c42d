// The floor under `npm run bench`'s replay figures: the least a header path can do in this runtime.
// It reads the capture as the product does (4 MiB chunks, the next one read ahead on libuv's pool),
// walks the pcap records, takes each Ethernet/IPv4 packet's 5-tuple and counts the packet to a
// bidirectional flow in an open-addressing table over typed arrays. Nothing else: no VLANs, IPv6,
// tunnels or fragments, no TCP state, no expiry or eviction, no devices, no reports. The issue's
// "typed-array prototype of the header path" was this kind of loop. Not a product mode: it shows how
// much of a speed target is left once the file has been read and its packets counted.
// usage: node dist/bench/minimal-loop.js <capture.pcap>   (classic pcap, little-endian, Ethernet)
import { open } from 'node:fs/promises';

const path = process.argv[2];
if (!path) throw new Error('usage: minimal-loop.js <capture.pcap>');

const CHUNK = 4 << 20;
/** Room in front of a chunk for the record that straddles the previous one (pcap records ≤ 256 KiB). */
const RESERVE = (1 << 18) + 16;
const SLOTS = 1 << 21;
const MAX_FLOWS = (SLOTS * 3) / 4;

const mask = SLOTS - 1;
const used = new Uint8Array(SLOTS);
const keyLo = new Int32Array(SLOTS);
const keyHi = new Int32Array(SLOTS);
const keyPorts = new Int32Array(SLOTS);
const keyProto = new Uint8Array(SLOTS);
/** Per flow: packets low→high, high→low, bytes low→high, high→low (endpoints ordered by address). */
const counters = new Float64Array(SLOTS * 4);
let flows = 0;
let frames = 0;

/** Counts the frames of buf[start, end) that are whole; returns where the first partial one begins. */
function countRecords(b: Uint8Array, start: number, end: number): number {
  let p = start;
  while (end - p >= 16) {
    const capLen = (b[p + 8] | (b[p + 9] << 8) | (b[p + 10] << 16) | (b[p + 11] << 24)) >>> 0;
    if (end - p < 16 + capLen) break;
    const f = p + 16;
    p = f + capLen;
    frames++;
    if (capLen < 38 || ((b[f + 12] << 8) | b[f + 13]) !== 0x0800) continue;
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
    let s = h & mask;
    for (;;) {
      if (used[s] === 0) {
        if (++flows > MAX_FLOWS) throw new Error(`more than ${MAX_FLOWS} flows: the minimal loop's table is fixed`);
        used[s] = 1;
        keyLo[s] = lo;
        keyHi[s] = hi;
        keyPorts[s] = ports;
        keyProto[s] = proto;
        break;
      }
      if (keyLo[s] === lo && keyHi[s] === hi && keyPorts[s] === ports && keyProto[s] === proto) break;
      s = (s + 1) & mask;
    }
    const dir = swap ? 1 : 0;
    counters[s * 4 + dir]++;
    counters[s * 4 + 2 + dir] += ipLen;
  }
  return p;
}

const fh = await open(path, 'r');
try {
  const bufs = [new Uint8Array(RESERVE + CHUNK), new Uint8Array(RESERVE + CHUNK)];
  let slot = 0;
  let filePos = 0;
  let read = fh.read(bufs[0], RESERVE, CHUNK, 0);
  let cur = bufs[0];
  let start = RESERVE;
  let end = RESERVE;
  let header = true;
  for (;;) {
    const { bytesRead } = await read;
    const next = bufs[slot];
    const rem = end - start;
    if (rem > 0) next.set(cur.subarray(start, end), RESERVE - rem);
    cur = next;
    start = RESERVE - rem;
    end = RESERVE + bytesRead;
    filePos += bytesRead;
    slot ^= 1;
    if (bytesRead > 0) read = fh.read(bufs[slot], RESERVE, CHUNK, filePos);
    if (header) {
      const magic = (cur[start] | (cur[start + 1] << 8) | (cur[start + 2] << 16) | (cur[start + 3] << 24)) >>> 0;
      const link = cur[start + 20] | (cur[start + 21] << 8);
      if (magic !== 0xa1b2c3d4 || link !== 1) throw new Error(`${path}: not a little-endian µs pcap of Ethernet frames`);
      start += 24;
      header = false;
    }
    start = countRecords(cur, start, end);
    if (bytesRead === 0) break;
  }
  if (end > start) throw new Error(`${path}: ${end - start} bytes of a truncated record at the end`);
} finally {
  await fh.close();
}
console.log(`minimal loop: ${frames} frames, ${flows} flows`);
