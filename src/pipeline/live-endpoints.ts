// Where each device's tunnel ends, learned from the packets it sends (VPG mode): the endpoint's outer
// IPv4 address and UDP source port, the tunnel header it used (VXLAN VNI, GENEVE header with its
// options, GTP-U header with the TEID) and, for Ethernet tunnels, the device's MAC. Return traffic for
// the device is re-encapsulated with that header and sent to that endpoint.
// Keyed by the device's IPv4 address (as a signed 32-bit int, so Map keys stay small integers and
// lookups allocate nothing); IPv6 devices are not re-encapsulated yet. Struct of typed arrays; learning
// compares before copying and allocates only when a device is first seen or the table grows.
// GTP-U: a device with a declared downlink TEID (devices[].downlinkTeid, setDownlinkTeids) gets that
// TEID in the kept header instead of the uplink one it sent with (each end allocates its own TEID).
// The device is found as the directory attributes it: by its declared uplink TEID, else by address.
import type { DeviceDirectory } from '../control/devices/device-directory.js';

/** Longest tunnel header kept (GENEVE: 8 + 252 option bytes). */
export const MAX_TUNNEL_HDR = 264;

export class DeviceEndpoints {
  private cap = 0;
  private readonly slots = new Map<number, number>();
  /** Devices with a known endpoint. */
  get size(): number {
    return this.slots.size;
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
  /** Declared downlink TEIDs by the device's declared uplink TEID, and by its IPv4 key (int32). */
  private downlinkByTeid = new Map<number, number>();
  private downlinkByKey = new Map<number, number>();
  /**
   * Several live workers: when set, the keys of devices whose endpoint was learned or changed here
   * (address, header or MAC; not a source port alone) are appended, for the worker to share them
   * (exportEndpoint) after the batch. adopt() does not append.
   */
  changed: number[] | null = null;

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
      dev = this.slots.size;
      this.slots.set(key, dev);
    }
    if (dev >= this.cap) this.grow(Math.max(dev + 1, this.cap * 2));
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
    if (!same && this.changed !== null) this.changed.push(key);
    this.known[dev] = 1;
    this.addr[dev] = addr;
    this.port[dev] = port;
    this.hdrLen[dev] = hdrLen;
    this.ethernet[dev] = eth;
    for (let i = 0; i < hdrLen; i++) this.hdr[h + i] = buf[hdrOff + i];
    this.sentWord[dev] = word;
    this.dlTeid[dev] = this.downlinkFor(word, key);
    this.patchTeid(dev);
    if (eth === 1) for (let i = 0; i < 6; i++) this.mac[m + i] = buf[macOff + i];
    this.updates++;
    return true;
  }

  /**
   * The endpoint of device key as it was learned (header bytes 4..7 as the device sent them), for
   * another worker's adopt(); null when unknown. Allocates: off the data path.
   */
  exportEndpoint(key: number): { key: number; addr: number; port: number; hdrLen: number; ethernet: boolean; bytes: Uint8Array } | null {
    const dev = this.find(key);
    if (dev < 0 || this.known[dev] !== 1) return null;
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
    return { key, addr: this.addr[dev], port: this.port[dev], hdrLen: hl, ethernet: eth, bytes };
  }

  /** An endpoint another worker learned (exportEndpoint): taken as if learned here, not re-shared. */
  adopt(e: { key: number; addr: number; port: number; hdrLen: number; ethernet: boolean; bytes: Uint8Array }): boolean {
    const c = this.changed;
    this.changed = null;
    try {
      return this.learn(e.key, e.addr, e.port, e.bytes, 0, e.hdrLen, e.ethernet ? e.hdrLen : -1);
    } finally {
      this.changed = c;
    }
  }

  /**
   * The downlink TEIDs of a GTP-U port's devices (IPv4 only), from the directory in force (start and
   * every reload): kept headers are rewritten now; a device whose downlink TEID was removed goes back
   * to the TEID it last sent with. null = none.
   */
  setDownlinkTeids(directory: DeviceDirectory | null): void {
    const byTeid = new Map<number, number>();
    const byKey = new Map<number, number>();
    for (const [idx, teid] of directory?.downlinkTeids() ?? []) {
      const d = directory!.device(idx);
      if (d.teid !== undefined) byTeid.set(d.teid, teid);
      const key = ipv4TextKey(d.ip);
      if (key !== null) byKey.set(key, teid);
    }
    this.downlinkByTeid = byTeid;
    this.downlinkByKey = byKey;
    for (const [key, dev] of this.slots) {
      if (this.hdrLen[dev] < 8) continue;
      this.dlTeid[dev] = this.downlinkFor(this.sentWord[dev], key);
      this.patchTeid(dev);
    }
  }

  /** The declared downlink TEID of the device that sent uplink TEID `teid` from address `key`, 0 = none. */
  private downlinkFor(teid: number, key: number): number {
    if (this.downlinkByTeid.size + this.downlinkByKey.size === 0) return 0;
    return this.downlinkByTeid.get(teid) ?? this.downlinkByKey.get(key) ?? 0;
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
    const known = new Uint8Array(cap);
    known.set(this.known);
    const addr = new Uint32Array(cap);
    addr.set(this.addr);
    const port = new Uint16Array(cap);
    port.set(this.port);
    const hdrLen = new Uint16Array(cap);
    hdrLen.set(this.hdrLen);
    const hdr = new Uint8Array(cap * MAX_TUNNEL_HDR);
    hdr.set(this.hdr);
    const ethernet = new Uint8Array(cap);
    ethernet.set(this.ethernet);
    const mac = new Uint8Array(cap * 6);
    mac.set(this.mac);
    const sentWord = new Uint32Array(cap);
    sentWord.set(this.sentWord);
    const dlTeid = new Uint32Array(cap);
    dlTeid.set(this.dlTeid);
    Object.assign(this, { known, addr, port, hdrLen, hdr, ethernet, mac, sentWord, dlTeid });
    this.cap = Math.max(n, cap);
  }
}

/** IPv4 text → the int32 key used by DeviceEndpoints (as live-gateway's ipv4Key), null for IPv6. */
function ipv4TextKey(ip: string): number | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (!m) return null;
  return (Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4]);
}
