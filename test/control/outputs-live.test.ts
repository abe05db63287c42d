// End to end: outputs configured through the API on a LiveDataPlane fed by the simulator. Reports
// and flows arrive in a JSONL file and at a local webhook receiver; a change to the list keeps the
// unchanged output running (same batcher, counters continue) and reopens the changed one with a
// drain, and nothing is lost on either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/control/store/store.js';
import { LiveDataPlane, type GatewayRuntime } from '../../src/control/live-data-plane.js';
import { LiveSimulator } from '../../src/sim/index.js';
import { startApi } from '../api/api-harness.js';

interface Received {
  lines: string[];
  headers: IncomingMessage['headers'][];
}

async function receiver(): Promise<{ url: string; got: Received; close(): Promise<void> }> {
  const got: Received = { lines: [], headers: [] };
  const srv = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      got.headers.push(req.headers);
      for (const l of Buffer.concat(parts).toString('utf8').split('\n')) if (l) got.lines.push(l);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/in`, got, close: () => new Promise((r) => srv.close(() => r())) };
}

/** Simulated traffic in fast virtual time: `seconds` of traffic, one batch per virtual second. */
function feed(rt: GatewayRuntime, sim: LiveSimulator, clock: { us: number }, seconds: number): void {
  for (let i = 0; i < seconds; i++) {
    clock.us += 1_000_000;
    rt.beginBatch();
    sim.nextBatch(clock.us, (buf, off, len, tsUs) => rt.feed(buf, off, len, len, tsUs));
    rt.endBatch();
  }
}

const count = (store: Store, table: string) => store.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;

async function until(what: string, fn: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('outputs set through the API reach a JSONL file and a webhook; a change keeps the unchanged output and loses nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-out-live-'));
  const store = Store.open(':memory:');
  const dataPlane = new LiveDataPlane({ store, captureDir: join(dir, 'captures'), outputsDir: join(dir, 'outputs'), flowCapacity: 1 << 14 });
  const h = await startApi({ store, dataPlane });
  const hook = await receiver();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.128.0.0/16'], inspection: { intervalSeconds: 10 } })).json.id as string;
    const rt = dataPlane.attach(gw);
    const put = (sinks: object[]) => h.call(h.keyA, 'PUT', `/v1/gateways/${gw}/outputs`, { sinks });
    const files = { name: 'files', kind: 'jsonl', path: 'records.jsonl', types: ['inspection', 'flow'] };
    const r1 = await put([files, { name: 'hook', kind: 'webhook', url: hook.url, types: ['inspection'], secret: 's3cret', headers: { 'X-Round': 'one' } }]);
    assert.equal(r1.status, 200, r1.text);

    const start = Date.UTC(2026, 0, 1) * 1000;
    const sim = new LiveSimulator({ devices: 20, seed: 7, durationSec: 3600, startTimeUs: start });
    const clock = { us: start };
    feed(rt, sim, clock, 35); // three 10 s intervals closed
    await rt.outputs.settled();
    const reports1 = count(store, 'inspection_reports');
    assert.ok(reports1 >= 20, `${reports1} reports`);
    await until('the webhook to get the first reports', () => hook.got.lines.length === reports1);
    const env = JSON.parse(hook.got.lines[0]) as { type: string; gateway: string; operator: string; record: { recordType: string } };
    assert.equal(env.type, 'inspection');
    assert.equal(env.gateway, gw);
    assert.equal(env.operator, 'op-a');
    assert.equal(env.record.recordType, 'inspection');
    assert.match(String(hook.got.headers[0]['x-fleetgate-signature']), /^sha256=[0-9a-f]{64}$/);
    assert.equal(hook.got.headers[0]['x-round'], 'one');

    // change the webhook only (GET, edit, PUT: the secret stays "***"); the JSONL output keeps running
    const before = rt.outputs.status().find((s) => s.name === 'files')!;
    assert.ok(before.queued > reports1, 'files took reports and flows');
    const current = (await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs`)).json as { sinks: Record<string, unknown>[] };
    current.sinks[1].headers = { 'X-Round': 'two' };
    assert.equal((await put(current.sinks)).status, 200);
    feed(rt, sim, clock, 30);
    await rt.outputs.settled();
    const status = (await h.call(h.keyA, 'GET', `/v1/gateways/${gw}/outputs/status`)).json as { items: { name: string; state: string; queued: number; sent: number }[] };
    const filesNow = status.items.find((s) => s.name === 'files')!;
    const hookNow = status.items.find((s) => s.name === 'hook')!;
    assert.ok(filesNow.queued > before.queued, 'the unchanged output kept its counters (same batcher)');
    assert.equal(hookNow.state, 'open');
    const reports2 = count(store, 'inspection_reports');
    assert.ok(reports2 > reports1);
    assert.ok(hookNow.queued <= reports2 - reports1 && hookNow.queued > 0, `the new webhook output started at 0 (${hookNow.queued})`);
    await until('every report at the webhook', () => hook.got.lines.length === reports2);
    assert.equal(hook.got.headers.at(-1)!['x-round'], 'two');
    assert.match(String(hook.got.headers.at(-1)!['x-fleetgate-signature']), /^sha256=/, 'the kept secret still signs');

    // remove everything: the data path drains and closes the outputs
    assert.equal((await put([])).status, 200);
    feed(rt, sim, clock, 1);
    await rt.outputs.settled();
    assert.deepEqual(rt.outputs.status(), []);
    const path = join(dir, 'outputs', 'op-a', gw, 'records.jsonl');
    assert.ok(existsSync(path));
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; id: string });
    const reportsNow = count(store, 'inspection_reports');
    const flowsNow = count(store, 'flows');
    assert.equal(lines.filter((l) => l.type === 'inspection').length, reportsNow, 'every report in the file');
    assert.equal(lines.filter((l) => l.type === 'flow').length, flowsNow, 'every flow in the file');
    assert.equal(new Set(lines.map((l) => l.id)).size, lines.length, 'no duplicates');
    assert.equal(hook.got.lines.length, reports2, 'the webhook stopped with its removal');
  } finally {
    await dataPlane.closeAndDrain();
    await h.close(); // closes the store
    await hook.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
