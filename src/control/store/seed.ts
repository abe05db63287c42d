// Imports a checked fleet config (YAML) into the store, idempotently: running it twice changes nothing
// the second time (no new versions, no audit rows). With `mirror`, devices and groups absent from the
// config are removed, so the store mirrors the file.
import type { FleetConfig } from '../config/types.js';
import { systemActor, type Actor } from '../auth/actor.js';
import { StoreError } from './store-error.js';
import type { Store } from './store.js';
import type { DeviceInput } from './model.js';

export interface SeedResult {
  operatorCreated: boolean;
  gatewayCreated: boolean;
  gatewayUpdated: boolean;
  groupsCreated: number;
  devicesCreated: number;
  devicesUpdated: number;
  devicesRemoved: number;
  /** The YAML's gateway.outputs replaced the stored outputs. */
  outputsSet: boolean;
}

export function seedFromConfig(store: Store, cfg: FleetConfig, opts: { mirror?: boolean; actor?: Actor } = {}): SeedResult {
  const actor = opts.actor ?? systemActor(cfg.operator.id);
  const res: SeedResult = { operatorCreated: false, gatewayCreated: false, gatewayUpdated: false, groupsCreated: 0, devicesCreated: 0, devicesUpdated: 0, devicesRemoved: 0, outputsSet: false };
  store.core.mutate(actor, { action: 'config.seed', resource: `gateways/${cfg.gateway.id}` }, () => {
    if (!store.operators.get(cfg.operator.id)) {
      store.operators.create(cfg.operator.id, cfg.operator.name ?? cfg.operator.id);
      res.operatorCreated = true;
    }
    const g = cfg.gateway;
    const other = store.gateways.getInternal(g.id);
    if (other && other.operatorId !== cfg.operator.id) throw StoreError.conflict(`gateway id '${g.id}' belongs to another operator`);
    const inspection = { enabled: g.inspection.enabled, intervalSeconds: g.inspection.intervalSeconds, topDestinations: g.inspection.topDestinations };
    if (!other) {
      store.gateways.create(actor, { id: g.id, name: g.name ?? g.id, deviceSubnets: g.deviceSubnets, maxUnregisteredDevices: g.maxUnregisteredDevices, inspection });
      res.gatewayCreated = true;
    } else {
      const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
      if ((g.name ?? g.id) !== other.name || !same(g.deviceSubnets, other.deviceSubnets) || g.maxUnregisteredDevices !== other.maxUnregisteredDevices) {
        store.gateways.update(actor, g.id, { name: g.name ?? g.id, deviceSubnets: g.deviceSubnets, maxUnregisteredDevices: g.maxUnregisteredDevices });
        res.gatewayUpdated = true;
      }
      if (!same(inspection, other.junction.inspection)) {
        store.gateways.setInspection(actor, g.id, inspection);
        res.gatewayUpdated = true;
      }
    }
    const groups = new Set(store.gateways.listGroups(actor.operatorId, g.id).map((x) => x.name));
    for (const grp of cfg.groups) {
      if (groups.has(grp.name)) continue;
      store.gateways.createGroup(actor, g.id, { name: grp.name, ...(grp.description !== undefined && { description: grp.description }) });
      res.groupsCreated++;
    }
    const existing = new Map(store.devices.allInternal(g.id).map((d) => [d.ip, d]));
    const rows: { where: string; device: DeviceInput }[] = [];
    cfg.devices.forEach((d, i) => {
      const input: DeviceInput = { ip: d.ip, tags: d.tags };
      if (d.imsi !== undefined) input.imsi = d.imsi;
      if (d.name !== undefined) input.name = d.name;
      if (d.group !== undefined) input.group = d.group;
      if (d.teid !== undefined) input.teid = d.teid;
      if (d.downlinkTeid !== undefined) input.downlinkTeid = d.downlinkTeid;
      const old = existing.get(d.ip);
      const unchanged =
        old && old.imsi === input.imsi && old.name === input.name && old.group === input.group && old.teid === input.teid && old.downlinkTeid === input.downlinkTeid && JSON.stringify(old.tags) === JSON.stringify(input.tags);
      if (!unchanged) rows.push({ where: `devices[${i}]`, device: { ...input, status: old?.status ?? 'active' } });
    });
    if (opts.mirror) {
      const keep = new Set(cfg.devices.map((d) => d.ip));
      for (const d of existing.values()) {
        if (keep.has(d.ip)) continue;
        store.devices.delete(actor, g.id, d.id);
        res.devicesRemoved++;
      }
    }
    // the YAML's outputs replace the stored ones; without `gateway.outputs`, outputs set through the API stay
    if (g.outputs) res.outputsSet = store.outputs.seed(actor, g.id, g.outputs);
    if (rows.length > 0) {
      const r = store.devices.importRows(actor, g.id, rows);
      res.devicesCreated = r.created;
      res.devicesUpdated = r.updated;
    }
  }, () => res);
  return res;
}
