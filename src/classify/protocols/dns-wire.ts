// DNS wire format (RFC 1035): header, names with compression pointers, questions and answers.
// Reads untrusted bytes: every read is bounded by the buffer, pointer chains are bounded, never throws.
import { formatIPv4, formatIPv6 } from '../../core/ip.js';

/** Longest name we build (RFC 1035 limit is 255 octets on the wire). */
const MAX_NAME_LEN = 255;
/** Compression pointers followed per name before giving up (stops pointer loops). */
const MAX_POINTER_JUMPS = 16;
/** Labels read per name (127 is the most a 255-octet name can hold). */
const MAX_LABELS = 128;
/** Records we decode per section; the rest are skipped (metadata only needs the first few). */
const MAX_RECORDS = 32;

export interface DnsQuestion { rrname: string; rrtype: string; rrclass: number }
export interface DnsAnswer { rrname: string; rrtype: string; ttl: number; rdata: string }

export interface DnsMessage {
  id: number;
  /** true for a response (QR bit). */
  qr: boolean;
  opcode: number;
  rcode: number;
  /** Raw 16-bit flags word. */
  flags: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
  queries: DnsQuestion[];
  answers: DnsAnswer[];
}

const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 10: 'NULL', 12: 'PTR', 13: 'HINFO', 15: 'MX', 16: 'TXT',
  17: 'RP', 18: 'AFSDB', 24: 'SIG', 25: 'KEY', 28: 'AAAA', 29: 'LOC', 33: 'SRV', 35: 'NAPTR', 37: 'CERT',
  39: 'DNAME', 41: 'OPT', 43: 'DS', 44: 'SSHFP', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 50: 'NSEC3',
  51: 'NSEC3PARAM', 52: 'TLSA', 59: 'CDS', 60: 'CDNSKEY', 64: 'SVCB', 65: 'HTTPS', 99: 'SPF',
  249: 'TKEY', 250: 'TSIG', 251: 'IXFR', 252: 'AXFR', 255: 'ANY', 256: 'URI', 257: 'CAA',
};

const RCODE_NAMES = [
  'NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET',
  'NXRRSET', 'NOTAUTH', 'NOTZONE',
];

export function dnsTypeName(t: number): string {
  return TYPE_NAMES[t] ?? 'TYPE' + t;
}

export function dnsRcodeName(r: number): string {
  return RCODE_NAMES[r] ?? 'RCODE' + r;
}

/** Result of reading a name: the text and the offset just past the name where it started. */
interface NameRead { name: string; next: number }

/**
 * Reads a (possibly compressed) name at `off`; `base` is where the DNS message starts (pointers are
 * relative to it). Returns null when the name is malformed, loops, or runs past `end`.
 */
export function readDnsName(b: Uint8Array, base: number, off: number, end: number): NameRead | null {
  let pos = off;
  let next = -1;
  let jumps = 0;
  let name = '';
  let wireLen = 0;
  for (let labels = 0; labels < MAX_LABELS; labels++) {
    if (pos >= end) return null;
    const len = b[pos];
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: name === '' ? '<root>' : name, next };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= end) return null;
      if (++jumps > MAX_POINTER_JUMPS) return null;
      const target = base + (((len & 0x3f) << 8) | b[pos + 1]);
      if (next < 0) next = pos + 2;
      // A pointer must point backwards (RFC 1035 prior occurrence): no loops possible.
      if (target >= pos || target >= end) return null;
      pos = target;
      continue;
    }
    if (kind !== 0) return null; // 0x40 / 0x80: extended label types, obsolete
    if (pos + 1 + len > end) return null;
    wireLen += len + 1;
    if (wireLen > MAX_NAME_LEN) return null;
    if (name !== '') name += '.';
    for (let i = pos + 1; i <= pos + len; i++) {
      const c = b[i];
      name += c > 0x20 && c < 0x7f ? String.fromCharCode(c) : '\\x' + (c < 16 ? '0' : '') + c.toString(16);
    }
    pos += 1 + len;
  }
  return null;
}

function rdataText(b: Uint8Array, base: number, type: number, off: number, len: number, end: number): string {
  if (type === 1 && len === 4) return formatIPv4(b, off);
  if (type === 28 && len === 16) return formatIPv6(b, off);
  if (type === 5 || type === 12 || type === 2 || type === 39) {
    const n = readDnsName(b, base, off, off + len <= end ? off + len : end);
    return n ? n.name : '';
  }
  if (type === 15 && len >= 3) {
    const n = readDnsName(b, base, off + 2, off + len <= end ? off + len : end);
    return n ? n.name : '';
  }
  return '';
}

/**
 * Parses the DNS message that starts at `off` and ends at `end` (default: end of `data`).
 * Returns null when the header or a question/answer is malformed. Authority and additional records
 * are counted, not decoded.
 */
export function parseDnsMessage(data: Uint8Array, off: number, end: number = data.length): DnsMessage | null {
  if (end > data.length) end = data.length;
  if (off < 0 || off + 12 > end) return null;
  const b = data;
  const flags = (b[off + 2] << 8) | b[off + 3];
  const msg: DnsMessage = {
    id: (b[off] << 8) | b[off + 1],
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    rcode: flags & 0xf,
    flags,
    qdcount: (b[off + 4] << 8) | b[off + 5],
    ancount: (b[off + 6] << 8) | b[off + 7],
    nscount: (b[off + 8] << 8) | b[off + 9],
    arcount: (b[off + 10] << 8) | b[off + 11],
    queries: [],
    answers: [],
  };
  let pos = off + 12;
  const qd = msg.qdcount < MAX_RECORDS ? msg.qdcount : MAX_RECORDS;
  for (let i = 0; i < qd; i++) {
    const n = readDnsName(b, off, pos, end);
    if (!n || n.next + 4 > end) return null;
    pos = n.next;
    msg.queries.push({ rrname: n.name, rrtype: dnsTypeName((b[pos] << 8) | b[pos + 1]), rrclass: (b[pos + 2] << 8) | b[pos + 3] });
    pos += 4;
  }
  if (msg.qdcount > MAX_RECORDS) return msg; // cannot find the answers without walking all questions
  const an = msg.ancount < MAX_RECORDS ? msg.ancount : MAX_RECORDS;
  for (let i = 0; i < an; i++) {
    const n = readDnsName(b, off, pos, end);
    if (!n || n.next + 10 > end) return null;
    pos = n.next;
    const type = (b[pos] << 8) | b[pos + 1];
    const ttl = ((b[pos + 4] << 24) | (b[pos + 5] << 16) | (b[pos + 6] << 8) | b[pos + 7]) >>> 0;
    const rdlen = (b[pos + 8] << 8) | b[pos + 9];
    pos += 10;
    if (pos + rdlen > end) return null;
    msg.answers.push({ rrname: n.name, rrtype: dnsTypeName(type), ttl, rdata: rdataText(b, off, type, pos, rdlen, end) });
    pos += rdlen;
  }
  return msg;
}
