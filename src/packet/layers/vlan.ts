// 802.1Q / 802.1ad tag: TCI(2) type(2). Stacked tags (QinQ) decode one per call; the first MAX_VLANS
// ids are recorded outermost first, all tags are counted, and a stack deeper than MAX_VLAN_TAGS stops.
import { Layer, type LayerId } from '../../core/layers.js';
import { MAX_VLANS, type PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import { etherTypeLayer, MAX_8023_LENGTH } from '../ethertype.js';
import type { LayerDecoder } from '../layer-decoder.js';

export const VLAN_TAG_LEN = 4;
/** More stacked tags than this (whole frame, inner frames of tunnels included) is treated as malformed. */
export const MAX_VLAN_TAGS = 8;

function decodeVlan(p: PacketView, off: number, end: number): LayerId {
  if (end - off < VLAN_TAG_LEN) {
    p.addEvent(Ev.VLAN_TRUNCATED);
    return Layer.NONE;
  }
  if (p.vlanCount >= MAX_VLAN_TAGS) {
    p.addEvent(Ev.VLAN_TOO_MANY);
    return Layer.NONE;
  }
  const b = p.buf;
  if (p.vlanCount < MAX_VLANS) p.vlanIds[p.vlanCount] = ((b[off] << 8) | b[off + 1]) & 0x0fff;
  p.vlanCount++;
  const t = (b[off + 2] << 8) | b[off + 3];
  p.ethType = t;
  if (t <= MAX_8023_LENGTH) {
    p.addEvent(Ev.ETHERNET_LLC_UNSUPPORTED);
    return Layer.NONE;
  }
  p.nextOff = off + VLAN_TAG_LEN;
  p.nextEnd = end;
  return etherTypeLayer(t);
}

export const vlanDecoder: LayerDecoder = { id: Layer.VLAN, decode: decodeVlan };
