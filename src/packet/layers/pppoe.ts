// PPPoE session stage (RFC 2516): ver/type(1) code(1) session(2) length(2), then the PPP protocol
// field (2): 0x0021 IPv4, 0x0057 IPv6. Discovery packets and other PPP protocols (LCP, IPCP) stop here.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

const HDR_LEN = 8; // PPPoE header + PPP protocol field

function decodePppoe(p: PacketView, off: number, end: number): LayerId {
  if (end - off < HDR_LEN) {
    p.addEvent(Ev.PPPOE_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  // version 1, type 1, code 0 (session data)
  if (b[off] !== 0x11 || b[off + 1] !== 0) {
    p.addEvent(Ev.PPPOE_UNSUPPORTED);
    return Layer.NONE;
  }
  const payloadLen = (b[off + 4] << 8) | b[off + 5];
  const proto = (b[off + 6] << 8) | b[off + 7];
  p.nextOff = off + HDR_LEN;
  // the PPPoE length covers the PPP protocol field and its payload; never trust it past the frame
  const claimedEnd = off + 6 + payloadLen;
  p.nextEnd = claimedEnd < end && claimedEnd >= p.nextOff ? claimedEnd : end;
  if (proto === 0x0021) return Layer.IPV4;
  if (proto === 0x0057) return Layer.IPV6;
  return Layer.NONE;
}

export const pppoeDecoder: LayerDecoder = { id: Layer.PPPOE, decode: decodePppoe };
