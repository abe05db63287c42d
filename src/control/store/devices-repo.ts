// Devices of a gateway: CRUD, filtered listing and all-or-nothing CSV import (upsert by IP).
import type { Actor } from '../auth/actor.js';
import type { Cidr } from '../config/cidr.js';
import { StoreError, type StoreProblem } from './store-error.js';
import { json, type StoreCore } from './store-core.js';
import type { Device, DeviceInput, DevicePatch, DeviceStatus } from './model.js';
import type { GatewaysRepo } from './gateways-repo.js';
import { checkDeviceIp, checkImsi, checkName, parseSubnets } from './validate.js';
import { parseDeviceCsv } from './device-csv.js';

interface DeviceRow {
  id: string;
  gateway_id: string;
  seq: number;
  imsi: string | null;
  ip: string;
  name: string | null;
  group_name: string | null;
  tags: string;
  teid: number | null;
  downlink_teid: number | null;
  status: DeviceStatus;
  created: string;
  updated: string;
}

export interface DeviceFilter {
  ip?: string;
  imsi?: string;
  group?: string;
  tag?: string;
  status?: DeviceStatus;
}

/** What the uniqueness and reference checks look at; kept current while an import walks its lines. */
interface CheckContext {
  subnets: Cidr[];
  groups: Set<string>;
  byIp: Map<string, string>;
  byImsi: Map<string, string>;
  byName: Map<string, string>;
  byTeid: Map<number, string>;
  byDownlinkTeid: Map<number, string>;
}

const MAX_TAGS = 32;

export class DevicesRepo {
  constructor(
    private readonly core: StoreCore,
    private readonly gateways: GatewaysRepo,
  ) {}

  list(operatorId: string, gatewayId: string, f: DeviceFilter = {}, limit = 1000, offset = 0): Device[] {
    this.gateways.require(operatorId, gatewayId);
    const where = ['gateway_id = ?'];
    const args: unknown[] = [gatewayId];
    const add = (clause: string, ...v: unknown[]) => {
      where.push(clause);
      args.push(...v);
    };
    if (f.ip) add('ip = ?', f.ip);
    if (f.imsi) add('imsi = ?', f.imsi);
    if (f.group) add('group_name = ?', f.group);
    if (f.status) add('status = ?', f.status);
    if (f.tag) add('EXISTS (SELECT 1 FROM json_each(devices.tags) WHERE value = ?)', f.tag);
    const sql = `SELECT * FROM devices WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ? OFFSET ?`;
    return (this.core.db.prepare(sql).all(...args, limit, offset) as DeviceRow[]).map(deviceOf);
  }

  /** Every device of a gateway in creation order (snapshots). */
  allInternal(gatewayId: string): Device[] {
    return (this.core.db.prepare('SELECT * FROM devices WHERE gateway_id = ? ORDER BY seq').all(gatewayId) as DeviceRow[]).map(deviceOf);
  }

  get(operatorId: string, gatewayId: string, id: string): Device {
    this.gateways.require(operatorId, gatewayId);
    const row = this.core.db.prepare('SELECT * FROM devices WHERE id = ? AND gateway_id = ?').get(id, gatewayId) as DeviceRow | undefined;
    if (!row) throw StoreError.notFound(`device '${id}'`);
    return deviceOf(row);
  }

  create(actor: Actor, gatewayId: string, input: DeviceInput): Device {
    const ctx = this.context(actor.operatorId, gatewayId);
    const problems: StoreProblem[] = [];
    const d = checkDevice(input, ctx, null, 'body', problems);
    if (problems.length === 0 && ctx.byIp.has(d.ip)) throw StoreError.conflict(`a device with ip ${d.ip} exists`);
    if (problems.length) throw StoreError.invalid(problems);
    const id = this.core.newId('dev');
    this.core.mutate(actor, { action: 'device.create', resource: `gateways/${gatewayId}/devices/${id}`, gatewayId }, () => this.insert(id, gatewayId, d), () => d);
    return this.get(actor.operatorId, gatewayId, id);
  }

  update(actor: Actor, gatewayId: string, id: string, patch: DevicePatch): Device {
    const old = this.get(actor.operatorId, gatewayId, id);
    const ctx = this.context(actor.operatorId, gatewayId);
    const merged: DeviceInput = { ...inputOf(old), ...patch };
    const problems: StoreProblem[] = [];
    const d = checkDevice(merged, ctx, id, 'body', problems);
    if (problems.length) throw StoreError.invalid(problems);
    this.core.mutate(actor, { action: 'device.update', resource: `gateways/${gatewayId}/devices/${id}`, gatewayId }, () => this.write(id, d), () => patch);
    return this.get(actor.operatorId, gatewayId, id);
  }

  delete(actor: Actor, gatewayId: string, id: string): void {
    this.get(actor.operatorId, gatewayId, id);
    this.core.mutate(actor, { action: 'device.delete', resource: `gateways/${gatewayId}/devices/${id}`, gatewayId }, () => {
      this.core.db.prepare('DELETE FROM devices WHERE id = ? AND gateway_id = ?').run(id, gatewayId);
    });
  }

  /** All-or-nothing import; devices whose IP exists are updated. Problems name CSV line numbers. */
  importCsv(actor: Actor, gatewayId: string, csv: string): { created: number; updated: number } {
    const ctx = this.context(actor.operatorId, gatewayId);
    const parsed = parseDeviceCsv(csv);
    if (parsed.problems.length) throw StoreError.invalid(parsed.problems);
    return this.importRows(actor, gatewayId, parsed.rows.map((r) => ({ where: `line ${r.line}`, device: r.device })), ctx);
  }

  /** Upserts a list of devices (CSV lines, or a fleet config's devices) in one transaction. */
  importRows(actor: Actor, gatewayId: string, rows: { where: string; device: DeviceInput }[], ctx = this.context(actor.operatorId, gatewayId)): { created: number; updated: number } {
    const problems: StoreProblem[] = [];
    const plan: { id: string | null; d: DeviceInput }[] = [];
    const seenIp = new Map<string, string>();
    for (const r of rows) {
      const ipProblems: StoreProblem[] = [];
      const ip = checkDeviceIp(r.device.ip, ctx.subnets, r.where, ipProblems);
      const existing = ip !== null ? (ctx.byIp.get(ip) ?? null) : null;
      if (ip !== null && seenIp.has(ip)) {
        problems.push({ path: r.where, problem: `ip ${ip} already appears on ${seenIp.get(ip)}` });
        continue;
      }
      if (ip !== null) seenIp.set(ip, r.where);
      // the row's own future id, so its IMSI/name do not clash with the device it replaces
      const selfId = existing ?? `new:${r.where}`;
      const d = checkDevice(r.device, ctx, selfId, r.where, problems);
      if (ip !== null) ctx.byIp.set(ip, selfId);
      plan.push({ id: existing, d });
    }
    if (problems.length) throw StoreError.invalid(problems);
    let created = 0;
    let updated = 0;
    this.core.mutate(actor, { action: 'device.import', resource: `gateways/${gatewayId}/devices`, gatewayId }, () => {
      for (const p of plan) {
        if (p.id) {
          this.write(p.id, p.d);
          updated++;
        } else {
          this.insert(this.core.newId('dev'), gatewayId, p.d);
          created++;
        }
      }
    }, () => ({ created, updated }));
    return { created, updated };
  }

  private insert(id: string, gatewayId: string, d: DeviceInput): void {
    const now = this.core.now();
    const seq = (this.core.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM devices WHERE gateway_id = ?').pluck().get(gatewayId) as number) ?? 1;
    this.core.db
      .prepare(
        `INSERT INTO devices (id, gateway_id, seq, imsi, ip, name, group_name, tags, teid, downlink_teid, status, created, updated)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, gatewayId, seq, d.imsi ?? null, d.ip, d.name ?? null, d.group ?? null, JSON.stringify(d.tags ?? []), d.teid ?? null, d.downlinkTeid ?? null, d.status ?? 'active', now, now);
  }

  private write(id: string, d: DeviceInput): void {
    this.core.db
      .prepare('UPDATE devices SET imsi = ?, ip = ?, name = ?, group_name = ?, tags = ?, teid = ?, downlink_teid = ?, status = ?, updated = ? WHERE id = ?')
      .run(d.imsi ?? null, d.ip, d.name ?? null, d.group ?? null, JSON.stringify(d.tags ?? []), d.teid ?? null, d.downlinkTeid ?? null, d.status ?? 'active', this.core.now(), id);
  }

  private context(operatorId: string, gatewayId: string): CheckContext {
    const gw = this.gateways.require(operatorId, gatewayId);
    const groups = new Set(this.core.db.prepare('SELECT name FROM groups WHERE gateway_id = ?').pluck().all(gatewayId) as string[]);
    const ctx: CheckContext = { subnets: parseSubnets(gw.deviceSubnets), groups, byIp: new Map(), byImsi: new Map(), byName: new Map(), byTeid: new Map(), byDownlinkTeid: new Map() };
    for (const r of this.core.db.prepare('SELECT id, ip, imsi, name, teid, downlink_teid FROM devices WHERE gateway_id = ?').all(gatewayId) as DeviceRow[]) {
      ctx.byIp.set(r.ip, r.id);
      if (r.imsi) ctx.byImsi.set(r.imsi, r.id);
      if (r.name) ctx.byName.set(r.name, r.id);
      if (r.teid !== null) ctx.byTeid.set(r.teid, r.id);
      if (r.downlink_teid !== null) ctx.byDownlinkTeid.set(r.downlink_teid, r.id);
    }
    return ctx;
  }
}

/** Checks one device against the gateway (subnets, groups, uniqueness) and returns its canonical form. */
function checkDevice(input: DeviceInput, ctx: CheckContext, selfId: string | null, path: string, out: StoreProblem[]): DeviceInput {
  const d: DeviceInput = { ip: input.ip, tags: [...new Set(input.tags ?? [])], status: input.status ?? 'active' };
  const at = (field: string) => (path.startsWith('line ') ? `${path}: ${field}` : `${path}.${field}`);
  const ip = checkDeviceIp(input.ip, ctx.subnets, at('ip'), out);
  const clash = (map: Map<string | number, string>, key: string | number, field: string) => {
    const owner = map.get(key);
    if (owner !== undefined && owner !== selfId) out.push({ path: at(field), problem: `another device already has ${field} ${key}` });
    else if (selfId) map.set(key, selfId);
  };
  if (ip !== null) {
    d.ip = ip;
    const owner = ctx.byIp.get(ip);
    // create (selfId null) reports a taken IP as a conflict instead
    if (owner !== undefined && selfId !== null && owner !== selfId) out.push({ path: at('ip'), problem: `another device already has ip ${ip}` });
  }
  if (input.imsi !== undefined) {
    checkImsi(input.imsi, at('imsi'), out);
    clash(ctx.byImsi as Map<string | number, string>, input.imsi, 'imsi');
    d.imsi = input.imsi;
  }
  if (input.name !== undefined) {
    checkName(input.name, at('name'), out);
    clash(ctx.byName as Map<string | number, string>, input.name, 'name');
    d.name = input.name;
  }
  if (input.group !== undefined) {
    if (!ctx.groups.has(input.group)) {
      const known = [...ctx.groups];
      out.push({ path: at('group'), problem: `no group '${input.group}' on this gateway${known.length ? ` (groups: ${known.join(', ')})` : ''}` });
    }
    d.group = input.group;
  }
  if (input.teid !== undefined) {
    if (!Number.isInteger(input.teid) || input.teid < 1 || input.teid > 0xffffffff) out.push({ path: at('teid'), problem: 'must be 1..4294967295' });
    clash(ctx.byTeid as Map<string | number, string>, input.teid, 'teid');
    d.teid = input.teid;
  }
  if (input.downlinkTeid !== undefined) {
    if (!Number.isInteger(input.downlinkTeid) || input.downlinkTeid < 1 || input.downlinkTeid > 0xffffffff) out.push({ path: at('downlinkTeid'), problem: 'must be 1..4294967295' });
    clash(ctx.byDownlinkTeid as Map<string | number, string>, input.downlinkTeid, 'downlinkTeid');
    d.downlinkTeid = input.downlinkTeid;
  }
  if (d.tags!.length > MAX_TAGS) out.push({ path: at('tags'), problem: `at most ${MAX_TAGS} tags` });
  d.tags!.forEach((t, i) => {
    if (t.length === 0 || t.length > 64) out.push({ path: at(`tags[${i}]`), problem: 'must be 1..64 characters' });
  });
  if (d.status !== 'active' && d.status !== 'quarantined') out.push({ path: at('status'), problem: "must be 'active' or 'quarantined'" });
  return d;
}

function inputOf(d: Device): DeviceInput {
  const i: DeviceInput = { ip: d.ip, tags: d.tags, status: d.status };
  if (d.imsi !== undefined) i.imsi = d.imsi;
  if (d.name !== undefined) i.name = d.name;
  if (d.group !== undefined) i.group = d.group;
  if (d.teid !== undefined) i.teid = d.teid;
  if (d.downlinkTeid !== undefined) i.downlinkTeid = d.downlinkTeid;
  return i;
}

function deviceOf(r: DeviceRow): Device {
  const d: Device = { id: r.id, gatewayId: r.gateway_id, ip: r.ip, tags: json<string[]>(r.tags), status: r.status, created: r.created, updated: r.updated };
  if (r.imsi !== null) d.imsi = r.imsi;
  if (r.name !== null) d.name = r.name;
  if (r.group_name !== null) d.group = r.group_name;
  if (r.teid !== null) d.teid = r.teid;
  if (r.downlink_teid !== null) d.downlinkTeid = r.downlink_teid;
  return d;
}
