// THE cross-operator matrix: every route of the OpenAPI document, called with operator B's key on
// operator A's resources, answers 404 or 403 and carries none of A's data. A route added later is
// enumerated automatically; a new path parameter fails the test until it is mapped here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/control/store/store.js';
import { LiveDataPlane } from '../../src/control/live-data-plane.js';
import { startApi } from './api-harness.js';

test('operator B gets 404/403 and no data on every route for operator A resources', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-iso-'));
  const store = Store.open(':memory:');
  const dataPlane = new LiveDataPlane({ store, captureDir: dir, flowCapacity: 1024 });
  const h = await startApi({ store, dataPlane });
  try {
    const { call, keyA, keyB } = h;
    // operator A's world
    const gw = (await call(keyA, 'POST', '/v1/gateways', { name: 'a-secret-gateway', deviceSubnets: ['10.128.0.0/16'] })).json.id as string;
    await call(keyA, 'POST', `/v1/gateways/${gw}/groups`, { name: 'a-meters' });
    const dev = (await call(keyA, 'POST', `/v1/gateways/${gw}/devices`, { ip: '10.128.0.5', imsi: '001010000000555', name: 'a-device', group: 'a-meters' })).json.id as string;
    await call(keyA, 'POST', `/v1/gateways/${gw}/junction/mirroring/peers`, { ipAddress: '192.0.2.55', protocol: 'gre', enabled: true, description: 'a-peer' });
    await call(keyA, 'PUT', `/v1/gateways/${gw}/junction/redirection`, { enabled: true, gateway: { address: '198.51.100.55', protocol: 'vxlan', vni: 55 } });
    const aKeyId = (await call(keyA, 'POST', '/v1/keys', { name: 'a-key', scopes: ['read'] })).json.id as string;
    dataPlane.attach(gw);
    const cap = (await call(keyA, 'POST', `/v1/gateways/${gw}/packet_capture_sessions`, { duration: 60, prefix: 'a_cap' })).json.sessionId as string;
    assert.equal((await call(keyA, 'POST', `/v1/gateways/${gw}/packet_capture_sessions/${cap}/stop`)).json.status, 'STOPPED');
    store.history.addReports([
      {
        recordType: 'inspection',
        recordId: `${gw}:1:10.128.0.5`,
        operatorId: 'op-a',
        gatewayId: gw,
        timestamp: 1,
        payloads: { device: { ip: '10.128.0.5', registered: true }, interval: { start: 0, end: 1 }, uplink: { packets: 1, bytes: 1 }, downlink: { packets: 0, bytes: 0 }, flows: { active: 1, new: 1 }, destinations: [], applications: [{ app: 'a-app', method: 'dpi', packets: 1, bytes: 1, uplinkBytes: 1, downlinkBytes: 0, flows: 1 }] },
      },
    ]);
    store.history.addFlows('op-a', gw, [
      { proto: 'UDP', ipVersion: 4, aAddr: '10.128.0.5', aPort: 1, bAddr: '203.0.113.1', bPort: 2, pktsAB: 1, pktsBA: 0, bytesAB: 1, bytesBA: 0, firstUs: 1000, lastUs: 2000, app: 'a-app', appMethod: 'port', device: { ip: '10.128.0.5', side: 'a' }, endReason: 'idle' },
    ]);

    const params: Record<string, string> = { gw, name: 'a-meters', deviceId: dev, ipaddr: '192.0.2.55', sessionId: cap, keyId: aKeyId };
    const markers = [gw, dev, cap, aKeyId, 'a-secret-gateway', 'a-meters', 'a-device', '001010000000555', '192.0.2.55', '198.51.100.55', 'a-app', 'op-a', '10.128.0.5'];
    const doc = (await call(null, 'GET', '/openapi.json')).json as { paths: Record<string, Record<string, unknown>> };
    const ops: { method: string; path: string }[] = [];
    for (const [p, methods] of Object.entries(doc.paths)) for (const m of Object.keys(methods)) ops.push({ method: m.toUpperCase(), path: p });
    assert.ok(ops.length >= 40, `${ops.length} operations`);

    const url = (p: string) => {
      const filled = p.replace(/\{(\w+)\}/g, (_m, n: string) => {
        assert.ok(n in params, `path parameter {${n}} of ${p} has no operator-A value in this test; add one`);
        return encodeURIComponent(params[n]);
      });
      return filled === '/v1/reports' || filled === '/v1/flows' ? `${filled}?gateway=${gw}` : filled;
    };
    const bodyFor = (method: string, p: string) =>
      method === 'GET' || method === 'DELETE' ? {} : p.endsWith('/import') ? { body: 'ip\n10.128.0.9\n', headers: { 'content-type': 'text/csv' } } : { body: {} };

    // sanity: A itself reads every GET route successfully (so the ids above are real)
    for (const op of ops.filter((o) => o.method === 'GET')) {
      const r = await call(keyA, 'GET', url(op.path));
      assert.equal(r.status, 200, `A: GET ${op.path} → ${r.status} ${r.text.slice(0, 120)}`);
    }

    let checked = 0;
    for (const op of ops) {
      const b = bodyFor(op.method, op.path) as { body?: unknown; headers?: Record<string, string> };
      const u = url(op.path);
      const r = await call(keyB, op.method, u, b.body, b.headers);
      // echoing what B itself sent (an id in the URL) reveals nothing; everything else must not appear
      const sent = decodeURIComponent(u) + JSON.stringify(b.body ?? '');
      const scoped = op.path.includes('{') || op.path === '/v1/reports' || op.path === '/v1/flows';
      if (scoped) assert.ok(r.status === 404 || r.status === 403, `B: ${op.method} ${op.path} → ${r.status} ${r.text.slice(0, 120)}`);
      else assert.ok(r.status < 500, `B: ${op.method} ${op.path} → ${r.status}`);
      for (const m of markers) assert.ok(sent.includes(m) || !r.text.includes(m), `B: ${op.method} ${op.path} leaks '${m}': ${r.text.slice(0, 200)}`);
      checked++;
    }
    assert.equal(checked, ops.length);

    // nothing of A changed
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/devices/${dev}`)).status, 200);
    assert.equal((await call(keyA, 'GET', `/v1/gateways/${gw}/junction/mirroring/peers/192.0.2.55`)).status, 200);
    assert.ok((await call(keyA, 'GET', '/v1/keys')).json.items.some((k: { id: string }) => k.id === aKeyId));
    assert.equal(store.audit.list('op-b', 1000).filter((a) => a.resource.includes(gw)).length, 0, 'B changed nothing of A');
  } finally {
    await h.close();
    dataPlane.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
