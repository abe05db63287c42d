// Facts about the captured frame that decoders need to tell a malformed length from a short capture.
import type { PacketView } from '../core/packet-view.js';
import { Ev } from './events.js';

/**
 * True when the capture kept fewer bytes than were on the wire (snap length). A length field that
 * points past the captured bytes is then expected, not malformed.
 */
export function captureIsShort(p: PacketView): boolean {
  return p.frameEnd - p.frameOff < p.wireLen;
}

/**
 * True when a length field pointing past the available bytes is already explained: by a snap length,
 * or by an outer IP header whose length was already reported as past the frame. Keeps one cut frame
 * from raising one event per layer. Called only on the (rare) shortfall path.
 */
export function shortfallExplained(p: PacketView): boolean {
  return captureIsShort(p) || p.hasEvent(Ev.IPV4_TRUNC_PKT) || p.hasEvent(Ev.IPV6_TRUNC_PKT);
}
