// Entering a tunnel: push the outer packet's L3/L4 facts onto the tunnel stack, then clear L3/L4 so the
// inner packet is what gets decoded and inspected.
import { MAX_TUNNELS, type PacketView } from '../core/packet-view.js';
import type { TunnelKindId } from '../core/layers.js';
import { Ev } from './events.js';

/**
 * Pushes one tunnel entry (outer L3 = the current `p.l3Off`/`p.ipVersion`) and clears L3/L4.
 * Returns false, with `decoder.tunnel.too_deep` recorded and the view untouched, when the stack is full.
 */
export function enterTunnel(
  p: PacketView,
  kind: TunnelKindId,
  id: number,
  hdrOff: number,
  hdrLen: number,
  srcPort: number,
  dstPort: number,
): boolean {
  const d = p.tunnelDepth;
  if (d >= MAX_TUNNELS) {
    p.addEvent(Ev.TUNNEL_TOO_DEEP);
    return false;
  }
  p.tunnelKind[d] = kind;
  p.tunnelId[d] = id;
  p.tunnelOuterL3Off[d] = p.l3Off;
  p.tunnelOuterIpVersion[d] = p.ipVersion;
  p.tunnelHdrOff[d] = hdrOff;
  p.tunnelHdrLen[d] = hdrLen;
  p.tunnelSrcPort[d] = srcPort;
  p.tunnelDstPort[d] = dstPort;
  p.tunnelDepth = d + 1;
  p.clearL3();
  return true;
}
