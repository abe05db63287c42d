// Just enough DER to read an X.509 certificate's issuer and subject Names (RFC 5280 §4.1) as
// "CN=..., O=..." text in certificate order, the way nDPI prints them. Bounded, never throws.

export interface CertNames { subject: string; issuer: string }

/** Attribute OIDs (2.5.4.x) nDPI prints, by last arc. */
const ATTR: Record<number, string> = { 3: 'CN', 6: 'C', 7: 'L', 8: 'ST', 10: 'O', 11: 'OU' };

const utf8 = new TextDecoder('utf-8', { fatal: false });

interface Tlv { tag: number; start: number; end: number; next: number }

/** Reads one DER TLV header at `o`; null when it runs past `end` or uses an indefinite length. */
function tlv(b: Uint8Array, o: number, end: number, clamp = false): Tlv | null {
  if (o + 2 > end) return null;
  const tag = b[o];
  if ((tag & 0x1f) === 0x1f) return null; // multi-byte tags do not occur in Names
  let len = b[o + 1];
  let p = o + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > end) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p + i];
    p += n;
  }
  if (p + len > end) {
    if (!clamp) return null;
    len = end - p; // outer SEQUENCEs of a certificate still arriving: read what is there
  }
  return { tag, start: p, end: p + len, next: p + len };
}

function stringValue(b: Uint8Array, t: Tlv): string {
  if (t.tag === 0x1e) {
    // BMPString: UCS-2 big endian
    let s = '';
    for (let i = t.start; i + 1 < t.end; i += 2) s += String.fromCharCode((b[i] << 8) | b[i + 1]);
    return s;
  }
  return utf8.decode(b.subarray(t.start, t.end));
}

/** Formats a Name (SEQUENCE OF SET OF AttributeTypeAndValue) at b[t.start..t.end). */
function nameText(b: Uint8Array, t: Tlv): string {
  const parts: string[] = [];
  let p = t.start;
  for (let sets = 0; sets < 256 && p < t.end; sets++) {
    const set = tlv(b, p, t.end);
    if (!set || set.tag !== 0x31) break;
    let q = set.start;
    for (let k = 0; k < 16 && q < set.end; k++) {
      const atv = tlv(b, q, set.end);
      if (!atv || atv.tag !== 0x30) break;
      const oid = tlv(b, atv.start, atv.end);
      if (oid && oid.tag === 0x06) {
        const val = tlv(b, oid.next, atv.end);
        const isX520 = oid.end - oid.start === 3 && b[oid.start] === 0x55 && b[oid.start + 1] === 0x04;
        const key = isX520 ? ATTR[b[oid.start + 2]] : undefined;
        if (val && key !== undefined) parts.push(key + '=' + stringValue(b, val));
      }
      q = atv.next;
    }
    p = set.next;
  }
  return parts.join(', ');
}

/** Reads issuer and subject of the DER certificate in b[off..end); null when it is not one. */
export function certNames(b: Uint8Array, off: number, end: number): CertNames | null {
  if (end > b.length) end = b.length;
  const cert = tlv(b, off, end, true);
  if (!cert || cert.tag !== 0x30) return null;
  const tbs = tlv(b, cert.start, cert.end, true);
  if (!tbs || tbs.tag !== 0x30) return null;
  let f = tlv(b, tbs.start, tbs.end);
  if (f && f.tag === 0xa0) f = tlv(b, f.next, tbs.end); // [0] version
  if (!f || f.tag !== 0x02) return null; // serialNumber
  const sig = tlv(b, f.next, tbs.end);
  if (!sig || sig.tag !== 0x30) return null;
  const issuer = tlv(b, sig.next, tbs.end);
  if (!issuer || issuer.tag !== 0x30) return null;
  const validity = tlv(b, issuer.next, tbs.end);
  if (!validity || validity.tag !== 0x30) return null;
  const subject = tlv(b, validity.next, tbs.end);
  if (!subject || subject.tag !== 0x30) return null;
  return { issuer: nameText(b, issuer), subject: nameText(b, subject) };
}
