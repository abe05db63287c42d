// One reused view over a frame: decoders write offsets and fields here, nothing is allocated per packet.
// All offsets are absolute indexes into `buf` (which may be a large chunk holding many frames).

export const MAX_VLANS = 2;
export const MAX_TUNNELS = 4;
export const MAX_EVENTS = 8;

export class PacketView {
  buf: Uint8Array = new Uint8Array(0);
  /** Frame start and end (start + captured length) inside buf. */
  frameOff = 0;
  frameEnd = 0;
  /** Length on the wire (may exceed the captured length). */
  wireLen = 0;
  /** Capture time, microseconds since the UNIX epoch. */
  tsUs = 0;
  linkType = 1;
  /** Index of the capture interface (pcapng) or port. */
  ifIndex = 0;

  // L2
  ethType = 0;
  vlanCount = 0;
  readonly vlanIds = new Uint16Array(MAX_VLANS);

  // L3: the innermost (inspected) IP header.
  ipVersion = 0; // 0 = none, 4 or 6
  l3Off = -1;
  /** IP header length including IPv6 extension headers. */
  l3HdrLen = 0;
  /** Total IP length claimed by the header (IPv4 total length, IPv6 payload length + 40). */
  ipLen = 0;
  srcAddrOff = -1; // 4 bytes (IPv4) or 16 bytes (IPv6) at this offset
  dstAddrOff = -1;
  ttl = 0;
  tos = 0;
  /** Upper-layer protocol number after extension headers. */
  ipProto = 0;
  isFragment = false;
  /** Fragment offset in bytes (0 for the first fragment). */
  fragOffset = 0;
  moreFragments = false;
  /** IPv4 identification (16 bit) or IPv6 fragment identification (32 bit). */
  ipId = 0;

  // L4
  l4Off = -1;
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  icmpType = 0;
  icmpCode = 0;
  payloadOff = 0;
  payloadLen = 0;

  // Tunnel stack: entry i describes the i-th encapsulation, outermost first.
  tunnelDepth = 0;
  readonly tunnelKind = new Uint8Array(MAX_TUNNELS);
  /** VNI (VXLAN/GENEVE), TEID (GTP-U) or key (GRE; 0 when absent). */
  readonly tunnelId = new Uint32Array(MAX_TUNNELS);
  /** Offset of the outer IP header that carried this tunnel. */
  readonly tunnelOuterL3Off = new Int32Array(MAX_TUNNELS);
  readonly tunnelOuterIpVersion = new Uint8Array(MAX_TUNNELS);
  /** Offset of the tunnel header itself (VXLAN/GENEVE/GTP-U/GRE header start). */
  readonly tunnelHdrOff = new Int32Array(MAX_TUNNELS);
  readonly tunnelHdrLen = new Int32Array(MAX_TUNNELS);
  /** Outer UDP ports (0 for GRE/IPIP). */
  readonly tunnelSrcPort = new Uint16Array(MAX_TUNNELS);
  readonly tunnelDstPort = new Uint16Array(MAX_TUNNELS);

  /**
   * Decoder cursor: a decoder that returns a next layer writes where that layer starts (nextOff) and
   * where the bytes it may use end (nextEnd, e.g. bounded by the IP total length so padding is never payload).
   */
  nextOff = 0;
  nextEnd = 0;

  // Decoder events (ids from packet/events.ts); overflow is counted but not stored.
  eventCount = 0;
  readonly events = new Uint16Array(MAX_EVENTS);

  // Filled by later stages.
  flowIdx = -1;
  /** 0 = same direction as the flow's first packet, 1 = reverse. */
  flowDir = 0;
  flowIsNew = false;
  deviceIdx = -1;

  /** Prepares the view for a new frame. Typed arrays are not cleared: counts say what is valid. */
  reset(buf: Uint8Array, frameOff: number, capLen: number, wireLen: number, tsUs: number, linkType: number): void {
    this.buf = buf;
    this.frameOff = frameOff;
    this.frameEnd = frameOff + capLen;
    this.wireLen = wireLen;
    this.tsUs = tsUs;
    this.linkType = linkType;
    this.nextOff = frameOff;
    this.nextEnd = frameOff + capLen;
    this.ethType = 0;
    this.vlanCount = 0;
    this.clearL3();
    this.tunnelDepth = 0;
    this.eventCount = 0;
    this.flowIdx = -1;
    this.flowDir = 0;
    this.flowIsNew = false;
    this.deviceIdx = -1;
  }

  /** Clears L3/L4 fields; called at reset and when a tunnel is entered (the inner packet replaces them). */
  clearL3(): void {
    this.ipVersion = 0;
    this.l3Off = -1;
    this.l3HdrLen = 0;
    this.ipLen = 0;
    this.srcAddrOff = -1;
    this.dstAddrOff = -1;
    this.ttl = 0;
    this.tos = 0;
    this.ipProto = 0;
    this.isFragment = false;
    this.fragOffset = 0;
    this.moreFragments = false;
    this.ipId = 0;
    this.l4Off = -1;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWindow = 0;
    this.icmpType = 0;
    this.icmpCode = 0;
    this.payloadOff = 0;
    this.payloadLen = 0;
  }

  addEvent(id: number): void {
    if (this.eventCount < MAX_EVENTS) this.events[this.eventCount] = id;
    this.eventCount++;
  }

  hasEvent(id: number): boolean {
    const n = this.eventCount < MAX_EVENTS ? this.eventCount : MAX_EVENTS;
    for (let i = 0; i < n; i++) if (this.events[i] === id) return true;
    return false;
  }
}
