// Where each device's tunnel ends, learned from the packets it sends (VPG mode): the endpoint's outer
// IPv4 address and UDP source port, the tunnel header it used (VXLAN VNI, GENEVE header with its
// options, GTP-U header with the TEID) and, for Ethernet tunnels, the device's MAC. Return traffic for
// the device is re-encapsulated with that header and sent to that endpoint.
// Keyed by the device's IPv4 address (as a signed 32-bit int, so Map keys stay small integers and
// lookups allocate nothing); IPv6 devices are not re-encapsulated yet. Struct of typed arrays; learning
// compares before copying and allocates only when a device is first seen or the table grows.

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
    let same = this.known[dev] === 1 && this.addr[dev] === addr && this.port[dev] === port && this.hdrLen[dev] === hdrLen && this.ethernet[dev] === eth;
    for (let i = 0; same && i < hdrLen; i++) if (this.hdr[h + i] !== buf[hdrOff + i]) same = false;
    for (let i = 0; same && eth === 1 && i < 6; i++) if (this.mac[m + i] !== buf[macOff + i]) same = false;
    if (same) return true;
    this.known[dev] = 1;
    this.addr[dev] = addr;
    this.port[dev] = port;
    this.hdrLen[dev] = hdrLen;
    this.ethernet[dev] = eth;
    for (let i = 0; i < hdrLen; i++) this.hdr[h + i] = buf[hdrOff + i];
    if (eth === 1) for (let i = 0; i < 6; i++) this.mac[m + i] = buf[macOff + i];
    this.updates++;
    return true;
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
    Object.assign(this, { known, addr, port, hdrLen, hdr, ethernet, mac });
    this.cap = Math.max(n, cap);
  }
}
