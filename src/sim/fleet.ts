// The simulated fleet: devices (IMSI, IP, name, group), and fleetDescription() in the fleet-config shape.
import { ConfigError } from '../core/errors.js';
import { parseIPv4 } from '../core/ip.js';
import type { SimOptions } from './options.js';

export type DeviceGroup = 'meters' | 'cameras' | 'sensors' | 'routers';
export const DEVICE_GROUPS: readonly DeviceGroup[] = ['meters', 'cameras', 'sensors', 'routers'];

// Fixed mix (4 meters, 2 cameras, 3 sensors, 1 router per 10): the fleet depends only on count and subnet.
const GROUP_PATTERN: readonly DeviceGroup[] = ['meters', 'cameras', 'sensors', 'meters', 'sensors', 'routers', 'meters', 'cameras', 'sensors', 'meters'];
const NAME_PREFIX: Record<DeviceGroup, string> = { meters: 'meter', cameras: 'camera', sensors: 'sensor', routers: 'router' };

export const DEFAULT_DEVICE_SUBNET = '10.128.0.0/16';
export const DEFAULT_DEVICES = 50;

export interface FleetDevice {
  idx: number;
  imsi: string;
  ip: number; // u32
  ipText: string;
  name: string;
  group: DeviceGroup;
}

export interface FleetDescription {
  operator: { id: string };
  gateway: { id: string; deviceSubnets: string[] };
  devices: { imsi: string; ip: string; name: string; group: DeviceGroup }[];
}

/** Parses "a.b.c.d/len" into network (u32) and prefix length. */
export function parseSubnet(cidr: string): { net: number; bits: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  const ip = m ? parseIPv4(m[1]) : -1;
  const bits = m ? Number(m[2]) : -1;
  if (!m || ip < 0 || bits < 8 || bits > 30) throw new ConfigError('deviceSubnet', `expected an IPv4 CIDR between /8 and /30, got '${cidr}'`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { net: (ip & mask) >>> 0, bits };
}

function ipText(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Devices take host addresses from .2 upwards (.1 is the gateway). */
export function buildFleet(opts: SimOptions): FleetDevice[] {
  const n = opts.devices ?? DEFAULT_DEVICES;
  const subnet = opts.deviceSubnet ?? DEFAULT_DEVICE_SUBNET;
  const { net, bits } = parseSubnet(subnet);
  const hosts = 2 ** (32 - bits) - 3; // minus network, gateway, broadcast
  if (!Number.isInteger(n) || n < 1 || n > hosts) throw new ConfigError('devices', `must be 1..${hosts} for ${subnet}, got ${n}`);
  if (n > 9_999_999_999) throw new ConfigError('devices', 'too many devices for 10-digit IMSI numbers');
  const out: FleetDevice[] = [];
  for (let i = 0; i < n; i++) {
    const group = GROUP_PATTERN[i % GROUP_PATTERN.length];
    const ip = (net + 2 + i) >>> 0;
    out.push({
      idx: i,
      imsi: `00101${String(i + 1).padStart(10, '0')}`,
      ip,
      ipText: ipText(ip),
      name: `${NAME_PREFIX[group]}-${String(i + 1).padStart(4, '0')}`,
      group,
    });
  }
  return out;
}

/** The fleet as a config document (operator, gateway, devices): what the YAML fleet config holds. */
export function fleetDescription(opts: SimOptions = {}): FleetDescription {
  return {
    operator: { id: 'sim-operator' },
    gateway: { id: 'sim-gateway', deviceSubnets: [opts.deviceSubnet ?? DEFAULT_DEVICE_SUBNET] },
    devices: buildFleet(opts).map((d) => ({ imsi: d.imsi, ip: d.ipText, name: d.name, group: d.group })),
  };
}
