// Symmetric flow hashing: both directions of a flow hash equal, so the flow table and the multi-core
// sharding (which uses these same functions) agree. Murmur3-style mixing with Math.imul, no strings.
//
// Symmetry: the two endpoints (address words, then port) are put in a canonical order - the smaller
// endpoint first - and hashed in one pass with the direction-free fields (proto, version, VLAN,
// tunnel). Both directions therefore feed the same words to the same function.
import type { PacketView } from '../core/packet-view.js';
import { FlowKey, loadFlowKey } from './flow-key.js';

const SEED = 0x9747b28c;

function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** True if endpoint (a, pa) sorts before or equal to (b, pb): address words (as int32), then port. */
function srcFirst(a: Int32Array, b: Int32Array, pa: number, pb: number): boolean {
  if (a[0] !== b[0]) return a[0] < b[0];
  if (a[1] !== b[1]) return a[1] < b[1];
  if (a[2] !== b[2]) return a[2] < b[2];
  if (a[3] !== b[3]) return a[3] < b[3];
  return pa <= pb;
}

/** The direction-free fields: protocol, version, tunnel kind and VLAN fit one word; the tunnel id, when
 *  there is one, a second (most flows have none: one mix fewer per packet). */
function finish(h: number, k: FlowKey): number {
  h = mix(h, k.proto | ((k.version & 0xf) << 8) | ((k.tunnelKind & 0xf) << 12) | ((k.vlan & 0xfff) << 16));
  if (k.tunnelId !== 0) h = mix(h, k.tunnelId);
  return fmix(h);
}

function hashEndpoints(k: FlowKey, sp: number, dp: number): number {
  const fwd = srcFirst(k.src, k.dst, sp, dp);
  const lo = fwd ? k.src : k.dst;
  const hi = fwd ? k.dst : k.src;
  let h = mix(SEED, lo[0]);
  h = mix(h, hi[0]);
  if (k.version === 6) {
    h = mix(h, lo[1]);
    h = mix(h, lo[2]);
    h = mix(h, lo[3]);
    h = mix(h, hi[1]);
    h = mix(h, hi[2]);
    h = mix(h, hi[3]);
  }
  h = mix(h, fwd ? sp | (dp << 16) : dp | (sp << 16));
  return finish(h, k);
}

/**
 * hashFlowKey of an IPv4 key with no VLAN and no tunnel, from its fields (addresses as signed int32):
 * the replay's fast path hashes a plain packet without loading a FlowKey. Same words, same order.
 */
export function hashPlainIpv4(a: number, b: number, pa: number, pb: number, proto: number): number {
  const fwd = a !== b ? a < b : pa <= pb;
  let h = mix(SEED, fwd ? a : b);
  h = mix(h, fwd ? b : a);
  h = mix(h, fwd ? pa | (pb << 16) : pb | (pa << 16));
  return fmix(mix(h, proto | (4 << 8)));
}

/** Symmetric hash of a loaded key (int32). */
export function hashFlowKey(k: FlowKey): number {
  return hashEndpoints(k, k.srcPort, k.dstPort);
}

/** Symmetric hash of the key without ports (u32): every fragment of a datagram gets the same value (int32). */
export function hashFlowKeyNoPorts(k: FlowKey): number {
  return hashEndpoints(k, 0, 0);
}

/** Directional hash of (src, dst, proto, vlan, tunnel, ipId) for the fragment side table (int32). */
export function hashFragmentKey(k: FlowKey, ipId: number): number {
  let h = mix(SEED, k.src[0]);
  h = mix(h, k.src[1]);
  h = mix(h, k.src[2]);
  h = mix(h, k.src[3]);
  h = mix(h, k.dst[0]);
  h = mix(h, k.dst[1]);
  h = mix(h, k.dst[2]);
  h = mix(h, k.dst[3]);
  h = mix(h, ipId);
  return finish(h, k);
}

const scratch = new FlowKey();

function isIp(p: PacketView): boolean {
  return (p.ipVersion === 4 || p.ipVersion === 6) && p.srcAddrOff >= 0 && p.dstAddrOff >= 0;
}

/**
 * The flow table's hash of p: a signed 32-bit integer (0 when p has no IP layer); shard with
 * `h & (n - 1)` or `(h >>> 0) % n`. Signed so it stays unboxed in V8. Symmetric. Non-first fragments hash
 * with ports 0 (they carry none), so they may differ from their flow's hash: shard with shardHash.
 */
export function flowHash(p: PacketView): number {
  if (!isIp(p)) return 0;
  loadFlowKey(p, scratch, !(p.isFragment && p.fragOffset > 0));
  return hashFlowKey(scratch);
}

/**
 * Symmetric hash for sharding flows over workers (int32; 0 without IP): like flowHash but without the
 * ports, so every fragment of a datagram lands on the same shard as its first fragment's flow.
 */
export function shardHash(p: PacketView): number {
  if (!isIp(p)) return 0;
  loadFlowKey(p, scratch, false);
  return hashFlowKeyNoPorts(scratch);
}
