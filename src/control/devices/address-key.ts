// Map keys for device addresses, computed once per new flow: IPv4 as a u32 number, IPv6 as 32 hex chars.

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push(i.toString(16).padStart(2, '0'));

export function v4Key(buf: Uint8Array, off: number): number {
  return ((buf[off] << 24) | (buf[off + 1] << 16) | (buf[off + 2] << 8) | buf[off + 3]) >>> 0;
}

export function v6Key(buf: Uint8Array, off: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) s += HEX[buf[off + i]];
  return s;
}

/** RFC 1918, RFC 6598 shared space (100.64/10) and link-local 169.254/16. */
export function isPrivateV4(buf: Uint8Array, off: number): boolean {
  const a = buf[off];
  const b = buf[off + 1];
  return a === 10 || (a === 172 && (b & 0xf0) === 16) || (a === 192 && b === 168) || (a === 100 && (b & 0xc0) === 64) || (a === 169 && b === 254);
}

/** Unique local fc00::/7 and link-local fe80::/10. */
export function isPrivateV6(buf: Uint8Array, off: number): boolean {
  const a = buf[off];
  return (a & 0xfe) === 0xfc || (a === 0xfe && (buf[off + 1] & 0xc0) === 0x80);
}
