// Sums the counters of the live workers for the status line and the final summary. Every worker runs
// the same config, so mirror peers line up by index (peer k of every worker is the same peer).
import type { PortCounters } from '../../io/ports/port.js';
import type { LiveGatewayCounters } from '../live-gateway.js';
import type { JunctionCounters, JunctionStatus } from '../live-junction.js';
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
    redirection: null,
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
