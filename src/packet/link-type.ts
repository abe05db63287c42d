// pcap link type → first layer to decode.
import { Layer, LinkType, type LayerId } from '../core/layers.js';

/** LINKTYPE_RAW as numbered by OpenBSD-derived captures (DLT 12); same content as 101. */
export const LINKTYPE_RAW_OPENBSD = 12;

/** First layer for a link type, or `Layer.NONE` when the link type is not supported. */
export function linkTypeLayer(linkType: number): LayerId {
  switch (linkType) {
    case LinkType.ETHERNET:
      return Layer.ETHERNET;
    case LinkType.LINUX_SLL:
      return Layer.SLL;
    case LinkType.LINUX_SLL2:
      return Layer.SLL2;
    case LinkType.NULL:
    case LinkType.LOOP:
      return Layer.NULL;
    case LinkType.RAW:
    case LINKTYPE_RAW_OPENBSD:
      return Layer.RAW_IP;
    case LinkType.IPV4:
      return Layer.IPV4;
    case LinkType.IPV6:
      return Layer.IPV6;
    default:
      return Layer.NONE;
  }
}
