// The outputs repo: seeded from the YAML (files made absolute, idempotent), kept when the YAML has
// none, snapshots carry them, an unchanged seeded absolute path passes the API's relative-path rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { Store } from '../../../src/control/store/store.js';
import { StoreError } from '../../../src/control/store/store-error.js';
import { systemActor } from '../../../src/control/auth/actor.js';
import { parseConfigObject } from '../../../src/control/config/load-config.js';

const config = (outputs?: object) =>
  parseConfigObject({ operator: { id: 'op-1' }, gateway: { id: 'gw-1', deviceSubnets: ['10.0.0.0/24'], ...(outputs && { outputs }) } });

test('outputs repo: YAML seeding, snapshots, API edits of a seeded list', () => {
  const s = Store.open(':memory:');
  try {
    const actor = systemActor('op-1');
    const yaml = { spool: { dir: 'spool' }, sinks: [{ name: 'files', kind: 'jsonl', path: 'out/records.jsonl' }, { name: 'hook', kind: 'webhook', url: 'http://127.0.0.1:9/', secret: 'yaml-secret' }] };
    const r1 = s.seedFromConfig(config(yaml));
    assert.equal(r1.outputsSet, true);
    const snap = s.snapshot('gw-1')!;
    assert.equal(snap.outputs?.sinks[0].options.path, resolve('out/records.jsonl'));
    assert.equal(snap.outputs?.spool?.dir, resolve('spool'));
    assert.ok(Object.isFrozen(snap.outputs?.sinks[0].options));
    assert.equal(s.seedFromConfig(config(yaml)).outputsSet, false, 'idempotent');
    assert.equal(s.snapshot('gw-1')!.version, snap.version);
    // a config without outputs leaves the stored ones alone
    assert.equal(s.seedFromConfig(config()).outputsSet, false);
    assert.equal(s.snapshot('gw-1')!.outputs?.sinks.length, 2);

    // the API view of the seeded list can be PUT back: the absolute paths are the stored ones
    const view = s.outputs.get('op-1', 'gw-1');
    assert.equal(view.sinks[1].secret, '***');
    view.sinks[0].batchSize = 10;
    s.outputs.set(actor, 'gw-1', view);
    assert.equal(s.snapshot('gw-1')!.outputs?.sinks[0].batchSize, 10);
    assert.equal(s.snapshot('gw-1')!.outputs?.sinks[1].options.secret, 'yaml-secret');
    // ... but a new absolute path is refused
    view.sinks[0].path = '/tmp/elsewhere.jsonl';
    assert.throws(
      () => s.outputs.set(actor, 'gw-1', view),
      (e: unknown) => e instanceof StoreError && e.kind === 'validation' && e.problems[0].path === 'body.sinks[0].path',
    );
    // another operator's gateway does not exist
    assert.throws(() => s.outputs.get('op-2', 'gw-1'), (e: unknown) => e instanceof StoreError && e.kind === 'not_found');
    // deleting the gateway deletes its outputs
    s.gateways.delete(actor, 'gw-1');
    assert.equal(s.outputs.getInternal('gw-1'), null);
  } finally {
    s.close();
  }
});

test('outputs repo: a validation message never echoes a secret sent in the body', () => {
  const s = Store.open(':memory:');
  try {
    s.seedFromConfig(config());
    assert.throws(
      () => s.outputs.set(systemActor('op-1'), 'gw-1', { sinks: [{ name: 'db', kind: 'mqtt', url: 'not a url with hunter22', password: 'hunter22' }] }),
      (e: unknown) => e instanceof StoreError && !JSON.stringify(e.problems).includes('hunter22') && !e.message.includes('hunter22'),
    );
  } finally {
    s.close();
  }
});
