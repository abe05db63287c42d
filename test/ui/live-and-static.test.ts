// The dashboard's server side: the SSE live stream (auth, operator scope, live counters and rates,
// Junction peer state, ending on close) and the static dashboard (CSP, assets, no traversal).
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { systemActor } from '../../src/control/auth/actor.js';
import { Store } from '../../src/control/store/store.js';
import { buildServer } from '../../src/api/server.js';
import { DASHBOARD_CSP } from '../../src/api/static.js';
import type { LiveEvent } from '../../src/api/routes/live.js';
import { ensureUiBuilt, startDashboardServer, UI_DIR } from './_support/dashboard-server.js';

/** Reads `n` SSE events from a live stream, then cancels it. */
async function readEvents(res: Response, n: number): Promise<LiveEvent[]> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const out: LiveEvent[] = [];
  let buf = '';
  while (out.length < n) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let cut: number;
    while ((cut = buf.indexOf('\n\n')) >= 0 && out.length < n) {
      const block = buf.slice(0, cut);
      buf = buf.slice(cut + 2);
      const data = block.split('\n').find((l) => l.startsWith('data: '));
      if (data) {
        assert.ok(block.includes('event: live'), block);
        out.push(JSON.parse(data.slice(6)) as LiveEvent);
      }
    }
  }
  await reader.cancel();
  return out;
}

test('live stream: needs a key, is scoped to the operator, streams counters with rates and peer state', { timeout: 30_000 }, async () => {
  const s = await startDashboardServer(10);
  try {
    const url = `${s.base}/v1/gateways/${s.gatewayId}/live?period=250`;
    assert.equal((await fetch(url)).status, 401);
    s.store.operators.create('other');
    const otherKey = s.store.operators.createKey(systemActor('other'), 'x', ['read']).key;
    const other = await fetch(url, { headers: { authorization: `Bearer ${otherKey}` } });
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'FG_API_NOT_FOUND');
    assert.equal((await fetch(`${s.base}/v1/gateways/${s.gatewayId}/live?period=10`, { headers: { authorization: `Bearer ${s.key}` } })).status, 400);

    s.junction.status = { mirroring: [{ address: '192.0.2.9', sent: 7 }], redirection: null };
    // Without Accept: text/event-stream, one event as JSON (generic clients never hang).
    const one = await fetch(url, { headers: { authorization: `Bearer ${s.key}` } });
    assert.equal(one.status, 200);
    assert.match(one.headers.get('content-type') ?? '', /^application\/json/);
    const single = (await one.json()) as LiveEvent;
    assert.equal(single.running, true);
    assert.ok(single.counters.frames > 0);
    const res = await fetch(url, { headers: { authorization: `Bearer ${s.key}`, accept: 'text/event-stream' } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.match(res.headers.get('cache-control') ?? '', /no-cache/);
    const t0 = Date.now();
    const ev = await readEvents(res, 5);
    const ms = Date.now() - t0;
    assert.equal(ev.length, 5);
    assert.ok(ms < 3000, `5 events at 250 ms took ${ms} ms`);
    for (const e of ev) {
      assert.equal(e.gatewayId, s.gatewayId);
      assert.equal(e.running, true);
      assert.deepEqual(e.junction, { mirroring: [{ address: '192.0.2.9', sent: 7 }], redirection: null });
    }
    assert.deepEqual(ev[0].rates, { framesPerSec: 0, ipPacketsPerSec: 0, ipBitsPerSec: 0, upBitsPerSec: 0, downBitsPerSec: 0 });
    assert.ok(ev[4].counters.frames > 0 && ev[4].counters.frames >= ev[1].counters.frames);
    // The simulator runs: some later event has a non-zero rate.
    assert.ok(ev.slice(1).some((e) => e.rates.framesPerSec > 0 && e.rates.ipBitsPerSec > 0), JSON.stringify(ev.map((e) => e.rates)));
    // Directional counters and rates: up + down is all IP traffic.
    for (const e of ev) {
      assert.equal(e.counters.upBytes + e.counters.downBytes, e.counters.ipBytes);
      assert.equal(e.counters.upPackets + e.counters.downPackets, e.counters.ipPackets);
    }
    assert.ok(ev.slice(1).some((e) => e.rates.upBitsPerSec > 0) && ev.slice(1).some((e) => e.rates.downBitsPerSec > 0), JSON.stringify(ev.map((e) => e.rates)));
  } finally {
    await s.close();
  }
});

test('live stream: closing the server ends open streams (no hang)', { timeout: 15_000 }, async () => {
  const s = await startDashboardServer(5);
  const res = await fetch(`${s.base}/v1/gateways/${s.gatewayId}/live`, { headers: { authorization: `Bearer ${s.key}`, accept: 'text/event-stream' } });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  await reader.read();
  const t0 = Date.now();
  await s.close();
  assert.ok(Date.now() - t0 < 3000, 'closed promptly');
  // The stream ended: reading finishes (done) instead of waiting forever.
  for (;;) {
    const r = await reader.read().catch(() => ({ done: true }));
    if (r.done) break;
  }
});

test('dashboard: served at / with a strict CSP, hashed assets, no traversal', { timeout: 60_000 }, async () => {
  ensureUiBuilt();
  const store = Store.open(':memory:');
  const app = buildServer({ store, uiDir: join(UI_DIR, 'dist') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.equal(page.headers.get('content-security-policy'), DASHBOARD_CSP);
    assert.match(DASHBOARD_CSP, /script-src 'self'(;|$)/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const html = await page.text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(js, html);
    assert.doesNotMatch(html.replace(/<script[^>]*src=[^>]*><\/script>/g, ''), /<script/, 'no inline script');
    const asset = await fetch(base + js);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.ok((await asset.text()).length > 1000);
    for (const bad of ['/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/nope.js', '/assets/.env']) {
      const r = await fetch(base + bad);
      assert.ok(r.status === 404, `${bad}: ${r.status}`);
      assert.doesNotMatch(await r.text(), /"name": "fleetgate"/);
    }
    // Unnormalised paths straight to the router (fetch would clean them up first).
    for (const bad of ['/assets/../../package.json', '/assets/..%2f..%2f..%2fpackage.json', '/assets//etc/passwd']) {
      const r = await app.inject({ method: 'GET', url: bad });
      assert.notEqual(r.statusCode, 200, bad);
      assert.doesNotMatch(r.body, /"name": "fleetgate"|root:/);
    }
    // The API is unchanged beside it.
    assert.equal((await fetch(`${base}/v1/gateways`)).status, 401);
  } finally {
    await app.close();
  }
  // Not built: / says how to build it. Disabled: no route.
  const empty = mkdtempSync(join(tmpdir(), 'fg-noui-'));
  const app2 = buildServer({ store, uiDir: empty });
  const r2 = await app2.inject({ method: 'GET', url: '/' });
  assert.equal(r2.statusCode, 503);
  assert.match(r2.body, /npm run build:ui/);
  await app2.close();
  const app3 = buildServer({ store, uiDir: false });
  assert.equal((await app3.inject({ method: 'GET', url: '/' })).statusCode, 404);
  await app3.close();
  store.close();
  rmSync(empty, { recursive: true, force: true });
});
