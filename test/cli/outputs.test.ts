// `fleetgate outputs` against a real API server: set from a YAML file, get (secrets masked), status, clear.
import test from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startApi } from '../api/api-harness.js';
import { outputsOfFile } from '../../src/cli/commands/outputs.js';

const CLI = resolve('dist/src/cli/main.js');
const exec = promisify(execFile);

test('outputsOfFile takes { sinks }, outputs:, or a config\'s gateway.outputs', () => {
  assert.deepEqual(outputsOfFile('sinks: []', 'f'), { sinks: [] });
  assert.deepEqual(outputsOfFile('outputs: { sinks: [] }', 'f'), { sinks: [] });
  assert.deepEqual(outputsOfFile('{"gateway": {"id": "g", "outputs": {"sinks": []}}}', 'f'), { sinks: [] });
  assert.throws(() => outputsOfFile('just text', 'f.yaml'), /f\.yaml: expected \{ sinks/);
});

test('fleetgate outputs set/get/status/clear over the API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cli-out-'));
  const h = await startApi();
  try {
    const gw = (await h.call(h.keyA, 'POST', '/v1/gateways', { deviceSubnets: ['10.0.0.0/24'] })).json.id as string;
    const env = { ...process.env, FLEETGATE_URL: h.base, FLEETGATE_KEY: h.keyA };
    const fg = (...args: string[]) => exec(process.execPath, [CLI, 'outputs', ...args, '--gateway', gw], { env, encoding: 'utf8' });
    const file = join(dir, 'outputs.yaml');
    writeFileSync(file, 'sinks:\n  - name: hook\n    kind: webhook\n    url: http://127.0.0.1:9/in\n    secret: cli-secret-9\n    types: [inspection]\n');
    assert.match((await fg('set', file)).stdout, /1 output\(s\): hook \(webhook\)/);
    const got = await fg('get');
    assert.ok(!got.stdout.includes('cli-secret-9'));
    assert.deepEqual(parse(got.stdout), { sinks: [{ name: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/in', secret: '***', types: ['inspection'], envelope: true, batchSize: 500 }] });
    // what get prints can be set back: the secret is kept
    writeFileSync(file, got.stdout);
    await fg('set', file);
    assert.equal(h.store.snapshot(gw)!.outputs?.sinks[0].options.secret, 'cli-secret-9');
    assert.match((await fg('status')).stdout, /no running data path/);
    // validation errors reach the user with their body path
    writeFileSync(file, 'sinks:\n  - name: x\n    kind: webhook\n    url: ftp://nope\n');
    const bad = await fg('set', file).then(
      () => assert.fail('set should fail'),
      (e: { code: number; stderr: string }) => e,
    );
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /body\.sinks\[0\]\.url/);
    assert.match((await fg('clear')).stdout, /outputs removed/);
    assert.equal(h.store.snapshot(gw)!.outputs, null);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
