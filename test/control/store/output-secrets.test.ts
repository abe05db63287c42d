// Write-only secrets of outputs: what is masked, how "***" restores, what scrubbing removes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskOptions, restoreSecrets, scrub, secretValues } from '../../../src/control/store/output-secrets.js';
import type { StoreProblem } from '../../../src/control/store/store-error.js';

const stored = {
  url: 'https://hook.example/in',
  secret: 'hmac-1',
  headers: { Authorization: 'Bearer t-1', 'X-Api-Key': 'k-1', Accept: 'text/plain' },
  connectionString: 'postgres://fg:pw-1@db:5432/x',
  servers: ['nats://u:pw-2@n1:4222', 'nats://n2:4222'],
  sasl: { mechanism: 'plain', username: 'u', password: 'pw-3' },
  auth: { apiKey: 'es-1' },
  ssl: { ca: 'PEM-CA', cert: 'PEM-CERT', key: 'PEM-KEY', passphrase: 'pp-1' },
  topic: 'fleet/{type}',
};

test('maskOptions hides secret keys at any depth and URL passwords, nothing else', () => {
  assert.deepEqual(maskOptions(stored), {
    url: 'https://hook.example/in',
    secret: '***',
    headers: { Authorization: '***', 'X-Api-Key': '***', Accept: 'text/plain' },
    connectionString: 'postgres://fg:***@db:5432/x',
    servers: ['nats://u:***@n1:4222', 'nats://n2:4222'],
    sasl: '***',
    auth: { apiKey: '***' },
    ssl: { ca: 'PEM-CA', cert: 'PEM-CERT', key: '***', passphrase: '***' },
    topic: 'fleet/{type}',
  });
  assert.deepEqual(maskOptions({ secret: '' }), { secret: '' }, 'an empty value is not a secret to hide');
});

test('restoreSecrets puts the stored values back where the new options say "***"', () => {
  const problems: StoreProblem[] = [];
  const back = restoreSecrets(maskOptions(stored), stored, 'body.sinks[0]', problems);
  assert.deepEqual(problems, []);
  assert.deepEqual(back, stored);
  // a changed value wins; a changed host with a masked password cannot keep the old one
  const p2: StoreProblem[] = [];
  const next = restoreSecrets({ secret: 'new', connectionString: 'postgres://fg:***@other:5432/x' }, stored, 'body.sinks[0]', p2) as Record<string, unknown>;
  assert.equal(next.secret, 'new');
  assert.equal(p2.length, 1);
  assert.equal(p2[0].path, 'body.sinks[0].connectionString');
  const p3: StoreProblem[] = [];
  restoreSecrets({ headers: { Authorization: '***' } }, undefined, 'body.sinks[2]', p3);
  assert.deepEqual(p3.map((p) => p.path), ['body.sinks[2].headers.Authorization']);
});

test('secretValues and scrub keep secrets out of messages', () => {
  const all = secretValues(stored).sort();
  assert.deepEqual(all, ['Bearer t-1', 'es-1', 'hmac-1', 'k-1', 'pw-1', 'pw-2', 'plain', 'pw-3', 'u', 'PEM-KEY', 'pp-1'].sort());
  assert.equal(scrub("is not a URL: \"postgres://fg:pw-1@db\" (hmac-1)", all), 'is not a URL: "postgres://fg:***@db" (***)');
});
