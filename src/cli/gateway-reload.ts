// What a `fleetgate gateway` reload (SIGHUP or the config file watch) cannot apply while running, for
// its reload line; shared by the one-thread and --workers paths.
import { loadConfig, type FleetConfig } from '../control/config/load-config.js';
import type { GatewayOutputs } from './gateway-outputs.js';

/**
 * What needs a restart in a new config (the rest is applied): the ports and the gateway id, and EVE
 * records for outputs added by the reload when no output took them at start (they are not built).
 */
export function restartNeeded(old: FleetConfig | undefined, cfg: FleetConfig, outputs: GatewayOutputs, eveAtStart: boolean): string[] {
  const out = (['ports', 'id'] as const).filter((k) => JSON.stringify(old?.gateway[k]) !== JSON.stringify(cfg.gateway[k])).map((k) => `gateway.${k}`);
  if (!eveAtStart && outputs.wants('eve')) out.push('EVE records for the new outputs (no output took them at start)');
  return out;
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
