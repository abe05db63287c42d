// Linux cooked capture v1 (LINKTYPE_LINUX_SLL 113): packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2).
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import { etherTypeLayer, MAX_8023_LENGTH } from '../ethertype.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const SLL_HDR_LEN = 16;

function decodeSll(p: PacketView, off: number, end: number): LayerId {
  if (end - off < SLL_HDR_LEN) {
    p.addEvent(Ev.SLL_TRUNCATED);
    return Layer.NONE;
  }
  const b = p.buf;
  const t = (b[off + 14] << 8) | b[off + 15];
  p.ethType = t;
  // Small values are Linux pseudo-protocols (ETH_P_802_3, ETH_P_802_2, ...): raw LLC frames.
  if (t <= MAX_8023_LENGTH) {
    p.addEvent(Ev.SLL_LLC_UNSUPPORTED);
    return Layer.NONE;
  }
  p.nextOff = off + SLL_HDR_LEN;
  p.nextEnd = end;
  return etherTypeLayer(t);
}

export const sllDecoder: LayerDecoder = { id: Layer.SLL, decode: decodeSll };
