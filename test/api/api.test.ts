import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { startApi } from './api-harness.js';
import { API_ERROR_CODES } from '../../src/api/errors.js';

/** The secret part of `fgk_<16 hex id>_<secret>` (the secret itself may contain '_'). */
const secretOf = (key: string) => key.slice('fgk_'.length + 16 + 1);

test('gateways, groups, devices and Junction settings: CRUD with audit rows', async () => {
  const h = await startApi();
  try {
    const { call, keyA } = h;
    let r = await call(keyA, 'POST', '/v1/gateways', { name: 'plant', deviceSubnets: ['10.128.0.0/16'] });
    assert.equal(r.status, 201);
    const gw = r.json.id as string;
    assert.equal(r.headers.get('location'), `/v1/gateways/${gw}`);
    assert.equal((await call(keyA, 'GET', '/v1/gateways')).json.items.length, 1);
    r = await call(keyA, 'PATCH', `/v1/gateways/${gw}`, { name: 'plant-2' });
    assert.equal(r.json.name, 'plant-2');

    assert.equal((await call(keyA, 'POST', `/v1/gateways/${gw}/groups`, { name: 'meters', description: 'smart meters' })).status, 201);
    assert.equal((await call(keyA, 'PATCH', `/v1/gateways/${gw}/groups/meters`, { policy: { ips: 'off' } })).json.policy.ips, 'off');

    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.5', imsi: '001010000000005', group: 'meters', tags: ['roof'] });
    assert.equal(r.status, 201);
    const dev = r.json.id as string;
    r = await call(keyA, 'PATCH', `/v1/gateways/${gw}/devices/${dev}`, { status: 'quarantined' });
    assert.equal(r.json.status, 'quarantined');
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/devices?status=quarantined`)).json.items.length, 1);
    assert.equal((await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.5' })).json.error.code, 'FG_API_CONFLICT');

    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices/import`, 'imsi,ip,name,group,tags\n001010000000006,10.128.0.6,m6,meters,a;b\n', { 'content-type': 'text/csv' });
    assert.deepEqual(r.json, { created: 1, updated: 0 });
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/devices/import`, 'ip,name\n10.128.0.7,ok\n10.9.0.1,bad\n', { 'content-type': 'text/csv' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    assert.equal(r.json.error.problems[0].path, 'line 3: ip');

    // Junction
    r = await call(keyA, 'PUT', `/v1/gateways/${gw}/junction/inspection`, { enabled: false, intervalSeconds: 300 });
    assert.deepEqual(r.json, { enabled: false, intervalSeconds: 300, topDestinations: 10 });
    r = await call(keyA, 'POST', `/v1/gateways/${gw}/junction/mirroring/peers`, { ipAddress: '192.0.2.20', protocol: 'vxlan', vni: 42, enabled: true, truncate: 128 });
    assert.equal(r.status, 201);
    assert.equal((await call(keyA, 'POST', `/v1/gateways/${gw}/junction/mirroring/peers`, { ipAddress: '192.0.2.20', protocol: 'gre' })).status, 409);
    r = await call(keyA, 'PUT', `/v1/gateways/${gw}/junction/mirroring/peers/192.0.2.20`, { protocol: 'gre', key: 9, enabled: false });
    assert.deepEqual(r.json, { ipAddress: '192.0.2.20', protocol: 'gre', key: 9, enabled: false });
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/junction/mirroring/peers`)).json.items.length, 1);
    assert.equal((await call(keyA, 'DELETE', `/v1/gateways/${gw}/junction/mirroring/peers/192.0.2.20`)).status, 204);
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/junction/mirroring/peers/192.0.2.20`)).status, 404);
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/junction/redirection`)).status, 404);
    const redir = { enabled: true, gateway: { address: '198.51.100.1', protocol: 'geneve', vni: 100 }, standby: { address: '198.51.100.2', protocol: 'geneve', vni: 100 }, selector: { groups: ['meters'] } };
    assert.deepEqual((await call(keyA, 'PUT', `/v1/gateways/${gw}/junction/redirection`, redir)).json, redir);
    assert.equal((await call(keyA, 'DELETE', `/v1/gateways/${gw}/junction/redirection`)).status, 204);
    const j = (await call(keyA, 'GET', `/v1/gateways/${gw}/junction`)).json;
    assert.equal(j.redirection, null);

    const audit = (await call(keyA, 'GET', '/v1/audit?limit=100')).json.items as { action: string; keyId: string | null }[];
    const actions = audit.map((a) => a.action);
    for (const a of ['gateway.create', 'gateway.update', 'group.create', 'device.create', 'device.update', 'device.import', 'junction.inspection.set', 'junction.mirroring.peer.add', 'junction.redirection.unset']) {
      assert.ok(actions.includes(a), `audit has ${a}`);
    }
    const byKey = audit.filter((a) => a.action !== 'operator.create' && a.action !== 'key.create');
    assert.ok(byKey.every((a) => a.keyId === keyA.split('_')[1]), 'changes are attributed to the key used');

    assert.equal((await call(keyA, 'DELETE', `/v1/gateways/${gw}/devices/${dev}`)).status, 204);
    assert.equal((await call(keyA, 'DELETE', `/v1/gateways/${gw}`)).status, 204);
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}`)).status, 404);
  } finally {
    await h.close();
  }
});

test('errors carry stable codes: validation, unknown route, bad JSON, media type', async () => {
  const h = await startApi();
  try {
    const { call, keyA } = h;
    let r = await call(keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.1/8'] });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    assert.match(r.json.error.problems[0].problem, /did you mean 10\.0\.0\.0\/8/);
    r = await call(keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/8'], extra: true });
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    r = await call(keyA, 'POST', '/v1/gateways', '{not json');
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    r = await call(keyA, 'POST', '/v1/gateways', 'x', { 'content-type': 'application/xml' });
    assert.equal(r.status, 415);
    assert.equal(r.json.error.code, 'FG_API_UNSUPPORTED_MEDIA_TYPE');
    r = await call(keyA, 'GET', '/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, 'FG_API_NOT_FOUND');
    r = await call(keyA, 'GET', '/v1/reports?from=yesterday');
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    for (const body of [r.json]) assert.ok(API_ERROR_CODES.includes(body.error.code));
  } finally {
    await h.close();
  }
});

test('keys: shown once, listed without secrets, scopes enforced, revocation', async () => {
  const h = await startApi();
  try {
    const { call, keyA } = h;
    let r = await call(keyA, 'POST', '/v1/keys', { name: 'reader', scopes: ['read'] });
    assert.equal(r.status, 201);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    const reader = r.json.key as string;
    const readerId = r.json.id as string;
    r = await call(keyA, 'GET', '/v1/keys');
    assert.ok(!r.text.includes(secretOf(reader)), 'no secret in the listing');
    assert.ok(r.json.items.every((k: Record<string, unknown>) => !('key' in k) && !('hash' in k)));
    assert.equal((await call(reader, 'GET', '/v1/gateways')).status, 200);
    r = await call(reader, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/8'] });
    assert.equal(r.status, 403);
    assert.equal(r.json.error.code, 'FG_API_FORBIDDEN');
    // X-API-Key works too
    assert.equal((await call(null, 'GET', '/v1/operators/self', undefined, { 'x-api-key': reader })).json.id, 'op-a');
    assert.equal((await call(keyA, 'DELETE', `/v1/keys/${readerId}`)).status, 204);
    r = await call(reader, 'GET', '/v1/gateways');
    assert.equal(r.status, 401);
    assert.equal(r.json.error.code, 'FG_API_UNAUTHORIZED');
    assert.equal((await call(null, 'GET', '/v1/gateways')).json.error.code, 'FG_API_UNAUTHORIZED');
  } finally {
    await h.close();
  }
});

test('failed authentication is rate limited per client address', async () => {
  const h = await startApi({ authLimit: { max: 3, windowMs: 60_000 } });
  try {
    for (let i = 0; i < 3; i++) assert.equal((await h.call('fgk_0000000000000000_' + 'x'.repeat(43), 'GET', '/v1/gateways')).status, 401);
    const r = await h.call('wrong', 'GET', '/v1/gateways');
    assert.equal(r.status, 429);
    assert.equal(r.json.error.code, 'FG_API_RATE_LIMITED');
    assert.ok(Number(r.headers.get('retry-after')) > 0);
    // even a valid key waits out the window from that address
    assert.equal((await h.call(h.keyA, 'GET', '/v1/gateways')).status, 429);
  } finally {
    await h.close();
  }
});

test('request size limits: 1 MiB JSON, 5 MiB CSV', async () => {
  const h = await startApi();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.128.0.0/9'] })).json.id;
    let r = await h.call(h.keyA, 'POST', '/v1/gateways', { name: 'x'.repeat(1100 * 1024), deviceSubnets: ['10.0.0.0/8'] });
    assert.equal(r.status, 413);
    assert.equal(r.json.error.code, 'FG_API_PAYLOAD_TOO_LARGE');
    // a 2 MiB CSV is accepted by the import route (and judged on its content)
    const lines = ['ip,name'];
    const pad = 'n'.repeat(100);
    for (let i = 0, len = 0; len < 2 * 1024 * 1024; i++) {
      const line = `10.${128 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255},${pad}-${i}`;
      lines.push(line);
      len += line.length + 1;
    }
    r = await h.call(h.keyA, 'POST', `/v1/gateways/${gw}/devices/import`, lines.join('\n'), { 'content-type': 'text/csv' });
    assert.notEqual(r.status, 413, r.text.slice(0, 200));
    r = await h.call(h.keyA, 'POST', `/v1/gateways/${gw}/devices/import`, 'ip\n' + '10.128.0.1\n'.repeat(600_000), { 'content-type': 'text/csv' });
    assert.equal(r.status, 413);
  } finally {
    await h.close();
  }
});

test('OpenAPI document lists every route with schemas and error responses', async () => {
  const h = await startApi();
  try {
    const doc = (await h.call(null, 'GET', '/openapi.json')).json;
    assert.equal(doc.openapi, '3.0.3');
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        documented.add(`${method.toUpperCase()} ${path}`);
        assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${method} ${path} documents its errors`);
      }
    }
    const registered = h.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((l) => l.includes('v1/')); // (the dashboard's / route makes /v1 a child of /)
    assert.ok(registered.length > 0);
    for (const want of ['GET /v1/gateways/{gw}/junction/mirroring/peers/{ipaddr}', 'POST /v1/gateways/{gw}/devices/import', 'GET /v1/gateways/{gw}/packet_capture_sessions/{sessionId}/pcap', 'DELETE /v1/keys/{keyId}']) {
      assert.ok(documented.has(want), want);
    }
    assert.ok(documented.size >= 40, `documented ${documented.size} operations`);
  } finally {
    await h.close();
  }
});

test('logs never contain API keys', async () => {
  let logs = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      logs += String(chunk);
      cb();
    },
  });
  const h = await startApi({ logger: { level: 'trace', stream } });
  try {
    const created = await h.call(h.keyA, 'POST', '/v1/keys', { name: 'k', scopes: ['read'] });
    await h.call(created.json.key, 'GET', '/v1/gateways');
    await h.call(null, 'GET', '/v1/gateways', undefined, { 'x-api-key': h.keyB });
    await h.call('fgk_0000000000000000_' + 'y'.repeat(43), 'GET', '/v1/gateways');
    assert.ok(logs.length > 0, 'something was logged');
    for (const k of [h.keyA, h.keyB, created.json.key as string]) assert.ok(!logs.includes(secretOf(k)), 'no key secret in logs');
    assert.ok(!logs.includes('y'.repeat(43)));
  } finally {
    await h.close();
  }
});
