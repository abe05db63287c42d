// The dashboard in a real browser (Debian's chromium driven by playwright-core) against the demo's
// server: login with an operator key, every page loads with no console error and shows live
// simulator data, hostile device-controlled names are shown as text and never run, and a mirroring
// peer added in the UI reaches the API and the gateway's published snapshot. Screenshots go to
// test-output/ui/ (CI artefacts).
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { needTool } from '../_support/tools.js';
import { ensureUiBuilt, startDashboardServer, type DashboardServer } from './_support/dashboard-server.js';
import { HOSTILE_HOST, HOSTILE_SNI } from './_support/hostile.js';
import { SHOTS, openWatchedPage, shot, type WatchedPage } from './_support/browser.js';
import type { GatewaySnapshot } from '../../src/control/snapshot/gateway-snapshot.js';


// What page functions use (the test build has no DOM types; these run in the page, serialized, so
// they reach the page's globals through casts, not through helpers of this module).
interface PageGlobal {
  __xss?: unknown;
  document: {
    querySelector(sel: string): { textContent: string | null } | null;
    querySelectorAll(sel: string): ArrayLike<{ src?: string }> & Iterable<{ src?: string }>;
  };
}

/** Nothing device-controlled ran and no markup of it reached the DOM. */
async function assertNoScriptRan(page: Page): Promise<void> {
  const r = await page.evaluate(() => {
    const w = globalThis as unknown as PageGlobal;
    return {
      xss: w.__xss ?? null,
      imgs: w.document.querySelectorAll('img').length,
      scripts: [...w.document.querySelectorAll('script')].filter((s) => !s.src).length,
    };
  });
  assert.deepEqual(r, { xss: null, imgs: 0, scripts: 0 });
}

test('dashboard: login, live pages, escaped device names, mirroring peer from the UI', { timeout: 120_000 }, async (t) => {
  if (!needTool(t, 'chromium')) return;
  ensureUiBuilt();
  let srv: DashboardServer | null = null;
  let browser: WatchedPage | null = null;
  try {
    srv = await startDashboardServer(20);
    const s = srv;
    // A redirection with a standby, so the Junction page has peer state to show.
    s.store.gateways.setRedirection({ operatorId: s.operatorId, keyId: null, scopes: ['read', 'write'] }, s.gatewayId, {
      enabled: true,
      gateway: { address: '198.51.100.1', protocol: 'geneve', vni: 100 },
      standby: { address: '198.51.100.2', protocol: 'geneve', vni: 100 },
    });
    browser = await openWatchedPage();
    const { page, problems } = browser;

    // Login.
    const t0 = Date.now();
    await page.goto(`${s.base}/`);
    await page.fill('input[name=key]', s.key);
    await page.click('button[type=submit]');

    // Overview: devices online, throughput, top apps and destinations from the simulator.
    const online = page.locator('[data-testid=stat-online] .stat-value');
    await page.waitForFunction(() => /^[1-9]\d* \/ 20$/.test((globalThis as unknown as PageGlobal).document.querySelector('[data-testid=stat-online] .stat-value')?.textContent ?? ''), null, { timeout: 20_000 });
    const loadMs = Date.now() - t0;
    assert.match(await online.innerText(), /^[1-9]\d* \/ 20$/);
    await page.locator('[data-testid=top-apps] tbody tr').first().waitFor();
    const apps = await page.locator('[data-testid=top-apps] tbody').innerText();
    assert.match(apps, /TLS|MQTT|DNS/);
    assert.equal(await page.locator('[data-testid=live-state]').innerText(), 'live');
    // Live without reload: the live throughput changes as the simulator runs.
    const tp = page.locator('[data-testid=stat-throughput] .stat-value');
    const before = await tp.innerText();
    const firstFlows = await page.locator('[data-testid=stat-flows] .stat-value').innerText();
    await page.waitForFunction(
      ([b, f]) => {
        const d = (globalThis as unknown as PageGlobal).document;
        return d.querySelector('[data-testid=stat-throughput] .stat-value')?.textContent !== b || d.querySelector('[data-testid=stat-flows] .stat-value')?.textContent !== f;
      },
      [before, firstFlows],
      { timeout: 10_000 },
    );
    assert.match(await tp.innerText(), /bit\/s$/);
    assert.match(await page.locator('[data-testid=top-destinations] tbody').innerText(), /:443\/TCP|:8883\/TCP|:53\/UDP/);
    await assertNoScriptRan(page);
    await page.waitForTimeout(1500); // let the charts draw a few live points
    await shot(page, '1-overview');

    // Devices: searchable table, then a device page.
    await page.click('nav a[href="#/devices"]');
    const rows = page.locator('[data-testid=device-table] tbody tr');
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('[data-testid=device-table] tbody tr').length === 20);
    const name = (await rows.first().locator('td').first().innerText()).trim();
    await page.fill('input[name=search]', name);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobal).document.querySelectorAll('[data-testid=device-table] tbody tr').length === 1);
    await shot(page, '2-devices');
    await rows.first().locator('a').click();
    await page.locator('[data-testid=device-title]', { hasText: name }).waitFor({ timeout: 5_000 });
    assert.equal((await page.locator('[data-testid=device-title]').innerText()).trim(), name);
    await page.locator('[data-testid=device-apps] tbody tr').first().waitFor({ timeout: 15_000 });
    assert.ok((await page.locator('[data-testid=device-apps] tbody tr').count()) >= 1);
    await page.locator('[data-testid=device-captures] button').click();
    await page.locator('[data-testid=device-captures] tbody tr').first().waitFor({ timeout: 5_000 });
    assert.match(await page.locator('[data-testid=device-captures] tbody').innerText(), /CAPTURING|DONE/);
    await shot(page, '3-device');

    // The hostile device's page: its destinations carry the hostile HTTP Host and TLS SNI, as text.
    await page.goto(`${s.base}/#/devices/${encodeURIComponent(s.hostileDevice)}`);
    const hdest = page.locator('[data-testid=device-destinations]');
    await page.getByText(HOSTILE_SNI, { exact: false }).first().waitFor({ timeout: 10_000 });
    const htext = await hdest.innerText();
    assert.ok(htext.includes(HOSTILE_HOST) && htext.includes(HOSTILE_SNI), htext);
    await assertNoScriptRan(page);
    await shot(page, '4-device-hostile');

    // Applications: across the fleet and per group.
    await page.click('nav a[href="#/applications"]');
    await page.locator('[data-testid=fleet-apps] tbody tr').first().waitFor();
    assert.ok((await page.locator('[data-testid=group-apps] section').count()) >= 1);
    assert.match(await page.locator('[data-testid=group-apps]').innerText(), /Group /);
    await page.waitForTimeout(500);
    await shot(page, '5-applications');

    // Junction: add a mirroring peer in the UI → API and the published snapshot have it (a loopback
    // address: the data plane now really sends copies to it).
    const snaps: GatewaySnapshot[] = [];
    const unsub = s.store.onSnapshot(s.gatewayId, (snap) => snaps.push(snap));
    await page.click('nav a[href="#/junction"]');
    await page.locator('[data-testid=inspection]').getByText('every 10 s').waitFor();
    await page.fill('[data-testid=add-peer] input[name=ipAddress]', '127.0.0.77');
    await page.selectOption('[data-testid=add-peer] select[name=protocol]', 'vxlan');
    await page.fill('[data-testid=add-peer] input[name=id]', '42');
    await page.click('[data-testid=add-peer] button[type=submit]');
    await page.locator('tr[data-peer="127.0.0.77"]').waitFor();
    unsub();
    const r = await fetch(`${s.base}/v1/gateways/${s.gatewayId}/junction/mirroring/peers/127.0.0.77`, { headers: { authorization: `Bearer ${s.key}` } });
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { ipAddress: '127.0.0.77', protocol: 'vxlan', vni: 42, enabled: true });
    assert.ok(snaps.some((x) => x.junction.mirroring.peers.some((p) => p.ipAddress === '127.0.0.77' && p.vni === 42)), 'a snapshot with the peer was published');
    assert.ok(s.store.snapshot(s.gatewayId)?.junction.mirroring.peers.some((p) => p.ipAddress === '127.0.0.77'));
    // The running data path takes it at its next batch boundary.
    const deadline = Date.now() + 3000;
    while (!s.runtime.snapshot.junction.mirroring.peers.some((p) => p.ipAddress === '127.0.0.77') && Date.now() < deadline) await new Promise((d) => setTimeout(d, 50));
    assert.ok(s.runtime.snapshot.junction.mirroring.peers.some((p) => p.ipAddress === '127.0.0.77'), 'the gateway runtime applied the snapshot');
    assert.match(await page.locator('[data-testid=redirection]').innerText(), /198\.51\.100\.1[\s\S]*198\.51\.100\.2/);
    // Live peer state as the data plane reports it (a stand-in here): counters and the switch show up
    // without a reload.
    s.junction.status = {
      mirroring: [{ address: '127.0.0.77', connected: true, sent: 4242, bytes: 1_234_567, dropped: 3, errors: 0 }],
      redirection: {
        enabled: true,
        active: 'standby',
        peers: [
          { role: 'primary', address: '198.51.100.1', healthy: false, state: 'down', switches: 1 },
          { role: 'standby', address: '198.51.100.2', healthy: true, state: 'up', switches: 1 },
        ],
      },
    };
    const peerRow = page.locator('tr[data-peer="127.0.0.77"]');
    await peerRow.getByText('4,242').waitFor({ timeout: 5_000 });
    assert.match(await peerRow.innerText(), /mirroring[\s\S]*4,242[\s\S]*1\.2 MB[\s\S]*3/);
    const red = await page.locator('[data-testid=redirection]').innerText();
    assert.match(red, /switched to the standby/);
    assert.match(red, /primary[\s\S]*unhealthy \(down\)[\s\S]*standby[\s\S]*healthy[\s\S]*active/);
    await shot(page, '6-junction');

    assert.deepEqual(problems, []);
    t.diagnostic(`overview showed live data ${loadMs} ms after login; screenshots in ${SHOTS}`);
  } finally {
    await browser?.close();
    await srv?.close();
  }
});
