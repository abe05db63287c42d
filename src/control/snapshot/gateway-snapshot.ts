// The immutable config one gateway's data path runs with. Built after every committed change and
// swapped in by the pipeline between batches; plain deep-frozen data, except the DeviceDirectory
// (which learns unregistered devices as traffic arrives, by design).
import { DeviceDirectory } from '../devices/device-directory.js';
import type { DeviceConfig, OutputsConfig } from '../config/types.js';
import type { Device, Gateway, InspectionSettings, MirroringPeer, Redirection } from '../store/model.js';

export interface GatewaySnapshot {
  /** The gateway's version at commit; strictly increases with every change. */
  readonly version: number;
  readonly gatewayId: string;
  readonly operatorId: string;
  readonly intervalUs: number;
  readonly deviceSubnets: readonly string[];
  readonly devices: DeviceDirectory;
  /** Device IPs whose status is quarantined. */
  readonly quarantined: readonly string[];
  readonly junction: {
    readonly inspection: Readonly<InspectionSettings>;
    readonly mirroring: { readonly peers: readonly Readonly<MirroringPeer>[] };
    readonly redirection: Readonly<Redirection> | null;
  };
  /** Export outputs (secrets included: the data path needs them); null = none configured. */
  readonly outputs: Readonly<OutputsConfig> | null;
}

export function buildGatewaySnapshot(gw: Gateway, devices: readonly Device[], outputs: OutputsConfig | null = null): GatewaySnapshot {
  const configs: DeviceConfig[] = devices.map((d) => {
    const c: DeviceConfig = { ip: d.ip, tags: [...d.tags] };
    if (d.imsi !== undefined) c.imsi = d.imsi;
    if (d.name !== undefined) c.name = d.name;
    if (d.group !== undefined) c.group = d.group;
    if (d.teid !== undefined) c.teid = d.teid;
    if (d.downlinkTeid !== undefined) c.downlinkTeid = d.downlinkTeid;
    return c;
  });
  const directory = new DeviceDirectory({ devices: configs, subnets: gw.deviceSubnets, maxUnregistered: gw.maxUnregisteredDevices });
  const snap: GatewaySnapshot = {
    version: gw.version,
    gatewayId: gw.id,
    operatorId: gw.operatorId,
    intervalUs: gw.junction.inspection.intervalSeconds * 1_000_000,
    deviceSubnets: deepFreeze([...gw.deviceSubnets]),
    devices: directory,
    quarantined: deepFreeze(devices.filter((d) => d.status === 'quarantined').map((d) => d.ip)),
    junction: deepFreeze(structuredClone(gw.junction)),
    outputs: outputs ? deepFreeze(structuredClone(outputs)) : null,
  };
  return Object.freeze(snap);
}

export function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}
