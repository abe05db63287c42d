// The loader: a missing .node file gives null and a clear FG_ERR_UNSUPPORTED error, never a crash.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { FleetgateError } from '../../../src/core/errors.js';
import {
  loadNative,
  nativeAddonPath,
  nativeLoadError,
  NATIVE_PATH_ENV,
  requireNative,
} from '../../../src/io/native/index.js';
import { addonOrSkip } from './native-env.js';

const missing = join(tmpdir(), 'fleetgate-no-such-dir', 'fleetgate_native.node');

describe('native loader', () => {
  it('returns null for a missing addon file and remembers why', () => {
    assert.equal(loadNative(missing), null);
    assert.match(nativeLoadError(missing) ?? '', /does not exist/);
  });

  it('requireNative names the feature and the rebuild command', () => {
    assert.throws(
      () => requireNative('tun', missing),
      (e: unknown) => {
        assert.ok(e instanceof FleetgateError);
        assert.equal(e.code, 'FG_ERR_UNSUPPORTED');
        assert.equal(
          e.message,
          'the tun port needs the native addon, which did not build at install (see npm install output); ' +
            'rebuild with: node scripts/build-native.mjs',
        );
        assert.equal(e.details.feature, 'tun');
        return true;
      },
    );
  });

  it(`honours ${NATIVE_PATH_ENV}`, () => {
    const before = process.env[NATIVE_PATH_ENV];
    process.env[NATIVE_PATH_ENV] = missing;
    try {
      assert.equal(nativeAddonPath(), missing);
      assert.equal(loadNative(), null);
      assert.throws(() => requireNative('vxlan'), /the vxlan port needs the native addon/);
    } finally {
      if (before === undefined) delete process.env[NATIVE_PATH_ENV];
      else process.env[NATIVE_PATH_ENV] = before;
    }
    assert.notEqual(nativeAddonPath(), missing);
  });

  it('a file that is not an addon loads as null', () => {
    // this very test file exists but is JavaScript, not a .node binary with the right abiVersion
    const notAddon = new URL(import.meta.url).pathname;
    assert.equal(loadNative(notAddon), null);
    assert.ok(nativeLoadError(notAddon));
  });

  it('loads the built addon with the whole API', (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    assert.equal(requireNative('test'), addon);
    assert.equal(addon.abiVersion, 4);
    for (const fn of ['tunOpen', 'tunRead', 'tunWrite', 'rawOpen', 'rawSendBatch', 'rawRecvBatch', 'udpOpen',
      'udpRecvBatch', 'udpSendBatch', 'udpSendSegmented', 'sockName', 'close', 'FdWatcher'] as const) {
      assert.equal(typeof addon[fn], 'function', fn);
    }
  });
});
