// Which worker owns a packet: shards are by DEVICE, so all of a device's flows, its DNS cache and its
// Inspection accumulators live in one worker and reports need no merging. Both directions of a flow
// have the same device, so the split is symmetric. Packets with no device side (nothing declared and
// both addresses public) shard by the lower of their two addresses, which is symmetric too.
import type { PacketView } from '../core/packet-view.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';

export function shardOf(p: PacketView, devices: DeviceDirectory, shards: number): number {
  const v = p.ipVersion;
  if (v !== 4 && v !== 6) return 0; // non-IP frames: shard 0 counts them
  return shardOfAddresses(p.buf, p.srcAddrOff, p.dstAddrOff, v, devices, shards);
}

/** shardOf for a packet whose addresses (IP version v) are at b[srcOff] and b[dstOff]. */
export function shardOfAddresses(b: Uint8Array, srcOff: number, dstOff: number, v: 4 | 6, devices: DeviceDirectory, shards: number): number {
  if (shards <= 1) return 0;
  const len = v === 4 ? 4 : 16;
  let off: number;
  const side = devices.deviceSide(b, srcOff, dstOff, v);
  if (side === 0) off = srcOff;
  else if (side === 1) off = dstOff;
  else off = compare(b, srcOff, dstOff, len) <= 0 ? srcOff : dstOff;
  // FNV-1a over the address bytes
  let h = 0x811c9dc5;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ b[off + i], 0x01000193);
  return (h >>> 0) % shards;
}

function compare(b: Uint8Array, x: number, y: number, len: number): number {
  for (let i = 0; i < len; i++) if (b[x + i] !== b[y + i]) return b[x + i] - b[y + i];
  return 0;
}
