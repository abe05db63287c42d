// Builds the fleet context shared by replay/flows/demo from --config and --device-subnet options.
import { loadConfig, type FleetConfig } from '../control/config/load-config.js';
import { DeviceDirectory } from '../control/devices/device-directory.js';
import { FleetgateError } from '../core/errors.js';
import { AppCatalog } from '../classify/catalog/index.js';
import type { PipelineOptions } from '../pipeline/worker.js';

export interface FleetSetup {
  config?: FleetConfig;
  devices: DeviceDirectory;
  /** Built-in catalog plus the config's custom application definitions (which win). */
  catalog: AppCatalog;
  operatorId: string;
  gatewayId: string;
  intervalSec: number;
  flowCapacity: number;
}

/** The Pipeline options a fleet setup decides (identity, interval, flow table, devices, catalog, top N). */
export function pipelineFleetOptions(setup: FleetSetup): Pick<PipelineOptions, 'operatorId' | 'gatewayId' | 'intervalUs' | 'flowCapacity' | 'timeouts' | 'devices' | 'catalog' | 'topDestinations'> {
  return {
    operatorId: setup.operatorId,
    gatewayId: setup.gatewayId,
    intervalUs: setup.intervalSec * 1e6,
    flowCapacity: setup.flowCapacity,
    timeouts: setup.config?.flowTable.timeouts,
    devices: setup.devices,
    catalog: setup.catalog,
    topDestinations: setup.config?.gateway.inspection.topDestinations,
  };
}

export function fleetSetup(opts: { config?: string; deviceSubnets?: string[]; intervalSec?: number }): FleetSetup {
  if (opts.config && opts.deviceSubnets?.length) {
    throw new FleetgateError('FG_ERR_USAGE', '--device-subnet cannot be combined with --config (declare gateway.deviceSubnets in the config)');
  }
  if (opts.config) {
    const config = loadConfig(opts.config);
    return {
      config,
      devices: DeviceDirectory.fromConfig(config),
      catalog: AppCatalog.builtin().withCustom(config.applications),
      operatorId: config.operator.id,
      gatewayId: config.gateway.id,
      intervalSec: opts.intervalSec ?? config.gateway.inspection.intervalSeconds,
      flowCapacity: config.flowTable?.capacity ?? 1_000_000,
    };
  }
  const devices = opts.deviceSubnets?.length ? DeviceDirectory.fromSubnets(opts.deviceSubnets) : DeviceDirectory.empty();
  return { devices, catalog: AppCatalog.builtin(), operatorId: 'local', gatewayId: 'local', intervalSec: opts.intervalSec ?? 60, flowCapacity: 1_000_000 };
}

/** Validates the reporting interval (10 s to 1 h) given on the command line. */
export function checkIntervalSec(sec: number): number {
  if (!(sec >= 10 && sec <= 3600)) throw new FleetgateError('FG_ERR_USAGE', `--interval must be between 10s and 1h (got ${sec}s)`);
  return sec;
}
