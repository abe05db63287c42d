// Where each device's tunnel ends, learned from the packets it sends (VPG mode): the endpoint's outer
// IPv4 address and UDP source port, the tunnel header it used (VXLAN VNI, GENEVE header with its
// options, GTP-U header with the TEID) and, for Ethernet tunnels, the device's MAC. Return traffic for
// the device is re-encapsulated with that header and sent to that endpoint.
// Keyed by the device's address: IPv4 as a signed 32-bit int (Map keys stay small integers, lookups
// allocate nothing), IPv6 in an Ipv6Table (16 bytes hashed in place, no allocation either). Both kinds
// share one struct of typed arrays (a slot per device); learning compares before copying and
// allocates only when a device is first seen or the table grows.
// GTP-U: a device with a declared downlink TEID (devices[].downlinkTeid, setDownlinkTeids) gets that
// TEID in the kept header instead of the uplink one it sent with (each end allocates its own TEID).
// The device is found as the directory attributes it: by its declared uplink TEID, else by address.
import type { DeviceDirectory } from '../control/devices/device-directory.js';
import { parseAddress } from '../control/config/cidr.js';
import { Ipv6Table } from './ipv6-table.js';
import { parseIPv4 } from '../core/ip.js';
import { grownTo } from '../core/typed-grow.js';

/** Longest tunnel header kept (GENEVE: 8 + 252 option bytes). */
export const MAX_TUNNEL_HDR = 264;

export class DeviceEndpoints {
  private cap = 0;
  private count = 0;
  /** Slots by IPv4 key (int32) and by IPv6 address. */
  private readonly slots = new Map<number, number>();
  private readonly slots6 = new Ipv6Table(64);
  /** Devices with a known endpoint. */
  get size(): number {
    return this.count;
  }
  known = new Uint8Array(0);
  addr = new Uint32Array(0);
  port = new Uint16Array(0);
  hdrLen = new Uint16Array(0);
  hdr = new Uint8Array(0);
  /** 1 when the tunnel carries Ethernet frames (VXLAN, GENEVE 0x6558). */
  ethernet = new Uint8Array(0);
  mac = new Uint8Array(0);
  /** Times an endpoint was learned or changed (roaming, new VNI...). */
  updates = 0;
  /** Header bytes 4..7 as the device sent them (GTP-U: its uplink TEID), compared instead of the kept ones. */
  private sentWord = new Uint32Array(0);
  /** Downlink TEID written into the kept GTP-U header (bytes 4..7), 0 = none. */
  private dlTeid = new Uint32Array(0);
  /** 1 when the slot is an IPv6 device: its address is in addr6, else its IPv4 key in key4. */
  private isV6 = new Uint8Array(0);
  private key4 = new Int32Array(0);
  private addr6 = new Uint8Array(0);
  /** Declared downlink TEIDs by the device's declared uplink TEID, by its IPv4 key (int32), by its IPv6 address. */
  private downlinkByTeid = new Map<number, number>();
  private downlinkByKey = new Map<number, number>();
  private downlinkByAddr6 = new Ipv6Table(1);
  /**
   * Several live workers: when set, the keys of IPv4 devices whose endpoint was learned or changed here
   * (address, header or MAC; not a source port alone) are appended, for the worker to share them
   * (exportEndpoint) after the batch; IPv6 devices go to changed6 as slots (exportSlot). adopt() does
   * not append.
   */
  changed: number[] | null = null;
  changed6: number[] | null = null;

  constructor(initial = 1024) {
    this.grow(initial);
  }

  /** The slot of the device whose IPv4 address (int32) is key, or -1. */
  find(key: number): number {
    return this.slots.get(key) ?? -1;
  }

  /**
   * Records (or refreshes) the endpoint of the device with IPv4 address key (int32).
   * hdr = buf[hdrOff, hdrOff + hdrLen); macOff < 0 = not Ethernet.
   */
  learn(key: number, addr: number, port: number, buf: Uint8Array, hdrOff: number, hdrLen: number, macOff: number): boolean {
    if (hdrLen > MAX_TUNNEL_HDR || hdrLen < 0) return false;
    let dev = this.slots.get(key) ?? -1;
    if (dev < 0) {
      dev = this.newSlot();
      this.slots.set(key, dev);
      this.key4[dev] = key;
    }
    return this.update(dev, addr, port, buf, hdrOff, hdrLen, macOff);
  }

  /** The slot of the device whose IPv6 address is at a[aOff, aOff + 16), or -1. */
  find6(a: Uint8Array, aOff: number): number {
    return this.slots6.get(a, aOff);
  }

  /** learn() for the device whose IPv6 address is at a[aOff, aOff + 16). */
  learn6(a: Uint8Array, aOff: number, addr: number, port: number, buf: Uint8Array, hdrOff: number, hdrLen: number, macOff: number): boolean {
    if (hdrLen > MAX_TUNNEL_HDR || hdrLen < 0) return false;
    let dev = this.slots6.get(a, aOff);
    if (dev < 0) {
      dev = this.newSlot();
      this.slots6.set(a, aOff, dev);
      this.isV6[dev] = 1;
      for (let i = 0; i < 16; i++) this.addr6[dev * 16 + i] = a[aOff + i];
    }
    return this.update(dev, addr, port, buf, hdrOff, hdrLen, macOff);
  }

  private newSlot(): number {
    const dev = this.count++;
    if (dev >= this.cap) this.grow(Math.max(dev + 1, this.cap * 2));
    return dev;
  }

  private update(dev: number, addr: number, port: number, buf: Uint8Array, hdrOff: number, hdrLen: number, macOff: number): boolean {
    const h = dev * MAX_TUNNEL_HDR;
    const m = dev * 6;
    const eth = macOff >= 0 ? 1 : 0;
    let same = this.known[dev] === 1 && this.addr[dev] === addr && this.hdrLen[dev] === hdrLen && this.ethernet[dev] === eth;
    // bytes 4..7 may hold the downlink TEID: compare them with what the device last sent
    const word = hdrLen >= 8 ? ((buf[hdrOff + 4] << 24) | (buf[hdrOff + 5] << 16) | (buf[hdrOff + 6] << 8) | buf[hdrOff + 7]) >>> 0 : 0;
    if (same && hdrLen >= 8 && this.sentWord[dev] !== word) same = false;
    for (let i = 0; same && i < hdrLen; i++) if ((i < 4 || i > 7) && this.hdr[h + i] !== buf[hdrOff + i]) same = false;
    for (let i = 0; same && eth === 1 && i < 6; i++) if (this.mac[m + i] !== buf[macOff + i]) same = false;
    if (same && this.port[dev] === port) return true;
    if (!same) {
      if (this.isV6[dev] === 1) this.changed6?.push(dev);
      else this.changed?.push(this.key4[dev]);
    }
    this.known[dev] = 1;
    this.addr[dev] = addr;
    this.port[dev] = port;
    this.hdrLen[dev] = hdrLen;
    this.ethernet[dev] = eth;
    for (let i = 0; i < hdrLen; i++) this.hdr[h + i] = buf[hdrOff + i];
    this.sentWord[dev] = word;
    this.dlTeid[dev] = this.downlinkFor(word, dev);
    this.patchTeid(dev);
    if (eth === 1) for (let i = 0; i < 6; i++) this.mac[m + i] = buf[macOff + i];
    this.updates++;
    return true;
  }

  /**
   * The endpoint of device key as it was learned (header bytes 4..7 as the device sent them), for
   * another worker's adopt(); null when unknown. Allocates: off the data path.
   */
  exportEndpoint(key: number): SharedEndpointData | null {
    return this.exportSlot(this.find(key));
  }

  /** exportEndpoint() by slot (IPv6 devices: the slots in changed6); IPv6 ones carry their address in ip6. */
  exportSlot(dev: number): SharedEndpointData | null {
    if (dev < 0 || dev >= this.count || this.known[dev] !== 1) return null;
    const hl = this.hdrLen[dev];
    const eth = this.ethernet[dev] === 1;
    const bytes = new Uint8Array(hl + (eth ? 6 : 0));
    bytes.set(this.hdr.subarray(dev * MAX_TUNNEL_HDR, dev * MAX_TUNNEL_HDR + hl));
    if (hl >= 8) {
      const w = this.sentWord[dev];
      bytes[4] = w >>> 24;
      bytes[5] = (w >>> 16) & 0xff;
      bytes[6] = (w >>> 8) & 0xff;
      bytes[7] = w & 0xff;
    }
    if (eth) bytes.set(this.mac.subarray(dev * 6, dev * 6 + 6), hl);
    const e: SharedEndpointData = { key: this.key4[dev], addr: this.addr[dev], port: this.port[dev], hdrLen: hl, ethernet: eth, bytes };
    if (this.isV6[dev] === 1) {
      e.key = 0;
      e.ip6 = this.addr6.slice(dev * 16, dev * 16 + 16);
    }
    return e;
  }

  /** An endpoint another worker learned (exportEndpoint): taken as if learned here, not re-shared. */
  adopt(e: SharedEndpointData): boolean {
    const c = this.changed;
    const c6 = this.changed6;
    this.changed = null;
    this.changed6 = null;
    try {
      const macOff = e.ethernet ? e.hdrLen : -1;
      if (e.ip6 !== undefined) return e.ip6.length === 16 && this.learn6(e.ip6, 0, e.addr, e.port, e.bytes, 0, e.hdrLen, macOff);
      return this.learn(e.key, e.addr, e.port, e.bytes, 0, e.hdrLen, macOff);
    } finally {
      this.changed = c;
      this.changed6 = c6;
    }
  }

  /**
   * The downlink TEIDs of a GTP-U port's devices, from the directory in force (start and
   * every reload): kept headers are rewritten now; a device whose downlink TEID was removed goes back
   * to the TEID it last sent with. null = none.
   */
  setDownlinkTeids(directory: DeviceDirectory | null): void {
    const byTeid = new Map<number, number>();
    const byKey = new Map<number, number>();
    const byAddr6 = new Ipv6Table(1);
    for (const [idx, teid] of directory?.downlinkTeids() ?? []) {
      const d = directory!.device(idx);
      if (d.teid !== undefined) byTeid.set(d.teid, teid);
      const key = ipv4TextKey(d.ip);
      if (key !== null) byKey.set(key, teid);
      else {
        const a6 = parseAddress(d.ip);
        if (a6 !== null && a6.length === 16) byAddr6.set(a6, 0, teid);
      }
    }
    this.downlinkByTeid = byTeid;
    this.downlinkByKey = byKey;
    this.downlinkByAddr6 = byAddr6;
    for (let dev = 0; dev < this.count; dev++) {
      if (this.hdrLen[dev] < 8) continue;
      this.dlTeid[dev] = this.downlinkFor(this.sentWord[dev], dev);
      this.patchTeid(dev);
    }
  }

  /** The declared downlink TEID of the device in slot dev that sent uplink TEID `teid`, 0 = none. */
  private downlinkFor(teid: number, dev: number): number {
    if (this.downlinkByTeid.size + this.downlinkByKey.size + this.downlinkByAddr6.size === 0) return 0;
    const t = this.downlinkByTeid.get(teid);
    if (t !== undefined) return t;
    if (this.isV6[dev] === 1) return Math.max(0, this.downlinkByAddr6.get(this.addr6, dev * 16));
    return this.downlinkByKey.get(this.key4[dev]) ?? 0;
  }

  /** The TEID downlink G-PDUs to this device slot carry (the declared one, else the one it sent). */
  teidOf(dev: number): number {
    return this.dlTeid[dev] !== 0 ? this.dlTeid[dev] : this.sentWord[dev];
  }

  private patchTeid(dev: number): void {
    if (this.known[dev] !== 1 || this.hdrLen[dev] < 8) return;
    const t = this.teidOf(dev);
    const h = dev * MAX_TUNNEL_HDR + 4;
    this.hdr[h] = t >>> 24;
    this.hdr[h + 1] = (t >>> 16) & 0xff;
    this.hdr[h + 2] = (t >>> 8) & 0xff;
    this.hdr[h + 3] = t & 0xff;
  }

  private grow(cap: number): void {
    const n = this.cap;
    this.known = grownTo(this.known, cap);
    this.addr = grownTo(this.addr, cap);
    this.port = grownTo(this.port, cap);
    this.hdrLen = grownTo(this.hdrLen, cap);
    this.hdr = grownTo(this.hdr, cap * MAX_TUNNEL_HDR);
    this.ethernet = grownTo(this.ethernet, cap);
    this.mac = grownTo(this.mac, cap * 6);
    this.sentWord = grownTo(this.sentWord, cap);
    this.dlTeid = grownTo(this.dlTeid, cap);
    this.isV6 = grownTo(this.isV6, cap);
    this.key4 = grownTo(this.key4, cap);
    this.addr6 = grownTo(this.addr6, cap * 16);
    this.cap = Math.max(n, cap);
  }
}

/** IPv4 text → the int32 key used by DeviceEndpoints (as live-gateway's ipv4Key), null for IPv6. */
function ipv4TextKey(ip: string): number | null {
  const v = parseIPv4(ip);
  return v < 0 ? null : v | 0;
}

/** An endpoint as one live worker exports it for another (sent as live-workers/messages.ts SharedEndpoint). */
export interface SharedEndpointData {
  /** IPv4 key (int32); 0 for an IPv6 device. */
  key: number;
  /** The IPv6 device's address (16 bytes); absent for IPv4 devices. */
  ip6?: Uint8Array;
  addr: number;
  port: number;
  hdrLen: number;
  ethernet: boolean;
  bytes: Uint8Array;
}
