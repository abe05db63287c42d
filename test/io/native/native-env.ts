// Support for the native addon tests: load the addon, and skip (or, under CI, fail) when a test's
// prerequisite (built addon, root, /dev/net/tun, the ip tool) is missing.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { loadNative, nativeAddonPath, nativeLoadError } from '../../../src/io/native/index.js';
import type { NativeAddon } from '../../../src/io/native/index.js';

/** Skips with a one-line reason, except under CI where every native test must really run. */
export function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.CI) assert.fail(`${reason} (CI must run this test)`);
  t.skip(reason);
}

/** The built addon, or null after skipping the test. */
export function addonOrSkip(t: TestContext): NativeAddon | null {
  const addon = loadNative();
  if (!addon) skipOrFail(t, `native addon not built: ${nativeLoadError() ?? nativeAddonPath()}`);
  return addon;
}

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The addon when running as root (and with /dev/net/tun when tun is set), else null after skipping. */
export function rootAddonOrSkip(t: TestContext, opts: { tun?: boolean } = {}): NativeAddon | null {
  const addon = addonOrSkip(t);
  if (!addon) return null;
  if (!isRoot()) {
    skipOrFail(t, 'needs root (CAP_NET_RAW / CAP_NET_ADMIN)');
    return null;
  }
  if (opts.tun && !existsSync('/dev/net/tun')) {
    skipOrFail(t, 'needs /dev/net/tun');
    return null;
  }
  return addon;
}

/** Resolves when pred() holds, checking on every readable event and at most every 10 ms. */
export function waitFor(pred: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = (): void => {
      if (pred()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
