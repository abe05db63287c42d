// Loads the optional native addon built at install (scripts/build-native.mjs). Code that only reads
// files never calls this; live ports call requireNative() and get a clear error when it is missing.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { FleetgateError } from '../../core/errors.js';
import type { NativeAddon } from './addon-types.js';

export type * from './addon-types.js';
export { DatagramBatch } from './datagram-batch.js';
export { UdpBatchSocket, isSegmentationRefused } from './udp-batch-socket.js';
export { RawIpv4Socket } from './raw-ipv4-socket.js';
export { TunDevice } from './tun-device.js';
export { flowWorkerOf, flowWorkerOfIpv4 } from './flow-hash.js';

/** Overrides where the .node file is looked for (tests, unusual installs). */
export const NATIVE_PATH_ENV = 'FLEETGATE_NATIVE_PATH';
const EXPECTED_ABI = 4;
const RELATIVE = 'native/build/Release/fleetgate_native.node';

const cache = new Map<string, NativeAddon | null>();
const failures = new Map<string, string>();

/** Where the addon is expected: $FLEETGATE_NATIVE_PATH, else native/build/Release at the package root. */
export function nativeAddonPath(): string {
  const fromEnv = process.env[NATIVE_PATH_ENV];
  if (fromEnv) return fromEnv;
  // compiled: dist/src/io/native/index.js ; run from source: src/io/native/index.ts
  const compiled = fileURLToPath(new URL(`../../../../${RELATIVE}`, import.meta.url));
  const source = fileURLToPath(new URL(`../../../${RELATIVE}`, import.meta.url));
  return existsSync(compiled) || !existsSync(source) ? compiled : source;
}

/** The addon, or null when it is missing or does not load (the reason: nativeLoadError()). */
export function loadNative(path: string = nativeAddonPath()): NativeAddon | null {
  const known = cache.get(path);
  if (known !== undefined) return known;
  let addon: NativeAddon | null = null;
  try {
    if (!existsSync(path)) throw new Error(`${path} does not exist`);
    const loaded = createRequire(import.meta.url)(path) as NativeAddon;
    if (loaded.abiVersion !== EXPECTED_ABI) {
      throw new Error(`${path} has abiVersion ${String(loaded.abiVersion)}, expected ${EXPECTED_ABI} (stale build)`);
    }
    addon = loaded;
  } catch (e) {
    failures.set(path, e instanceof Error ? e.message : String(e));
  }
  cache.set(path, addon);
  return addon;
}

/** Why loadNative(path) returned null, or null when it loaded (or was not tried). */
export function nativeLoadError(path: string = nativeAddonPath()): string | null {
  return failures.get(path) ?? null;
}

/** The addon, or a FG_ERR_UNSUPPORTED error naming the feature (e.g. 'tun', 'vxlan') that needs it. */
export function requireNative(feature: string, path: string = nativeAddonPath()): NativeAddon {
  const addon = loadNative(path);
  if (addon) return addon;
  throw new FleetgateError(
    'FG_ERR_UNSUPPORTED',
    `the ${feature} port needs the native addon, which did not build at install (see npm install output); ` +
      'rebuild with: node scripts/build-native.mjs',
    { feature, path, cause: nativeLoadError(path) },
  );
}
