// Debian's chromium through playwright-core for the browser tests: a fresh profile per run, one page
// whose console errors, page errors and dialogs are collected as problems, screenshots in test-output/ui/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const SHOTS = resolve(process.cwd(), 'test-output/ui');
const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface WatchedPage {
  page: Page;
  /** Console errors, page errors and dialogs seen so far (a dialog is dismissed). */
  problems: string[];
  close(): Promise<void>;
}

export async function openWatchedPage(): Promise<WatchedPage> {
  mkdirSync(SHOTS, { recursive: true });
  // a fresh profile each run (playwright passes it as --user-data-dir)
  const profile = mkdtempSync(join(tmpdir(), 'fg-chromium-'));
  let browser: BrowserContext | null = null;
  try {
    browser = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1400, height: 900 } });
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    const b = browser;
    return {
      page,
      problems,
      close: async () => {
        await b.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await browser?.close();
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}
