// Writes simulated frames (Ethernet + IPv4 + TCP/UDP, correct checksums) into one reused scratch buffer
// and hands them to the caller's emit. Captured at the gateway: device side MAC ↔ gateway MAC.
import { writeEthernetSimple, EtherType } from '../packet/build/ethernet.js';
import { writeIpv4Simple } from '../packet/build/ipv4.js';
import { writeTcpSimple, setTcpChecksum } from '../packet/build/tcp.js';
import { writeUdp, setUdpChecksum } from '../packet/build/udp.js';
import { IpProto } from '../core/layers.js';
import type { Rng } from './prng.js';

export type EmitFn = (buf: Uint8Array, off: number, len: number, tsUs: number) => void;

export const GATEWAY_MAC = Uint8Array.of(0x02, 0xfe, 0x00, 0x00, 0x00, 0x01);
export const MSS = 1380;
const ETH = 14;
const IP = 20;
const FILL_MASK = 0xffff;

/** The per-device state the wire needs. */
export interface WireDevice {
  ip: number;
  mac: Uint8Array;
  ipId: number;
}

/** A remote endpoint as seen from the gateway. */
export interface WireHost {
  ip: number;
  ttl: number;
}

export class Wire {
  readonly buf = new Uint8Array(2048);
  /** Pseudo-random bytes for bulk bodies (encrypted records, firmware images). */
  readonly fill: Uint8Array;
  packets = 0;
  bytes = 0;
  firstTsUs = -1;
  lastTsUs = 0;
  private srvId = 1;

  constructor(
    /** Where frames go; LiveSimulator points it at each batch's callback. */
    public emit: EmitFn,
    rng: Rng,
  ) {
    this.fill = rng.bytes(FILL_MASK + 1);
  }

  private l2l3(dev: WireDevice, h: WireHost, fromDev: boolean, proto: number, l4Len: number): void {
    const b = this.buf;
    if (fromDev) {
      writeEthernetSimple(b, 0, GATEWAY_MAC, dev.mac, EtherType.IPV4);
      dev.ipId = (dev.ipId + 1) & 0xffff;
      writeIpv4Simple(b, ETH, dev.ip, h.ip, proto, l4Len, dev.ipId, 64, proto === IpProto.TCP);
    } else {
      writeEthernetSimple(b, 0, dev.mac, GATEWAY_MAC, EtherType.IPV4);
      this.srvId = (this.srvId + 7919) & 0xffff;
      writeIpv4Simple(b, ETH, h.ip, dev.ip, proto, l4Len, this.srvId, h.ttl, proto === IpProto.TCP);
    }
  }

  private out(len: number, t: number): void {
    this.packets++;
    this.bytes += len;
    if (this.firstTsUs < 0) this.firstTsUs = t;
    this.lastTsUs = t;
    this.emit(this.buf, 0, len, t);
  }

  /**
   * One TCP segment. Its payload is bytes [msgOff, msgOff+len) of a message whose first head.length bytes
   * are `head` and the rest pseudo-random filler (offset by fillSeed). `opts` are SYN options (or null).
   */
  tcp(
    dev: WireDevice, h: WireHost, fromDev: boolean, devPort: number, hostPort: number, seq: number, ack: number, flags: number,
    window: number, opts: Uint8Array | null, head: Uint8Array | null, msgOff: number, len: number, fillSeed: number, t: number,
  ): void {
    const b = this.buf;
    const optLen = opts === null ? 0 : opts.length;
    const hl = 20 + optLen;
    this.l2l3(dev, h, fromDev, IpProto.TCP, hl + len);
    const l4 = ETH + IP;
    if (fromDev) writeTcpSimple(b, l4, devPort, hostPort, seq, ack, flags, window, hl);
    else writeTcpSimple(b, l4, hostPort, devPort, seq, ack, flags, window, hl);
    for (let i = 0; i < optLen; i++) b[l4 + 20 + i] = opts![i];
    let o = l4 + hl;
    const headLen = head === null ? 0 : head.length;
    const end = msgOff + len;
    let i = msgOff;
    for (; i < end && i < headLen; i++) b[o++] = head![i];
    const fill = this.fill;
    for (; i < end; i++) b[o++] = fill[(i + fillSeed) & FILL_MASK];
    setTcpChecksum(b, ETH, l4, hl + len);
    this.out(o, t);
  }

  /** One UDP datagram carrying `payload`. */
  udp(dev: WireDevice, h: WireHost, fromDev: boolean, devPort: number, hostPort: number, payload: Uint8Array, t: number): void {
    const b = this.buf;
    const len = payload.length;
    this.l2l3(dev, h, fromDev, IpProto.UDP, 8 + len);
    const l4 = ETH + IP;
    if (fromDev) writeUdp(b, l4, devPort, hostPort, len);
    else writeUdp(b, l4, hostPort, devPort, len);
    b.set(payload, l4 + 8);
    setUdpChecksum(b, ETH, l4, 8 + len);
    this.out(l4 + 8 + len, t);
  }
}
