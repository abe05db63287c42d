// `fleetgate gateway --workers N`: a reload that changes gateway.ports restarts the worker pool on the
// new ports inside the same process. Workers cannot move: each one's socket belongs to a SO_REUSEPORT
// group whose steering program worker 0 attached, and each holds one queue of each TUN. So the running
// pool is stopped cleanly (every flow ended, its last reports and flows emitted through the same
// callbacks: nothing lost, nothing counted twice) and a new pool starts on the new ports.
// Order, so that a port that cannot open leaves the old ports running:
// - bump mode on both sides with another address:port, no redirection: the new pool starts first (its
//   bind fails harmlessly when the port is taken), then the old one stops; no moment without a port;
// - otherwise (same UDP port with another tunnel kind, TUN ports, the redirection return port: the new
//   pool would collide with the running one): the old pool stops first; if the new one cannot start, a pool starts again on the
//   running ports, and the reload line says why the ports change was refused.
import type { FleetConfig } from '../control/config/load-config.js';
import type { LiveWorkers } from '../pipeline/live-workers/live-workers.js';
import type { MergedLiveSnapshot } from '../pipeline/live-workers/merge.js';
import { withPorts } from './gateway-reload.js';

export interface PoolSwitch {
  /** The pool running after the reload (the old one when the change was refused before stopping it). */
  lw: LiveWorkers;
  /** The config in force: cfg, or cfg with the running ports when the change was refused. */
  config: FleetConfig;
  /** The reload line's words about the ports. */
  line: string;
  /** The stopped pool's last counters (the caller carries them on), or null when it was not stopped. */
  retired: MergedLiveSnapshot | null;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * True when the pools on a and b can run side by side a moment: bump mode, different UDP sockets, and
 * no redirection (its return port is one SO_REUSEPORT group whose socket k must be worker k's).
 */
function canOverlap(a: FleetConfig, b: FleetConfig): boolean {
  const pa = a.gateway.ports;
  const pb = b.gateway.ports;
  if (!pa || !pb || pa.network || pb.network || pa.devices.kind === 'tun' || pb.devices.kind === 'tun') return false;
  if (a.gateway.junction?.redirection?.enabled || b.gateway.junction?.redirection?.enabled) return false;
  if (pa.devices.kind === 'pcap' || pb.devices.kind === 'pcap') return false;
  return pa.devices.address !== pb.devices.address || pa.devices.port !== pb.devices.port;
}

/**
 * Moves the workers onto cfg's ports: `check` refuses configs --workers cannot run (throws, nothing
 * stopped), `start` starts a pool on a config. Throws only when neither the new nor the running ports
 * could be started again (the caller stops the gateway).
 */
export async function switchWorkerPorts(lw: LiveWorkers, old: FleetConfig, cfg: FleetConfig, check: (c: FleetConfig) => void, start: (c: FleetConfig) => Promise<LiveWorkers>): Promise<PoolSwitch> {
  const before = describe(lw);
  const kept = withPorts(cfg, old.gateway.ports);
  try {
    check(cfg);
  } catch (e) {
    return { lw, config: kept, line: `ports change refused, the running ports stay (${before}): ${reason(e)}`, retired: null };
  }
  if (canOverlap(old, cfg)) {
    let next: LiveWorkers;
    try {
      next = await start(cfg);
    } catch (e) {
      return { lw, config: kept, line: `ports change refused, the running ports stay (${before}): ${reason(e)}`, retired: null };
    }
    const retired = await lw.stop();
    return { lw: next, config: cfg, line: `${reopened(lw, next)} (worker pool restarted, the new one started first)`, retired };
  }
  const retired = await lw.stop();
  try {
    const next = await start(cfg);
    return { lw: next, config: cfg, line: `${reopened(lw, next)} (worker pool restarted)`, retired };
  } catch (e) {
    const again = await start(kept);
    return { lw: again, config: kept, line: `ports change refused, the running ports stay (${before}; worker pool restarted on them): ${reason(e)}`, retired };
  }
}

/** 'ports reopened: devices vxlan 127.0.0.1:4789 → geneve 127.0.0.1:6081', naming what changed. */
function reopened(a: LiveWorkers, b: LiveWorkers): string {
  const words: string[] = [];
  if (a.labels[0] !== b.labels[0]) words.push(`devices ${a.labels[0]} → ${b.labels[0]}`);
  if (a.networkLabel !== b.networkLabel) words.push(`network ${a.networkLabel ?? 'none'} → ${b.networkLabel ?? 'none'}`);
  return `ports reopened: ${words.length > 0 ? words.join(', ') : `devices ${b.labels[0]}`}`;
}

function describe(lw: LiveWorkers): string {
  return `devices ${lw.labels[0]}${lw.networkLabel ? `, network ${lw.networkLabel}` : ''}`;
}
