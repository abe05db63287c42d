// /v1/gateways/{gw}/outputs: round trip, the YAML's validation messages at body paths, write-only
// secrets (never returned, never audited), scopes, operator isolation, and the status route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { LiveDataPlane } from '../../src/control/live-data-plane.js';
import { parseConfigObject } from '../../src/control/config/index.js';
import { ConfigProblems } from '../../src/control/config/config-errors.js';
import { startApi } from './api-harness.js';

const SECRET = 'hmac-very-secret-42';
const PG_PASS = 'pg-pass-77';
const outputsBody = () => ({
  sinks: [
    { name: 'files', kind: 'jsonl', path: 'reports.jsonl', types: ['inspection'] },
    { name: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/in', secret: SECRET, headers: { Authorization: 'Bearer tok-123', 'X-Team': 'blue' }, envelope: false },
    { name: 'db', kind: 'postgres', connectionString: `postgres://fg:${PG_PASS}@127.0.0.1:5432/fg`, types: ['flow'] },
  ],
});

test('outputs: PUT then GET round trip with defaults filled and secrets masked, audited without secrets', async () => {
  const h = await startApi();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/24'] })).json.id as string;
    assert.deepEqual((await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs`)).json, { sinks: [] });
    const put = await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, outputsBody());
    assert.equal(put.status, 200, put.text);
    const get = await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs`);
    assert.equal(get.status, 200);
    assert.deepEqual(get.json, put.json);
    const [files, hook, db] = get.json.sinks;
    assert.deepEqual(files, { name: 'files', kind: 'jsonl', path: 'reports.jsonl', types: ['inspection'], envelope: true, batchSize: 500 });
    assert.equal(hook.secret, '***');
    assert.deepEqual(hook.headers, { Authorization: '***', 'X-Team': 'blue' });
    assert.equal(hook.envelope, false);
    assert.equal(db.connectionString, 'postgres://fg:***@127.0.0.1:5432/fg');
    for (const s of [SECRET, 'tok-123', PG_PASS]) {
      assert.ok(!get.text.includes(s) && !put.text.includes(s), `${s} returned`);
      assert.ok(!JSON.stringify(h.store.audit.list('op-a', 100)).includes(s), `${s} audited`);
    }
    // the data path gets the real values
    const snap = h.store.snapshot(gw)!;
    assert.equal(snap.outputs?.sinks[1].options.secret, SECRET);
    const audit = h.store.audit.list('op-a', 1)[0];
    assert.equal(audit.action, 'outputs.set');
    assert.equal(audit.resource, `gateways/${gw}/outputs`);

    // GET, edit, PUT back: "***" keeps the stored secrets
    const edited = get.json;
    edited.sinks[0].batchSize = 100;
    assert.equal((await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, edited)).status, 200);
    const s2 = h.store.snapshot(gw)!;
    assert.ok(s2.version > snap.version);
    assert.equal(s2.outputs?.sinks[1].options.secret, SECRET);
    assert.deepEqual(s2.outputs?.sinks[1].options.headers, { Authorization: 'Bearer tok-123', 'X-Team': 'blue' });
    assert.equal(s2.outputs?.sinks[2].options.connectionString, `postgres://fg:${PG_PASS}@127.0.0.1:5432/fg`);
    assert.equal(s2.outputs?.sinks[0].batchSize, 100);
    // a new secret replaces the old one
    edited.sinks[1].secret = 'rotated';
    await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, edited);
    assert.equal(h.store.snapshot(gw)!.outputs?.sinks[1].options.secret, 'rotated');
    // "***" for an output that has no stored secret is refused
    const bad = await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks: [{ name: 'new-hook', kind: 'webhook', url: 'http://127.0.0.1:9/', secret: '***' }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.problems[0].path, 'body.sinks[0].secret');
    // an empty list removes every output
    assert.deepEqual((await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks: [] })).json, { sinks: [] });
    assert.equal(h.store.snapshot(gw)!.outputs, null);
  } finally {
    await h.close();
  }
});

test('outputs: validation gives the YAML loader\'s messages at body paths', async () => {
  const h = await startApi();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/24'] })).json.id as string;
    const sinks = [
      { name: 'a', kind: 'jsonl', path: 'a.jsonl' },
      { name: 'a', kind: 'webhook', url: 'ftp://x' },
      { name: 'b', kind: 'jsonl', path: 'x.jsonl', types: ['inspection', 'nope'], batchSize: 0 },
      { name: 'c', kind: 'ipfix' },
    ];
    const r = await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks, extra: 1 });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, 'FG_API_VALIDATION');
    const got = new Map<string, string>((r.json.error.problems as { path: string; problem: string }[]).map((p) => [p.path, p.problem]));
    // the same body as gateway.outputs in a config
    let yaml: { path: string; problem: string }[] = [];
    try {
      parseConfigObject({ operator: { id: 'op' }, gateway: { id: 'g', deviceSubnets: ['10.0.0.0/24'], outputs: { sinks, extra: 1 } } });
      assert.fail('the config should be refused');
    } catch (e) {
      assert.ok(e instanceof ConfigProblems);
      yaml = e.problems.map((p) => ({ path: p.path, problem: p.problem }));
    }
    assert.ok(yaml.length >= 5, JSON.stringify(yaml));
    for (const y of yaml) {
      const at = y.path.replace(/^gateway\.outputs/, 'body');
      assert.equal(got.get(at), y.problem, `${at}: API says ${got.get(at)}, YAML says ${y.problem}`);
    }
    assert.equal(got.size, yaml.length);
    assert.match(got.get('body.sinks[1].name') ?? '', /duplicates the name of gateway\.outputs\.sinks\[0\]/);
    // API only: files must stay inside the gateway's outputs folder
    for (const [path, body] of [
      ['body.sinks[0].path', { sinks: [{ name: 'x', kind: 'jsonl', path: '/etc/passwd' }] }],
      ['body.sinks[0].path', { sinks: [{ name: 'x', kind: 'jsonl', path: 'a/../../b' }] }],
      ['body.spool.dir', { spool: { dir: '/var/tmp' }, sinks: [] }],
    ] as const) {
      const x = await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, body);
      assert.equal(x.status, 400);
      assert.equal(x.json.error.problems[0].path, path);
    }
    assert.equal(h.store.snapshot(gw)!.outputs, null, 'nothing stored');
  } finally {
    await h.close();
  }
});

test('outputs: read scope reads, write scope changes, another operator sees nothing', async () => {
  const h = await startApi();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/24'] })).json.id as string;
    assert.equal((await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, outputsBody())).status, 200);
    const ro = h.store.operators.createKey(systemActor('op-a'), 'ro', ['read']).key;
    assert.equal((await h.call(ro, 'GET', `/v1/gateways/${gw}/outputs`)).status, 200);
    assert.equal((await h.call(ro, 'GET', `/v1/gateways/${gw}/outputs/status`)).status, 200);
    const denied = await h.call(ro, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks: [] });
    assert.equal(denied.status, 403);
    for (const [m, p] of [
      ['GET', 'outputs'],
      ['PUT', 'outputs'],
      ['GET', 'outputs/status'],
    ] as const) {
      const r = await h.call(h.keyB, m, `/v1/gateways/${gw}/${p}`, m === 'PUT' ? { sinks: [] } : undefined);
      assert.equal(r.status, 404, `${m} ${p}`);
      assert.ok(!r.text.includes('hook') && !r.text.includes('reports.jsonl'));
    }
    assert.equal(h.store.snapshot(gw)!.outputs?.sinks.length, 3, 'B changed nothing');
  } finally {
    await h.close();
  }
});

test('outputs/status: running false without a data path; per-output counters with one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-out-api-'));
  const store = Store.open(':memory:');
  const dataPlane = new LiveDataPlane({ store, captureDir: join(dir, 'captures'), flowCapacity: 1024 });
  const h = await startApi({ store, dataPlane });
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/24'] })).json.id as string;
    const st0 = await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs/status`);
    assert.deepEqual({ running: st0.json.running, items: st0.json.items }, { running: false, items: [] });
    const rt = dataPlane.attach(gw);
    await h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks: [{ name: 'files', kind: 'jsonl', path: 'r.jsonl' }] });
    rt.beginBatch();
    await rt.outputs.settled();
    const st = await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs/status`);
    assert.equal(st.json.running, true);
    assert.deepEqual(st.json.items, [{ name: 'files', kind: 'jsonl', state: 'open', queued: 0, sent: 0, retried: 0, spooled: 0, dropped: 0, lastError: null }]);
  } finally {
    await dataPlane.closeAndDrain();
    await h.close(); // closes the store
    rmSync(dir, { recursive: true, force: true });
  }
});
