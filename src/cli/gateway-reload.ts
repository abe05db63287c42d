// Pieces of a `fleetgate gateway` reload (SIGHUP or the config file watch) shared by the one-thread and
// --workers paths: reading the file, the refusal line, what the reload line says about ids and what
// still needs a restart.
import { loadConfig, type FleetConfig } from '../control/config/load-config.js';
import type { GatewayOutputs } from './gateway-outputs.js';

/**
 * What a reload cannot apply (everything else is, ports and ids included): EVE records for outputs
 * added by the reload when no output took them at start (they are not built).
 */
export function restartNeeded(outputs: GatewayOutputs, eveAtStart: boolean): string[] {
  return !eveAtStart && outputs.wants('eve') ? ['EVE records for the new outputs (no output took them at start)'] : [];
}

/** The reload line's part about a new gateway.id / operator.id ('' when neither changed). */
export function describeIdsChange(old: FleetConfig | undefined, cfg: FleetConfig): string {
  const parts: string[] = [];
  if (old && old.gateway.id !== cfg.gateway.id) parts.push(`gateway id ${old.gateway.id} → ${cfg.gateway.id}`);
  if (old && old.operator.id !== cfg.operator.id) parts.push(`operator id ${old.operator.id} → ${cfg.operator.id}`);
  return parts.length > 0 ? `; ${parts.join(', ')} (the records from now on, open report intervals too)` : '';
}

/** The config with gateway.ports replaced (a refused ports change: the running ports stay in force). */
export function withPorts(cfg: FleetConfig, ports: FleetConfig['gateway']['ports']): FleetConfig {
  return { ...cfg, gateway: { ...cfg.gateway, ports } };
}

/** The reload line's tail naming what needs a restart ('' when nothing does). */
export function restartSuffix(needed: readonly string[]): string {
  return needed.length > 0 ? `; restart to apply: ${needed.join(', ')}` : '';
}

/** Says a reload is refused and why; the running config stays. */
export function refuseReload(why: string): void {
  console.error(`fleetgate gateway: reload refused, the running config stays: ${why}`);
}

/** The config file read and checked for a reload, or null (refused, with the problem printed). */
export function readReloadConfig(path: string): FleetConfig | null {
  try {
    return loadConfig(path);
  } catch (e) {
    refuseReload(e instanceof Error ? e.message : String(e));
    return null;
  }
}
