// Sums the counters of the live workers for the status line and the final summary. Every worker runs
// the same config, so mirror peers line up by index (peer k of every worker is the same peer), and so
// do redirection peers: their counters are summed, their health (state, rtt, probes) is the probing
// worker's (PeerStatus.prober), and the active peer follows from the merged health.
import type { PortCounters } from '../../io/ports/port.js';
import type { LiveGatewayCounters } from '../live-gateway.js';
import type { JunctionCounters, JunctionStatus } from '../live-junction.js';
import type { PeerStatus, RedirectionStatus } from '../../actions/redirect/redirector.js';
import type { PipelineStats } from '../worker.js';
import type { LiveWorkerSnapshot } from './messages.js';

export interface MergedLiveSnapshot {
  workers: number;
  stats: PipelineStats;
  flowsCreated: number;
  reports: number;
  port: PortCounters;
  /** The network TUN port, summed over the workers' queues (vpg / routed with two TUNs). */
  network?: PortCounters;
  /** Frames each worker received from its devices port (+ network port): how the kernel spread the flows. */
  perWorkerFrames: number[];
  /** Device endpoints the workers took from each other (VPG). */
  endpointsAdopted: number;
  counters: LiveGatewayCounters;
  junction: JunctionStatus;
}

/** Adds every numeric field of b into a (same keys). */
function addInto<T extends object>(a: T, b: T): T {
  const x = a as Record<string, unknown>;
  for (const [k, v] of Object.entries(b)) if (typeof v === 'number') x[k] = ((x[k] as number | undefined) ?? 0) + v;
  return a;
}

export function mergeSnapshots(snaps: readonly LiveWorkerSnapshot[]): MergedLiveSnapshot {
  const first = snaps[0];
  const junction: JunctionStatus = {
    counters: { ...first.gateway.junction.counters } as JunctionCounters,
    mirroring: first.gateway.junction.mirroring.map((m) => ({ ...m })),
    mirrorProblems: [...first.gateway.junction.mirrorProblems],
    redirection: mergeRedirection(snaps.map((s) => s.gateway.junction.redirection)),
  };
  const out: MergedLiveSnapshot = {
    workers: snaps.length,
    stats: { ...first.stats },
    flowsCreated: first.flowsCreated,
    reports: first.reports,
    port: { ...first.port },
    network: first.network ? { ...first.network } : undefined,
    perWorkerFrames: snaps.map((s) => s.port.rxFrames + (s.network?.rxFrames ?? 0)),
    endpointsAdopted: first.endpointsAdopted ?? 0,
    counters: { ...first.gateway.counters },
    junction,
  };
  for (let w = 1; w < snaps.length; w++) {
    const s = snaps[w];
    addInto(out.stats, s.stats);
    out.flowsCreated += s.flowsCreated;
    out.reports += s.reports;
    addInto(out.port, s.port);
    if (out.network && s.network) addInto(out.network, s.network);
    out.endpointsAdopted += s.endpointsAdopted ?? 0;
    addInto(out.counters, s.gateway.counters);
    addInto(junction.counters, s.gateway.junction.counters);
    const peers = s.gateway.junction.mirroring;
    for (let k = 0; k < peers.length && k < junction.mirroring.length; k++) {
      const m = junction.mirroring[k];
      const connected = m.connected && peers[k].connected;
      const err = m.transportError ?? peers[k].transportError;
      addInto(m, peers[k]);
      m.connected = connected;
      m.transportError = err;
    }
    for (const p of s.gateway.junction.mirrorProblems) if (!junction.mirrorProblems.includes(p)) junction.mirrorProblems.push(p);
  }
  return out;
}

/** Per-peer counters summed over the workers (the health fields come from the prober). */
const SUMMED = ['packets', 'bytes', 'repinned', 'queueDrops', 'returnedPackets', 'returnedBytes', 'sendErrors'] as const;

/**
 * The workers' redirection status as one: counters summed, each peer's health from the worker that
 * probes it (worker 0's when nobody does), switches as the most any worker counted (every worker
 * switches with the same relayed health), active peer by the Redirector's rule on the merged health.
 * null when no worker has redirection (or when they disagree on the peers, mid-reload: worker 0's then).
 */
export function mergeRedirection(list: ReadonlyArray<RedirectionStatus | null>): RedirectionStatus | null {
  const first = list[0];
  if (!first) return null;
  const all = list.filter((r): r is RedirectionStatus => r !== null && r.peers.length === first.peers.length);
  const peers = first.peers.map((p0, k): PeerStatus => {
    const prober = p0.prober !== undefined && p0.prober >= 0 && p0.prober < list.length ? list[p0.prober] : null;
    const own = prober && prober.peers.length > k && prober.peers[k].address === p0.address ? prober.peers[k] : p0;
    const out: PeerStatus = { ...own };
    for (const key of SUMMED) out[key] = 0;
    out.switches = 0;
    for (const r of all) {
      const p = r.peers[k];
      for (const key of SUMMED) out[key] += p[key];
      out.switches = Math.max(out.switches, p.switches);
      if (out.innerMac === null && p.innerMac !== null) out.innerMac = p.innerMac;
    }
    return out;
  });
  const standby = peers.length > 1 ? peers[1] : null;
  return {
    enabled: first.enabled,
    active: peers[0].healthy || standby === null || !standby.healthy ? 'primary' : 'standby',
    returnedInvalid: all.reduce((n, r) => n + r.returnedInvalid, 0),
    peers,
  };
}
