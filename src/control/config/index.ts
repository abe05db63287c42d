// Fleet config: load a YAML file into a checked FleetConfig (docs/config.md).
export { loadConfig, parseConfig, parseConfigObject } from './load-config.js';
export { ConfigProblem, ConfigProblems } from './config-errors.js';
export { parseCidr, parseAddress, cidrContains, formatBytes } from './cidr.js';
export type { Cidr, CidrParse } from './cidr.js';
export { CONFIG_DEFAULTS } from './types.js';
export type {
  FleetConfig,
  OperatorConfig,
  GatewayConfig,
  InspectionConfig,
  GroupConfig,
  DeviceConfig,
  FlowTableConfig,
  FlowTimeoutsConfig,
  CustomAppDef,
} from './types.js';
