// Builds the optional native I/O addon (native/) with node-gyp. Runs at install (npm "prepare").
// fleetgate works without the addon (file ports, replay, API); only the live TUN / raw GRE / batched
// UDP ports need it. So ANY failure prints one warning line and exits 0, never failing the install.
// Usage: node scripts/build-native.mjs [--verbose]
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const logFile = join(nativeDir, 'build.log');
const addonFile = join(nativeDir, 'build', 'Release', 'fleetgate_native.node');
const verbose = process.argv.includes('--verbose');

function warn(reason) {
  console.warn(
    `fleetgate: warning: native addon not built (${reason}); live tun/raw/udp-batch ports are disabled, ` +
      `everything else works. Retry with: node scripts/build-native.mjs --verbose`,
  );
  process.exit(0);
}

// node-gyp ships inside npm; npm tells lifecycle scripts where (npm_config_node_gyp).
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return null;
  }
}

try {
  if (process.platform !== 'linux') warn(`the addon is Linux-only, this is ${process.platform}`);
  if (!existsSync(join(nativeDir, 'binding.gyp'))) warn('native/binding.gyp is missing');
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) warn('node-gyp not found (it ships with npm)');

  const args = [nodeGyp, 'rebuild'];
  // Use the headers installed with Node itself, so the build needs no network download.
  // (node_prefix can be '/' for distro builds whose headers are in /usr/include/node.)
  const prefixes = [dirname(dirname(process.execPath)), process.config.variables.node_prefix];
  const prefix = prefixes.find((p) => p && existsSync(join(p, 'include', 'node', 'node_api.h')));
  if (!process.env.npm_config_nodedir && prefix) args.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, args, {
    cwd: nativeDir,
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : 'pipe',
    timeout: 10 * 60 * 1000,
  });
  if (!verbose) writeFileSync(logFile, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
  if (r.error) warn(`could not run node-gyp: ${r.error.message}`);
  if (r.status !== 0) warn(`node-gyp exited with ${r.status ?? r.signal}${verbose ? '' : `, log in ${logFile}`}`);

  // A .node file that does not load (wrong ABI, missing symbol) is as good as none.
  const addon = createRequire(import.meta.url)(addonFile);
  if (typeof addon.udpRecvBatch !== 'function') warn('the built addon does not export the expected API');
  console.log(`fleetgate: native addon built: ${addonFile}`);
} catch (e) {
  warn(e instanceof Error ? e.message.split('\n')[0] : String(e));
}
