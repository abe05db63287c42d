// The `fleetgate gateway` status line and stop summary's Junction part: mirror peers and redirection,
// compact (one line of JSON). One thread passes its junction's status; several workers pass the merged
// one (counters summed, each peer's health from its prober, which then also names the `prober`).
import type { JunctionStatus } from '../pipeline/live-junction.js';

export function junctionStatusLine(j: JunctionStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (j.mirroring.length > 0) {
    out.mirroring = j.mirroring.map((m) => ({
      peer: `${m.address} (${m.protocol})`, connected: m.connected, sent: m.sent, dropped: m.dropped, truncated: m.truncated, filtered: m.filtered, errors: m.errors,
      ...(m.protocol === 'vxlan' && { segmented: m.segmented }),
    }));
  }
  const r = j.redirection;
  if (r) {
    out.redirection = {
      active: r.active,
      redirected: j.counters.redirected,
      returned: j.counters.returned,
      drops: j.counters.redirectDrops + j.counters.returnedDropped,
      peers: r.peers.map((p) => ({
        role: p.role, address: p.address, state: p.state, healthy: p.healthy, rttMs: Math.round(p.rttMs * 10) / 10, packets: p.packets,
        returned: p.returnedPackets, probesSent: p.probesSent, probesLost: p.probesLost, switches: p.switches, repinned: p.repinned,
        ...(p.prober !== undefined && { prober: p.prober }),
      })),
    };
  }
  return out;
}
