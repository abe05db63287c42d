// Raw IP link types (LINKTYPE_RAW 101 and 12): no link header, the version nibble picks IPv4 or IPv6.
import { Layer, type LayerId } from '../../core/layers.js';
import type { PacketView } from '../../core/packet-view.js';
import { Ev } from '../events.js';
import type { LayerDecoder } from '../layer-decoder.js';

function decodeRawIp(p: PacketView, off: number, end: number): LayerId {
  if (end - off < 1) {
    p.addEvent(Ev.RAW_TRUNCATED);
    return Layer.NONE;
  }
  p.nextOff = off;
  p.nextEnd = end;
  const v = p.buf[off] >> 4;
  if (v === 4) return Layer.IPV4;
  if (v === 6) return Layer.IPV6;
  p.addEvent(Ev.RAW_BAD_VERSION);
  return Layer.NONE;
}

export const rawIpDecoder: LayerDecoder = { id: Layer.RAW_IP, decode: decodeRawIp };
