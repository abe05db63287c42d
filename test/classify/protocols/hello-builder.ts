// Test support (not a test): builds TLS handshake bytes field by field.

export function u16(v: number): number[] {
  return [(v >> 8) & 0xff, v & 0xff];
}
export function u24(v: number): number[] {
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}
export function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}
export function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

export interface HelloSpec {
  version?: number;
  ciphers: number[];
  /** Extensions in wire order (already encoded with ext()). */
  extensions: number[][];
}

/** ClientHello handshake message (type 1 + 3-byte length + body). */
export function clientHello(h: HelloSpec): number[] {
  const exts = h.extensions.flat();
  const body = [
    ...u16(h.version ?? 0x0303), ...new Array<number>(32).fill(0x11), 32, ...new Array<number>(32).fill(0x22),
    ...u16(h.ciphers.length * 2), ...h.ciphers.flatMap(u16), 1, 0, ...u16(exts.length), ...exts,
  ];
  return [1, ...u24(body.length), ...body];
}

export function sniExt(name: string): number[] {
  const n = ascii(name);
  return ext(0, [...u16(n.length + 3), 0, ...u16(n.length), ...n]);
}
export function alpnExt(protos: string[]): number[] {
  const list = protos.flatMap((p) => [p.length, ...ascii(p)]);
  return ext(16, [...u16(list.length), ...list]);
}
export function u16ListExt(type: number, values: number[]): number[] {
  return ext(type, [...u16(values.length * 2), ...values.flatMap(u16)]);
}
export function versionsExt(values: number[]): number[] {
  return ext(43, [values.length * 2, ...values.flatMap(u16)]);
}

/** Wraps handshake bytes in TLS records of at most `max` bytes each. */
export function records(type: number, data: number[], max = 16384): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += max) {
    const part = data.slice(i, i + max);
    out.push(type, 3, 1, ...u16(part.length), ...part);
  }
  return out;
}

/** A DER TLV. */
export function der(tag: number, body: number[]): number[] {
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return [tag, ...len, ...body];
}

/** X.501 Name from [attribute last arc (2.5.4.x), value] pairs, one RDN each. */
export function derName(attrs: [number, string][]): number[] {
  return der(0x30, attrs.flatMap(([arc, v]) => der(0x31, der(0x30, [...der(0x06, [0x55, 0x04, arc]), ...der(0x0c, ascii(v))]))));
}

/** A minimal certificate: just the fields up to the subject, enough for the Name reader. */
export function derCert(issuer: [number, string][], subject: [number, string][]): number[] {
  const tbs = der(0x30, [
    ...der(0xa0, der(0x02, [2])), ...der(0x02, [0x01, 0x02, 0x03]), ...der(0x30, der(0x06, [0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])),
    ...derName(issuer), ...der(0x30, [...der(0x17, ascii('240101000000Z')), ...der(0x17, ascii('250101000000Z'))]),
    ...derName(subject), ...der(0x30, [0x05, 0x00]),
  ]);
  return der(0x30, [...tbs, ...der(0x30, der(0x06, [0x2a])), ...der(0x03, [0, 1, 2])]);
}
