// The built-in catalog's compiled form (apps.compiled.json, written by `npm run build`): read when it is
// at least as new as the YAML, checked the same way, and ignored when it is older or unreadable.
import test from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinCatalogPath, compiledCatalogPath, readCatalogFile } from '../../../src/classify/catalog/catalog-file.js';
import { ConfigError } from '../../../src/core/errors.js';

const YAML = 'applications:\n  - { name: from-yaml, category: iot-cloud, hosts: [a.example] }\n';
const JSON_DOC = { applications: [{ name: 'from-json', category: 'iot-cloud', hosts: ['b.example'] }] };

function files(t: test.TestContext): { yaml: string; json: string } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-catalog-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = join(dir, 'apps.yaml');
  writeFileSync(yaml, YAML);
  return { yaml, json: compiledCatalogPath(yaml) };
}

test('the compiled JSON is read when it is as new as the YAML, the YAML when the JSON is older, missing or broken', (t) => {
  const { yaml, json } = files(t);
  assert.equal(readCatalogFile(yaml)[0].name, 'from-yaml', 'no compiled file: the YAML');
  writeFileSync(json, JSON.stringify(JSON_DOC));
  const now = Date.now() / 1000;
  utimesSync(yaml, now - 10, now - 10);
  utimesSync(json, now, now);
  assert.equal(readCatalogFile(yaml)[0].name, 'from-json', 'a newer compiled file');
  utimesSync(json, now - 20, now - 20);
  assert.equal(readCatalogFile(yaml)[0].name, 'from-yaml', 'an older compiled file (the YAML was edited after the build)');
  writeFileSync(json, '{"applications": [');
  utimesSync(json, now, now);
  assert.equal(readCatalogFile(yaml)[0].name, 'from-yaml', 'a half-written compiled file');
});

test('a compiled file is checked like the YAML: a bad entry is refused with its path', (t) => {
  const { yaml, json } = files(t);
  writeFileSync(json, JSON.stringify({ applications: [{ name: 'x', category: 'no-such-category' }] }));
  const now = Date.now() / 1000;
  utimesSync(yaml, now - 10, now - 10);
  utimesSync(json, now, now);
  assert.throws(() => readCatalogFile(yaml), (e: unknown) => e instanceof ConfigError && /applications\[0\]/.test(e.message));
});

test('the build wrote the built-in catalog compiled, and it equals the YAML', (t) => {
  const yaml = builtinCatalogPath();
  let compiled: string;
  try {
    compiled = readFileSync(compiledCatalogPath(yaml), 'utf8');
  } catch {
    if (process.env.CI) assert.fail('npm run build did not write data/catalog/apps.compiled.json');
    t.skip('no compiled catalog: run npm run build');
    return;
  }
  const viaJson = readCatalogFile(yaml);
  assert.ok(viaJson.length > 10);
  assert.deepEqual(JSON.parse(compiled).applications.map((a: { name: string }) => a.name), viaJson.map((a) => a.name));
});

test('the build step writes the compiled file, and on a YAML syntax error says where, exits 1 and leaves none', (t) => {
  const { yaml, json } = files(t);
  const script = join(process.cwd(), 'scripts/build-catalog.mjs');
  const ok = spawnSync(process.execPath, [script, yaml], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(readFileSync(json, 'utf8')).applications[0].name, 'from-yaml');
  writeFileSync(yaml, 'applications:\n  - { name: broken\n');
  const bad = spawnSync(process.execPath, [script, yaml], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /build-catalog: .*apps\.yaml: .*\(the catalog will be read from the YAML\)/);
  assert.equal(existsSync(json), false, 'no stale compiled file is left');
  assert.throws(() => readCatalogFile(yaml), (e: unknown) => e instanceof ConfigError && /YAML/.test(e.message), 'the runtime reports the YAML error itself');
});
