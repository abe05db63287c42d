import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../../../src/control/store/store.js';
import { StoreError } from '../../../src/control/store/store-error.js';
import { schemaVersion } from '../../../src/control/store/migrate.js';
import { MIGRATIONS } from '../../../src/control/store/migrations.js';
import { systemActor } from '../../../src/control/auth/actor.js';
import { parseConfigObject } from '../../../src/control/config/load-config.js';
import type { GatewaySnapshot } from '../../../src/control/snapshot/gateway-snapshot.js';

const A = systemActor('op-a');

function fresh(): Store {
  const s = Store.open(':memory:');
  s.operators.create('op-a', 'Operator A');
  return s;
}

function auditCount(s: Store): number {
  return s.db.prepare('SELECT COUNT(*) FROM audit').pluck().get() as number;
}

test('migrations are recorded and not re-applied', () => {
  const s = fresh();
  assert.equal(schemaVersion(s.db), MIGRATIONS[MIGRATIONS.length - 1].version);
  const rows = s.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  assert.deepEqual(rows.map((r) => r.version), MIGRATIONS.map((m) => m.version));
  s.close();
});

test('API keys: hashed at rest, shown once, constant-time lookup by id', () => {
  const s = fresh();
  const { info, key } = s.operators.createKey(A, 'ci', ['read']);
  assert.match(key, /^fgk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const secret = key.split('_').slice(2).join('_');
  const row = s.db.prepare('SELECT * FROM api_keys WHERE id = ?').get(info.id) as Record<string, unknown>;
  const dump = JSON.stringify(row) + (row.hash as Buffer).toString('latin1');
  assert.ok(!dump.includes(secret), 'the secret must not be stored');
  assert.equal((row.hash as Buffer).length, 32);
  assert.deepEqual(s.operators.authenticate(key), { operatorId: 'op-a', keyId: info.id, scopes: ['read'] });
  assert.equal(s.operators.authenticate(key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A')), null);
  assert.equal(s.operators.authenticate('fgk_0000000000000000_' + 'x'.repeat(43)), null);
  assert.equal(s.operators.authenticate('garbage'), null);
  assert.ok(!('key' in s.operators.listKeys('op-a')[0]));
  s.operators.revokeKey(A, info.id);
  assert.equal(s.operators.authenticate(key), null);
  s.close();
});

test('every mutation writes one audit row in the same transaction; a refused change writes none', () => {
  const s = fresh();
  const before = auditCount(s);
  const gw = s.gateways.create(A, { name: 'g', deviceSubnets: ['10.128.0.0/16'] });
  assert.equal(auditCount(s), before + 1);
  const last = s.audit.list('op-a', 1)[0];
  assert.equal(last.action, 'gateway.create');
  assert.equal(last.resource, `gateways/${gw.id}`);
  assert.throws(() => s.devices.create(A, gw.id, { ip: '192.168.1.1' }), (e: unknown) => e instanceof StoreError && e.kind === 'validation');
  assert.equal(auditCount(s), before + 1);
  // a failure inside the transaction rolls back the change and its audit row
  assert.throws(() =>
    s.core.mutate(A, { action: 'x', resource: 'y', gatewayId: gw.id }, () => {
      s.db.prepare("UPDATE gateways SET name = 'changed' WHERE id = ?").run(gw.id);
      throw new Error('boom');
    }),
  );
  assert.equal(s.gateways.get('op-a', gw.id)!.name, 'g');
  assert.equal(auditCount(s), before + 1);
  s.close();
});

test('validation reuses the config rules: subnets, device IP inside a subnet, IMSI, groups, uniqueness', () => {
  const s = fresh();
  assert.throws(() => s.gateways.create(A, { deviceSubnets: ['10.128.0.1/16'] }), /did you mean 10\.128\.0\.0\/16/);
  const gw = s.gateways.create(A, { deviceSubnets: ['10.128.0.0/16', 'fd00:128::/64'] });
  s.gateways.createGroup(A, gw.id, { name: 'meters' });
  const d = s.devices.create(A, gw.id, { ip: 'fd00:128:0:0::5', imsi: '001010000000001', group: 'meters' });
  assert.equal(d.ip, 'fd00:128::5');
  assert.throws(() => s.devices.create(A, gw.id, { ip: '10.128.0.9', imsi: '12345' }), /IMSI/);
  assert.throws(() => s.devices.create(A, gw.id, { ip: '10.128.0.9', group: 'nope' }), /no group 'nope'/);
  assert.throws(() => s.devices.create(A, gw.id, { ip: '10.128.0.9', imsi: '001010000000001' }), /already has imsi/);
  assert.throws(() => s.devices.create(A, gw.id, { ip: 'fd00:128::5' }), (e: unknown) => e instanceof StoreError && e.kind === 'conflict');
  assert.throws(() => s.gateways.update(A, gw.id, { deviceSubnets: ['10.128.0.0/16'] }), /would fall outside/);
  assert.throws(() => s.gateways.deleteGroup(A, gw.id, 'meters'), (e: unknown) => e instanceof StoreError && e.kind === 'conflict');
  assert.throws(() => s.gateways.addPeer(A, gw.id, { ipAddress: '192.0.2.1', protocol: 'gre', vni: 5, enabled: true }), /vxlan peers only/);
  s.close();
});

test('CSV import: all or nothing, problems with line numbers, upsert by IP', () => {
  const s = fresh();
  const gw = s.gateways.create(A, { deviceSubnets: ['10.128.0.0/16'] });
  s.gateways.createGroup(A, gw.id, { name: 'meters' });
  const bad = 'imsi,ip,name,group,tags\n001010000000001,10.128.0.1,m1,meters,a;b\n001010000000002,10.200.0.1,m2,meters,\n,10.128.0.3,m3,ghost,\n';
  assert.throws(
    () => s.devices.importCsv(A, gw.id, bad),
    (e: unknown) => {
      assert.ok(e instanceof StoreError);
      assert.deepEqual(e.problems.map((p) => p.path), ['line 3: ip', 'line 4: group']);
      return true;
    },
  );
  assert.equal(s.devices.list('op-a', gw.id).length, 0, 'nothing imported');
  const good = 'ip,name,group,tags\n10.128.0.1,m1,meters,a;b\n"10.128.0.2","m2, the second",,\n';
  assert.deepEqual(s.devices.importCsv(A, gw.id, good), { created: 2, updated: 0 });
  assert.deepEqual(s.devices.importCsv(A, gw.id, 'ip,name\n10.128.0.2,renamed\n10.128.0.3,m3\n'), { created: 1, updated: 1 });
  const list = s.devices.list('op-a', gw.id);
  assert.deepEqual(list.map((d) => [d.ip, d.name]), [['10.128.0.1', 'm1'], ['10.128.0.2', 'renamed'], ['10.128.0.3', 'm3']]);
  assert.deepEqual(list[0].tags, ['a', 'b']);
  assert.deepEqual(s.devices.list('op-a', gw.id, { tag: 'b' }).map((d) => d.ip), ['10.128.0.1']);
  s.close();
});

test('a committed change publishes a new frozen snapshot synchronously (well within 1 s)', () => {
  const s = fresh();
  const gw = s.gateways.create(A, { deviceSubnets: ['10.128.0.0/16'] });
  const first = s.snapshot(gw.id)!;
  const seen: GatewaySnapshot[] = [];
  s.onSnapshot(gw.id, (snap) => seen.push(snap));
  const t0 = performance.now();
  s.devices.create(A, gw.id, { ip: '10.128.0.7', imsi: '001010000000007' });
  const dt = performance.now() - t0;
  assert.equal(seen.length, 1);
  assert.ok(dt < 1000, `published in ${dt} ms`);
  const snap = seen[0];
  assert.ok(snap.version > first.version);
  assert.equal(snap.devices.registeredCount, 1);
  assert.equal(snap.devices.device(snap.devices.findByIp('10.128.0.7')).imsi, '001010000000007');
  assert.ok(Object.isFrozen(snap) && Object.isFrozen(snap.junction) && Object.isFrozen(snap.junction.mirroring.peers));
  s.gateways.addPeer(A, gw.id, { ipAddress: '192.0.2.10', protocol: 'vxlan', vni: 7, enabled: true });
  assert.equal(seen.length, 2);
  assert.deepEqual(seen[1].junction.mirroring.peers.map((p) => p.ipAddress), ['192.0.2.10']);
  s.gateways.setInspection(A, gw.id, { enabled: true, intervalSeconds: 30 });
  assert.equal(seen[2].intervalUs, 30_000_000);
  // a refused change publishes nothing
  assert.throws(() => s.devices.create(A, gw.id, { ip: '8.8.8.8' }));
  assert.equal(seen.length, 3);
  s.close();
});

test('seedFromConfig imports a fleet config idempotently', () => {
  const s = Store.open(':memory:');
  const cfg = parseConfigObject(
    {
      operator: { id: 'acme' },
      gateway: { id: 'gw-main', deviceSubnets: ['10.128.0.0/16'], inspection: { intervalSeconds: 30 } },
      groups: [{ name: 'meters' }],
      devices: [
        { imsi: '001010000000001', ip: '10.128.0.1', name: 'm1', group: 'meters' },
        { ip: '10.128.0.2', tags: ['x'] },
      ],
    },
    'test.yaml',
  );
  const r1 = s.seedFromConfig(cfg);
  assert.equal(r1.operatorCreated, true);
  assert.equal(r1.gatewayCreated, true);
  assert.equal(r1.devicesCreated, 2);
  const v1 = s.gateways.getInternal('gw-main')!.version;
  const audits = auditCount(s);
  const r2 = s.seedFromConfig(cfg);
  assert.deepEqual([r2.operatorCreated, r2.gatewayCreated, r2.gatewayUpdated, r2.devicesCreated, r2.devicesUpdated], [false, false, false, 0, 0]);
  assert.equal(s.gateways.getInternal('gw-main')!.version, v1 + 0, 'no version bump on a no-op seed');
  assert.equal(auditCount(s), audits + 1, 'only the seed row itself');
  assert.equal(s.gateways.get('acme', 'gw-main')!.junction.inspection.intervalSeconds, 30);
  const mirrored = s.seedFromConfig({ ...cfg, devices: cfg.devices.slice(0, 1) }, { mirror: true });
  assert.equal(mirrored.devicesRemoved, 1);
  assert.deepEqual(s.devices.list('acme', 'gw-main').map((d) => d.ip), ['10.128.0.1']);
  s.close();
});

test('history: reports and flows are queryable by device, app and time', () => {
  const s = fresh();
  const gw = s.gateways.create(A, { deviceSubnets: ['10.128.0.0/16'] });
  const report = (ip: string, ts: number, apps: string[]) => ({
    recordType: 'inspection' as const,
    recordId: `${gw.id}:${ts}:${ip}`,
    operatorId: 'op-a',
    gatewayId: gw.id,
    timestamp: ts,
    payloads: {
      device: { ip, registered: true },
      interval: { start: ts - 60_000, end: ts },
      uplink: { packets: 1, bytes: 1 },
      downlink: { packets: 1, bytes: 1 },
      flows: { active: 1, new: 1 },
      destinations: [],
      applications: apps.map((app) => ({ app, method: 'dpi' as const, packets: 1, bytes: 2, uplinkBytes: 1, downlinkBytes: 1, flows: 1 })),
    },
  });
  s.history.addReports([report('10.128.0.1', 1000, ['mqtt']), report('10.128.0.1', 2000, ['dns']), report('10.128.0.2', 3000, ['mqtt', 'dns'])]);
  const q = { operatorId: 'op-a', limit: 10 };
  assert.deepEqual(s.history.reports({ ...q, device: '10.128.0.1' }).map((r) => r.timestamp), [2000, 1000]);
  assert.deepEqual(s.history.reports({ ...q, app: 'mqtt' }).map((r) => r.timestamp), [3000, 1000]);
  assert.deepEqual(s.history.reports({ ...q, fromMs: 1500, toMs: 3000 }).map((r) => r.timestamp), [2000]);
  assert.equal(s.history.reports({ operatorId: 'op-b', limit: 10 }).length, 0);
  const plan = s.db.prepare("EXPLAIN QUERY PLAN SELECT body FROM flows WHERE operator_id = 'a' AND device_ip = 'b' ORDER BY last_ms DESC").all() as { detail: string }[];
  assert.ok(plan.some((p) => /USING INDEX/.test(p.detail)), 'flows by device use an index');
  s.close();
});
