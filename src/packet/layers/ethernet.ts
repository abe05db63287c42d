// Ethernet II: dst(6) src(6) type(2). A type field <= 1500 is an IEEE 802.3 length (LLC frame): not decoded.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import { etherTypeLayer, MAX_8023_LENGTH } from '../ethertype.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const ETHERNET_HDR_LEN = 14;

function decodeEthernet(p: PacketView, off: number, end: number): LayerId {
  if (end - off < ETHERNET_HDR_LEN) {
    p.addEvent(Ev.ETHERNET_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const t = (b[off + 12] << 8) | b[off + 13];
  p.ethType = t;
  if (t <= MAX_8023_LENGTH) {
    p.addEvent(Ev.ETHERNET_LLC_UNSUPPORTED);
    return Layer.NONE;
  }
  p.nextOff = off + ETHERNET_HDR_LEN;
  p.nextEnd = end;
  return etherTypeLayer(t);
}

export const ethernetDecoder: LayerDecoder = { id: Layer.ETHERNET, decode: decodeEthernet };
