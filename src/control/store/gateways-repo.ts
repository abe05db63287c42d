// Gateways, their groups and their Junction settings (inspection, mirroring peers, redirection).
// Every read takes the caller's operator id: another operator's gateway simply does not exist.
import type { Actor } from '../auth/actor.js';
import { CONFIG_DEFAULTS } from '../config/types.js';
import { StoreError, type StoreProblem } from './store-error.js';
import { json, type StoreCore } from './store-core.js';
import type { Gateway, GatewayInput, GatewayPatch, Group, GroupInput, InspectionSettings, Junction, MirroringPeer, Redirection } from './model.js';
import { canonicalAddress, checkDeviceIp, checkInspection, checkName, checkPeer, checkRedirection, checkSubnets } from './validate.js';

interface GatewayRow {
  id: string;
  operator_id: string;
  name: string;
  device_subnets: string;
  inspection_interval_s: number;
  max_unregistered: number;
  junction: string;
  version: number;
  created: string;
  updated: string;
}

/** Stored junction JSON: the interval lives in its own column. */
interface JunctionColumn {
  inspection: { enabled: boolean; topDestinations: number };
  mirroring: { peers: MirroringPeer[] };
  redirection: Redirection | null;
}

interface GroupRow {
  gateway_id: string;
  name: string;
  description: string | null;
  policy: string;
  created: string;
}

const GATEWAY_ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class GatewaysRepo {
  constructor(private readonly core: StoreCore) {}

  get(operatorId: string, id: string): Gateway | null {
    const row = this.core.db.prepare('SELECT * FROM gateways WHERE id = ? AND operator_id = ?').get(id, operatorId) as GatewayRow | undefined;
    return row ? gatewayOf(row) : null;
  }

  /** Any operator's gateway: for the data path and snapshots only, never for API reads. */
  getInternal(id: string): Gateway | null {
    const row = this.core.db.prepare('SELECT * FROM gateways WHERE id = ?').get(id) as GatewayRow | undefined;
    return row ? gatewayOf(row) : null;
  }

  list(operatorId: string): Gateway[] {
    return (this.core.db.prepare('SELECT * FROM gateways WHERE operator_id = ? ORDER BY created, id').all(operatorId) as GatewayRow[]).map(gatewayOf);
  }

  require(operatorId: string, id: string): Gateway {
    const g = this.get(operatorId, id);
    if (!g) throw StoreError.notFound(`gateway '${id}'`);
    return g;
  }

  create(actor: Actor, input: GatewayInput): Gateway {
    const problems: StoreProblem[] = [];
    const subnets = checkSubnets(input.deviceSubnets ?? [], 'body.deviceSubnets', problems).map((c) => c.text);
    if (input.id !== undefined && !GATEWAY_ID_RE.test(input.id)) problems.push({ path: 'id', problem: 'must be 1..64 letters, digits, _ . -' });
    if (input.name !== undefined) checkName(input.name, 'body.name', problems);
    const inspection: InspectionSettings = {
      enabled: input.inspection?.enabled ?? CONFIG_DEFAULTS.inspectionEnabled,
      intervalSeconds: input.inspection?.intervalSeconds ?? CONFIG_DEFAULTS.intervalSeconds,
      topDestinations: input.inspection?.topDestinations ?? CONFIG_DEFAULTS.topDestinations,
    };
    checkInspection(inspection, 'body.inspection', problems);
    const maxUnreg = input.maxUnregisteredDevices ?? CONFIG_DEFAULTS.maxUnregisteredDevices;
    if (!Number.isInteger(maxUnreg) || maxUnreg < 0) problems.push({ path: 'body.maxUnregisteredDevices', problem: 'must be an integer >= 0' });
    if (problems.length) throw StoreError.invalid(problems);
    const id = input.id ?? this.core.newId('gw');
    if (this.getInternal(id)) throw StoreError.conflict(`gateway id '${id}' is taken`);
    const junction: JunctionColumn = {
      inspection: { enabled: inspection.enabled, topDestinations: inspection.topDestinations },
      mirroring: { peers: [] },
      redirection: null,
    };
    this.core.mutate(actor, { action: 'gateway.create', resource: `gateways/${id}`, gatewayId: id }, () => {
      const now = this.core.now();
      this.core.db
        .prepare(
          `INSERT INTO gateways (id, operator_id, name, device_subnets, inspection_interval_s, max_unregistered, junction, version, created, updated)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        )
        .run(id, actor.operatorId, input.name ?? id, JSON.stringify(subnets), inspection.intervalSeconds, maxUnreg, JSON.stringify(junction), now, now);
    }, () => ({ name: input.name ?? id, deviceSubnets: subnets }));
    return this.require(actor.operatorId, id);
  }

  update(actor: Actor, id: string, patch: GatewayPatch): Gateway {
    const gw = this.require(actor.operatorId, id);
    const problems: StoreProblem[] = [];
    if (patch.name !== undefined) checkName(patch.name, 'body.name', problems);
    let subnets = gw.deviceSubnets;
    if (patch.deviceSubnets !== undefined) {
      const cidrs = checkSubnets(patch.deviceSubnets, 'body.deviceSubnets', problems);
      subnets = cidrs.map((c) => c.text);
      if (problems.length === 0) {
        // every device must stay inside the new subnets
        const ips = this.core.db.prepare('SELECT ip FROM devices WHERE gateway_id = ?').pluck().all(id) as string[];
        const outside: StoreProblem[] = [];
        for (const ip of ips) checkDeviceIp(ip, cidrs, 'body.deviceSubnets', outside);
        if (outside.length) problems.push({ path: 'body.deviceSubnets', problem: `${outside.length} device(s) would fall outside: ${outside[0].problem}` });
      }
    }
    if (patch.maxUnregisteredDevices !== undefined && (!Number.isInteger(patch.maxUnregisteredDevices) || patch.maxUnregisteredDevices < 0)) {
      problems.push({ path: 'body.maxUnregisteredDevices', problem: 'must be an integer >= 0' });
    }
    if (problems.length) throw StoreError.invalid(problems);
    this.core.mutate(actor, { action: 'gateway.update', resource: `gateways/${id}`, gatewayId: id }, () => {
      this.core.db
        .prepare('UPDATE gateways SET name = ?, device_subnets = ?, max_unregistered = ? WHERE id = ?')
        .run(patch.name ?? gw.name, JSON.stringify(subnets), patch.maxUnregisteredDevices ?? gw.maxUnregisteredDevices, id);
    }, () => patch);
    return this.require(actor.operatorId, id);
  }

  delete(actor: Actor, id: string): void {
    this.require(actor.operatorId, id);
    this.core.mutate(actor, { action: 'gateway.delete', resource: `gateways/${id}`, gatewayId: id }, () => {
      this.core.db.prepare('DELETE FROM gateways WHERE id = ? AND operator_id = ?').run(id, actor.operatorId);
    });
  }

  // ---- junction ----

  setInspection(actor: Actor, id: string, s: Partial<InspectionSettings> & { enabled: boolean }): InspectionSettings {
    const gw = this.require(actor.operatorId, id);
    const next: InspectionSettings = {
      enabled: s.enabled,
      intervalSeconds: s.intervalSeconds ?? gw.junction.inspection.intervalSeconds,
      topDestinations: s.topDestinations ?? gw.junction.inspection.topDestinations,
    };
    const problems: StoreProblem[] = [];
    checkInspection(next, 'body', problems);
    if (problems.length) throw StoreError.invalid(problems);
    this.writeJunction(actor, gw, 'junction.inspection.set', 'junction/inspection', { ...gw.junction, inspection: next }, next);
    return next;
  }

  getPeer(operatorId: string, id: string, ip: string): MirroringPeer {
    const gw = this.require(operatorId, id);
    const key = canonicalAddress(ip, 'params.ipaddr', []) ?? ip;
    const p = gw.junction.mirroring.peers.find((x) => x.ipAddress === key);
    if (!p) throw StoreError.notFound(`mirroring peer '${ip}'`);
    return p;
  }

  addPeer(actor: Actor, id: string, peer: MirroringPeer): MirroringPeer {
    const gw = this.require(actor.operatorId, id);
    const problems: StoreProblem[] = [];
    const p = checkPeer(peer, 'body', problems);
    if (problems.length) throw StoreError.invalid(problems);
    if (gw.junction.mirroring.peers.some((x) => x.ipAddress === p.ipAddress)) throw StoreError.conflict(`mirroring peer ${p.ipAddress} exists (PUT to change it)`);
    const peers = [...gw.junction.mirroring.peers, p].sort((a, b) => (a.ipAddress < b.ipAddress ? -1 : 1));
    this.writeJunction(actor, gw, 'junction.mirroring.peer.add', `junction/mirroring/peers/${p.ipAddress}`, { ...gw.junction, mirroring: { peers } }, p);
    return p;
  }

  updatePeer(actor: Actor, id: string, ip: string, peer: Omit<MirroringPeer, 'ipAddress'> & { ipAddress?: string }): MirroringPeer {
    const old = this.getPeer(actor.operatorId, id, ip);
    const gw = this.require(actor.operatorId, id);
    const problems: StoreProblem[] = [];
    const p = checkPeer({ ...peer, ipAddress: peer.ipAddress ?? old.ipAddress }, 'body', problems);
    if (problems.length === 0 && p.ipAddress !== old.ipAddress) problems.push({ path: 'body.ipAddress', problem: `must match the path (${old.ipAddress})` });
    if (problems.length) throw StoreError.invalid(problems);
    const peers = gw.junction.mirroring.peers.map((x) => (x.ipAddress === old.ipAddress ? p : x));
    this.writeJunction(actor, gw, 'junction.mirroring.peer.update', `junction/mirroring/peers/${p.ipAddress}`, { ...gw.junction, mirroring: { peers } }, p);
    return p;
  }

  deletePeer(actor: Actor, id: string, ip: string): void {
    const old = this.getPeer(actor.operatorId, id, ip);
    const gw = this.require(actor.operatorId, id);
    const peers = gw.junction.mirroring.peers.filter((x) => x.ipAddress !== old.ipAddress);
    this.writeJunction(actor, gw, 'junction.mirroring.peer.delete', `junction/mirroring/peers/${old.ipAddress}`, { ...gw.junction, mirroring: { peers } }, {});
  }

  setRedirection(actor: Actor, id: string, r: Redirection): Redirection {
    const gw = this.require(actor.operatorId, id);
    const problems: StoreProblem[] = [];
    const groups = new Set(this.listGroups(actor.operatorId, id).map((g) => g.name));
    const next = checkRedirection(r, groups, 'body', problems);
    if (problems.length) throw StoreError.invalid(problems);
    this.writeJunction(actor, gw, 'junction.redirection.set', 'junction/redirection', { ...gw.junction, redirection: next }, next);
    return next;
  }

  unsetRedirection(actor: Actor, id: string): void {
    const gw = this.require(actor.operatorId, id);
    if (!gw.junction.redirection) throw StoreError.notFound('redirection');
    this.writeJunction(actor, gw, 'junction.redirection.unset', 'junction/redirection', { ...gw.junction, redirection: null }, {});
  }

  private writeJunction(actor: Actor, gw: Gateway, action: string, sub: string, j: Junction, details: unknown): void {
    const col: JunctionColumn = {
      inspection: { enabled: j.inspection.enabled, topDestinations: j.inspection.topDestinations },
      mirroring: j.mirroring,
      redirection: j.redirection,
    };
    this.core.mutate(actor, { action, resource: `gateways/${gw.id}/${sub}`, gatewayId: gw.id }, () => {
      this.core.db.prepare('UPDATE gateways SET junction = ?, inspection_interval_s = ? WHERE id = ?').run(JSON.stringify(col), j.inspection.intervalSeconds, gw.id);
    }, () => details);
  }

  // ---- groups ----

  listGroups(operatorId: string, gatewayId: string): Group[] {
    this.require(operatorId, gatewayId);
    return (this.core.db.prepare('SELECT * FROM groups WHERE gateway_id = ? ORDER BY name').all(gatewayId) as GroupRow[]).map(groupOf);
  }

  getGroup(operatorId: string, gatewayId: string, name: string): Group {
    this.require(operatorId, gatewayId);
    const row = this.core.db.prepare('SELECT * FROM groups WHERE gateway_id = ? AND name = ?').get(gatewayId, name) as GroupRow | undefined;
    if (!row) throw StoreError.notFound(`group '${name}'`);
    return groupOf(row);
  }

  createGroup(actor: Actor, gatewayId: string, g: GroupInput): Group {
    this.require(actor.operatorId, gatewayId);
    const problems: StoreProblem[] = [];
    checkName(g.name, 'body.name', problems);
    if (problems.length) throw StoreError.invalid(problems);
    const exists = this.core.db.prepare('SELECT 1 FROM groups WHERE gateway_id = ? AND name = ?').get(gatewayId, g.name);
    if (exists) throw StoreError.conflict(`group '${g.name}' exists`);
    this.core.mutate(actor, { action: 'group.create', resource: `gateways/${gatewayId}/groups/${g.name}`, gatewayId }, () => {
      this.core.db
        .prepare('INSERT INTO groups (gateway_id, name, description, policy, created) VALUES (?, ?, ?, ?, ?)')
        .run(gatewayId, g.name, g.description ?? null, JSON.stringify(g.policy ?? {}), this.core.now());
    }, () => g);
    return this.getGroup(actor.operatorId, gatewayId, g.name);
  }

  updateGroup(actor: Actor, gatewayId: string, name: string, patch: { description?: string; policy?: Record<string, unknown> }): Group {
    const old = this.getGroup(actor.operatorId, gatewayId, name);
    this.core.mutate(actor, { action: 'group.update', resource: `gateways/${gatewayId}/groups/${name}`, gatewayId }, () => {
      this.core.db
        .prepare('UPDATE groups SET description = ?, policy = ? WHERE gateway_id = ? AND name = ?')
        .run(patch.description ?? old.description ?? null, JSON.stringify(patch.policy ?? old.policy), gatewayId, name);
    }, () => patch);
    return this.getGroup(actor.operatorId, gatewayId, name);
  }

  deleteGroup(actor: Actor, gatewayId: string, name: string): void {
    this.getGroup(actor.operatorId, gatewayId, name);
    const used = this.core.db.prepare('SELECT COUNT(*) FROM devices WHERE gateway_id = ? AND group_name = ?').pluck().get(gatewayId, name) as number;
    if (used > 0) throw StoreError.conflict(`group '${name}' still has ${used} device(s)`);
    this.core.mutate(actor, { action: 'group.delete', resource: `gateways/${gatewayId}/groups/${name}`, gatewayId }, () => {
      this.core.db.prepare('DELETE FROM groups WHERE gateway_id = ? AND name = ?').run(gatewayId, name);
    });
  }
}

function gatewayOf(r: GatewayRow): Gateway {
  const j = json<JunctionColumn>(r.junction);
  return {
    id: r.id,
    operatorId: r.operator_id,
    name: r.name,
    deviceSubnets: json<string[]>(r.device_subnets),
    maxUnregisteredDevices: r.max_unregistered,
    junction: {
      inspection: { enabled: j.inspection.enabled, intervalSeconds: r.inspection_interval_s, topDestinations: j.inspection.topDestinations },
      mirroring: j.mirroring,
      redirection: j.redirection,
    },
    version: r.version,
    created: r.created,
    updated: r.updated,
  };
}

function groupOf(r: GroupRow): Group {
  const g: Group = { gatewayId: r.gateway_id, name: r.name, policy: json<Record<string, unknown>>(r.policy), created: r.created };
  if (r.description !== null) g.description = r.description;
  return g;
}
