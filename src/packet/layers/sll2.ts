// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2 276): protocol(2) reserved(2) ifindex(4) ARPHRD(2)
// packet type(1) addr len(1) addr(8).
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import { etherTypeLayer, MAX_8023_LENGTH } from '../ethertype.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const SLL2_HDR_LEN = 20;

function decodeSll2(p: PacketView, off: number, end: number): LayerId {
  if (end - off < SLL2_HDR_LEN) {
    p.addEvent(Ev.SLL2_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const t = (b[off] << 8) | b[off + 1];
  p.ethType = t;
  if (t <= MAX_8023_LENGTH) {
    p.addEvent(Ev.SLL_LLC_UNSUPPORTED);
    return Layer.NONE;
  }
  p.nextOff = off + SLL2_HDR_LEN;
  p.nextEnd = end;
  return etherTypeLayer(t);
}

export const sll2Decoder: LayerDecoder = { id: Layer.SLL2, decode: decodeSll2 };
