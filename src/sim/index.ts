// The built-in fleet simulator: real packet bytes for a fleet of IoT devices (see simulator.ts).
export { simulate, LiveSimulator } from './simulator.js';
export { fleetDescription, buildFleet, DEVICE_GROUPS, DEFAULT_DEVICE_SUBNET, type DeviceGroup, type FleetDevice, type FleetDescription } from './fleet.js';
export { SCENARIOS, type ScenarioName, type SimOptions, type SimStats, type ScenarioActor } from './options.js';
export { BLOCKLISTED_DOMAINS, HOSTS, RESOLVER, type SimHost } from './hosts.js';
export type { EmitFn } from './wire.js';
