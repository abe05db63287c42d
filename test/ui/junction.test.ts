// The Junction page against the demo's real data plane (no stand-in status): a VXLAN mirroring peer
// added in the UI, pointing at a local UDP socket, receives copies of the simulated traffic while the
// page's live `sent` counter rises; redirection shows its count-only state; the Overview's live chart
// has its uplink/downlink series. No console error. Screenshot in test-output/ui/.
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { needTool } from '../_support/tools.js';
import { ensureUiBuilt, startDashboardServer, type DashboardServer } from './_support/dashboard-server.js';
import { openVxlanSink, vniOf, type VxlanSink } from './_support/vxlan-sink.js';
import { openWatchedPage, shot, type WatchedPage } from './_support/browser.js';


/** The number in a table cell ("4,242" → 4242; "-" → -1). */
async function cellNumber(page: Page, sel: string): Promise<number> {
  const t = (await page.locator(sel).innerText()).trim();
  return /^[\d,]+$/.test(t) ? Number(t.replace(/,/g, '')) : -1;
}

async function waitFor(what: string, cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((d) => setTimeout(d, 200));
  }
  assert.fail(`timed out after ${ms} ms waiting for ${what}`);
}

test('junction page: a VXLAN peer added in the UI gets copies and its live sent counter rises', { timeout: 120_000 }, async (t) => {
  if (!needTool(t, 'chromium')) return;
  ensureUiBuilt();
  let srv: DashboardServer | null = null;
  let browser: WatchedPage | null = null;
  let sink: VxlanSink | null = null;
  try {
    srv = await startDashboardServer(10);
    const s = srv;
    sink = await openVxlanSink();
    const sk = sink;
    s.store.gateways.setRedirection({ operatorId: s.operatorId, keyId: null, scopes: ['read', 'write'] }, s.gatewayId, {
      enabled: true,
      gateway: { address: '198.51.100.1', protocol: 'vxlan', vni: 10 },
      standby: { address: '198.51.100.2', protocol: 'vxlan', vni: 10 },
    });
    browser = await openWatchedPage();
    const { page, problems } = browser;

    await page.goto(`${s.base}/`);
    await page.fill('input[name=key]', s.key);
    await page.click('button[type=submit]');
    await page.locator('[data-testid=stat-throughput]').getByText('↑', { exact: false }).waitFor({ timeout: 15_000 });
    // the live chart's legend names both directions
    await page.getByText('uplink (device → network)').first().waitFor({ timeout: 5_000 });
    assert.ok(await page.getByText('downlink (network → device)').first().isVisible());

    await page.click('nav a[href="#/junction"]');
    await page.locator('[data-testid=inspection]').getByText('every 10 s').waitFor();
    await page.fill('[data-testid=add-peer] input[name=ipAddress]', sk.address);
    await page.selectOption('[data-testid=add-peer] select[name=protocol]', 'vxlan');
    await page.fill('[data-testid=add-peer] input[name=id]', '99');
    await page.click('[data-testid=add-peer] button[type=submit]');
    const row = `tr[data-peer="${sk.address}"]`;
    await page.locator(row).waitFor();
    await page.locator(`${row} td[data-col=state]`).getByText('mirroring').waitFor({ timeout: 10_000 });

    // Copies reach the socket, and the page's sent counter rises.
    await waitFor('copies at the socket', async () => sk.got.length > 0, 10_000);
    assert.ok(sk.got.every((d) => d[0] === 0x08 && vniOf(d) === 99), 'VXLAN with VNI 99');
    await waitFor('a sent counter on the page', async () => (await cellNumber(page, `${row} td[data-col=sent]`)) > 0, 10_000);
    const first = await cellNumber(page, `${row} td[data-col=sent]`);
    await waitFor('the sent counter to rise', async () => (await cellNumber(page, `${row} td[data-col=sent]`)) > first, 10_000);
    const later = await cellNumber(page, `${row} td[data-col=sent]`);
    // what the page shows was sent, and the socket has (at least) that many copies by now
    await waitFor('the socket to catch up', async () => sk.got.length >= later, 5_000);

    // Redirection: live state of both peers, count-only in this data path.
    const red = page.locator('[data-testid=redirection]');
    await red.getByText('packets selected').waitFor({ timeout: 5_000 });
    const redText = await red.innerText();
    assert.match(redText, /on the primary/);
    assert.match(redText, /forwards no traffic/);
    assert.match(await page.locator('[data-testid=redirection] tr[data-role=primary]').innerText(), /healthy[\s\S]*active/);
    assert.ok((await cellNumber(page, '[data-testid=redirected]')) > 0);
    await shot(page, '7-junction-live');

    assert.deepEqual(problems, []);
    t.diagnostic(`sent on the page ${first} → ${later}; ${sk.got.length} copies at ${sk.address}:4789`);
  } finally {
    await browser?.close();
    sink?.close();
    await srv?.close();
  }
});
