// Per-device DNS cache: remembers, from the DNS responses a device receives, which name it asked for
// to reach an address, so a later flow from that device to that address (which may carry no name,
// e.g. MQTT over TCP or TLS without SNI) can still be named.
//
// - The name kept is the QUERY name the device asked for (`api.vendor.com`), not the end of a CNAME
//   chain (`d111.cloudfront.net`): the query says which service the device wanted; the CDN name says
//   only who hosts it. A/AAAA answers count when their owner name is the query name or a name reached
//   from it through the response's CNAMEs.
// - Time is packet time in µs (replays are deterministic). TTLs are clamped to [60 s, 1 day]: very
//   short TTLs would forget names of long-lived connections' addresses, huge ones would never expire.
// - Memory is bounded: at most `maxEntries` in total and `maxPerDevice` per device; when full, the
//   entry learned (or re-learned) longest ago is dropped, per device or overall.
// - Device -1 (a flow attributed to no device) uses one shared gateway-wide cache.
// - When one address is learned under two names, the most recent wins.
//
// Keys: IPv4 as its u32 value (0 .. 2^32-1); IPv6 as a negative 52-bit hash of its 16 bytes (the
// entry keeps the bytes, so a lookup verifies them). Lookups allocate nothing.
import { parseAddress } from '../control/config/cidr.js';

export interface DnsAnswerLike {
  rrname: string;
  rrtype: string;
  ttl: number;
  rdata: string;
}

export interface DnsCacheOptions {
  /** Total entries over all devices (default 200000). */
  maxEntries?: number;
  /** Entries per device (default 4096). */
  maxPerDevice?: number;
  /** TTL clamp in seconds (defaults 60 and 86400). */
  minTtlSeconds?: number;
  maxTtlSeconds?: number;
}

/** A CNAME chain followed further than this is ignored (responses hold at most a few). */
const MAX_CHAIN = 16;

class Entry {
  prev: Entry | null = null;
  next: Entry | null = null;
  constructor(
    readonly device: number,
    readonly key: number,
    /** The 16 address bytes of an IPv6 entry (null for IPv4). */
    readonly v6: Uint8Array | null,
    public name: string,
    public expiresUs: number,
  ) {}
}

export class DnsCache {
  private readonly devices = new Map<number, Map<number, Entry>>();
  /** Every entry, oldest learned first (a doubly linked list: O(1) refresh and eviction). */
  private head: Entry | null = null;
  private tail: Entry | null = null;
  private count = 0;
  private readonly maxEntries: number;
  private readonly maxPerDevice: number;
  private readonly minTtlUs: number;
  private readonly maxTtlUs: number;

  constructor(opts: DnsCacheOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 200_000);
    this.maxPerDevice = Math.max(1, opts.maxPerDevice ?? 4096);
    this.minTtlUs = (opts.minTtlSeconds ?? 60) * 1e6;
    this.maxTtlUs = (opts.maxTtlSeconds ?? 86_400) * 1e6;
  }

  /** Entries held now (expired ones included until they are looked up or evicted). */
  get size(): number {
    return this.count;
  }

  /**
   * Learns the A/AAAA answers of one DNS response for `device` (-1 = no device). `answers` as made by
   * parseDnsMessage; `queryName` is the question's name.
   */
  learn(device: number, answers: readonly DnsAnswerLike[], queryName: string, nowUs: number): void {
    const name = cleanName(queryName);
    if (name === '' || answers.length === 0) return;
    const chain = chainNames(name, answers);
    const dev = device < 0 ? -1 : device;
    for (const a of answers) {
      if (a.rrtype !== 'A' && a.rrtype !== 'AAAA') continue;
      if (!chain.includes(cleanName(a.rrname))) continue;
      const bytes = parseAddress(a.rdata);
      if (!bytes || bytes.length !== (a.rrtype === 'A' ? 4 : 16)) continue;
      const ttlUs = Math.min(this.maxTtlUs, Math.max(this.minTtlUs, (Number.isFinite(a.ttl) ? a.ttl : 0) * 1e6));
      this.put(dev, bytes, name, nowUs + ttlUs);
    }
  }

  /** The name `device` resolved for the 4 or 16 address bytes at addr[off], if still valid. */
  lookup(device: number, addr: Uint8Array, off: number, ipVersion: 4 | 6, nowUs: number): string | null {
    const map = this.devices.get(device < 0 ? -1 : device);
    if (!map) return null;
    const key = ipVersion === 4 ? v4Key(addr, off) : v6Key(addr, off);
    const e = map.get(key);
    if (!e) return null;
    if (ipVersion === 6 && !sameV6(e.v6, addr, off)) return null;
    if (e.expiresUs <= nowUs) {
      this.remove(e, map);
      return null;
    }
    return e.name;
  }

  /** Forgets everything a device learned (e.g. the device was removed). */
  /** Forgets everything (device numbering changed under the cache). */
  clear(): void {
    this.devices.clear();
    this.head = null;
    this.tail = null;
    this.count = 0;
  }

  forgetDevice(device: number): void {
    const map = this.devices.get(device < 0 ? -1 : device);
    if (!map) return;
    for (const e of map.values()) this.unlink(e);
    this.count -= map.size;
    this.devices.delete(device < 0 ? -1 : device);
  }

  private put(device: number, bytes: Uint8Array, name: string, expiresUs: number): void {
    const v6 = bytes.length === 16;
    const key = v6 ? v6Key(bytes, 0) : v4Key(bytes, 0);
    let map = this.devices.get(device);
    if (!map) {
      map = new Map();
      this.devices.set(device, map);
    }
    const old = map.get(key);
    if (old) {
      // same address (or, for IPv6, a hash collision: the newer address replaces the older)
      this.remove(old, map);
      if (map.size === 0) this.devices.set(device, map); // remove() dropped the emptied map
    }
    const e = new Entry(device, key, v6 ? bytes : null, name, expiresUs);
    map.set(key, e);
    this.append(e);
    this.count++;
    if (map.size > this.maxPerDevice) {
      // the device's oldest entry: its Map keeps insertion order, and refreshes re-insert
      const first = map.values().next().value as Entry;
      this.remove(first, map);
    }
    while (this.count > this.maxEntries && this.head) {
      const h = this.head;
      this.remove(h, this.devices.get(h.device) as Map<number, Entry>);
    }
  }

  private remove(e: Entry, map: Map<number, Entry>): void {
    map.delete(e.key);
    this.unlink(e);
    this.count--;
    if (map.size === 0) this.devices.delete(e.device);
  }

  private append(e: Entry): void {
    e.prev = this.tail;
    e.next = null;
    if (this.tail) this.tail.next = e;
    else this.head = e;
    this.tail = e;
  }

  private unlink(e: Entry): void {
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    else this.tail = e.prev;
    e.prev = null;
    e.next = null;
  }
}

function cleanName(n: string): string {
  if (n === '<root>') return '';
  return (n.endsWith('.') ? n.slice(0, -1) : n).toLowerCase();
}

/** The query name and every name reached from it through the answers' CNAMEs (bounded). */
function chainNames(query: string, answers: readonly DnsAnswerLike[]): string[] {
  const names = [query];
  for (let round = 0; round < MAX_CHAIN; round++) {
    let grew = false;
    for (const a of answers) {
      if (a.rrtype !== 'CNAME' || names.length > MAX_CHAIN) continue;
      const target = cleanName(a.rdata);
      if (target !== '' && names.includes(cleanName(a.rrname)) && !names.includes(target)) {
        names.push(target);
        grew = true;
      }
    }
    if (!grew) break;
  }
  return names;
}

function v4Key(b: Uint8Array, off: number): number {
  return ((b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3]) >>> 0;
}

/** Negative, so IPv6 keys never meet IPv4 keys: -(1 + 52-bit hash) from two 32-bit FNV-1a hashes. */
function v6Key(b: Uint8Array, off: number): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < 16; i++) {
    const c = b[off + i];
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return -(1 + (h1 >>> 0) * 0x100000 + ((h2 >>> 0) & 0xfffff));
}

function sameV6(v6: Uint8Array | null, b: Uint8Array, off: number): boolean {
  if (!v6) return false;
  for (let i = 0; i < 16; i++) if (v6[i] !== b[off + i]) return false;
  return true;
}
