// Frame decoding: reset the view, pick the first layer from the link type, then run layer decoders from
// the dispatch table until one returns Layer.NONE. Allocation-free and bounded.
import { Layer } from '../core/layers.js';
import type { FrameBatch } from '../core/frame-batch.js';
import type { PacketView } from '../core/packet-view.js';
import { buildDecoderTable } from './dispatch-table.js';
import { Ev } from './events.js';
import { LAYER_DECODERS } from './index.js';
import { linkTypeLayer } from './link-type.js';
import { ethernetDecoder } from './layers/ethernet.js';
import { ipv4Decoder } from './layers/ipv4.js';
import { ipv6Decoder } from './layers/ipv6.js';
import { tcpDecoder } from './layers/tcp.js';
import { udpDecoder } from './layers/udp.js';

export { srcAddrV4, dstAddrV4 } from './addr.js';

const DECODERS = buildDecoderTable(LAYER_DECODERS);
// The layers of nearly every frame, called directly: a call site that always sees one function can be
// inlined, where the table's call site sees them all. The table still handles every layer.
const decodeEthernet = ethernetDecoder.decode;
const decodeIpv4 = ipv4Decoder.decode;
const decodeIpv6 = ipv6Decoder.decode;
const decodeTcp = tcpDecoder.decode;
const decodeUdp = udpDecoder.decode;

/**
 * Hard bound on decoder steps per frame. Legitimate stacks are bounded already (VLAN tags and tunnel
 * depth are capped); this is the backstop that makes an endless layer cycle impossible.
 */
export const MAX_LAYER_STEPS = 64;

/**
 * Decodes the frame at buf[off, off + capLen) into `p` (which is reset first). Never throws on frame
 * contents: problems are recorded as events on `p`. A capLen reaching past the buffer is clamped.
 */
export function decodeFrame(
  p: PacketView,
  buf: Uint8Array,
  off: number,
  capLen: number,
  wireLen: number,
  tsUs: number,
  linkType: number,
  ifIndex = 0,
): void {
  let cap = capLen;
  if (off + cap > buf.length) cap = buf.length - off;
  if (cap < 0 || off < 0) cap = 0;
  p.reset(buf, off, cap, wireLen, tsUs, linkType);
  p.ifIndex = ifIndex;
  let layer = linkTypeLayer(linkType);
  if (layer === Layer.NONE) {
    p.addEvent(Ev.LINK_UNSUPPORTED);
    return;
  }
  let o = off;
  let e = off + cap;
  for (let step = 0; step < MAX_LAYER_STEPS; step++) {
    if (layer === Layer.ETHERNET) layer = decodeEthernet(p, o, e);
    else if (layer === Layer.IPV4) layer = decodeIpv4(p, o, e);
    else if (layer === Layer.TCP) layer = decodeTcp(p, o, e);
    else if (layer === Layer.UDP) layer = decodeUdp(p, o, e);
    else if (layer === Layer.IPV6) layer = decodeIpv6(p, o, e);
    else layer = DECODERS[layer].decode(p, o, e);
    if (layer === Layer.NONE) return;
    o = p.nextOff;
    e = p.nextEnd;
  }
  p.addEvent(Ev.FRAME_TOO_MANY_LAYERS);
}

/** Decodes frame `i` of a batch into `p`. */
export function decodeBatchFrame(p: PacketView, batch: FrameBatch, i: number): void {
  decodeFrame(p, batch.buf, batch.off[i], batch.capLen[i], batch.wireLen[i], batch.tsUs[i], batch.linkType[i], batch.ifIndex[i]);
}
