// The symmetric flow hash the kernel steering programs compute (native/src/steer-programs.h): the TUN
// eBPF program picks a queue and the reuseport cBPF program a tunnel socket with it, so both directions
// of a flow (addresses swapped) land on the same worker. Kept here as the reference the tests compare
// the kernel's choices with (and for anyone who needs to know where a flow goes).
//   IPv4: h = src ^ dst (32-bit words read big-endian); IPv6: XOR of the 4 words of each address;
//   h ^= h >>> 16; h ^= h >>> 8; worker = h % n (unsigned). Not IP: 0.

/** The worker of the IP packet at buf[off] (IPv4 or IPv6 header), among n. */
export function flowWorkerOf(buf: Uint8Array, off: number, len: number, n: number): number {
  if (len < 1 || n <= 1) return 0;
  const v = buf[off] >> 4;
  let h = 0;
  if (v === 4 && len >= 20) h = (word(buf, off + 12) ^ word(buf, off + 16)) >>> 0;
  else if (v === 6 && len >= 40) for (let k = 8; k < 40; k += 4) h = (h ^ word(buf, off + k)) >>> 0;
  else return 0;
  return mix(h) % n;
}

/** The worker of an IPv4 address pair (host-order u32, as parseIPv4 returns), among n. */
export function flowWorkerOfIpv4(a: number, b: number, n: number): number {
  return n <= 1 ? 0 : mix((a ^ b) >>> 0) % n;
}

function mix(h: number): number {
  let x = h >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = (x ^ (x >>> 8)) >>> 0;
  return x;
}

function word(b: Uint8Array, o: number): number {
  return ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
}
