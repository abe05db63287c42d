// Redirection through the API can be health-probed: a target's innerAddress and port, the gateway's
// localAddress inside the tunnel and the probe timing are validated by the store and reach the data
// path's redirection config.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Store } from '../../../src/control/store/store.js';
import { StoreError } from '../../../src/control/store/store-error.js';
import { systemActor } from '../../../src/control/auth/actor.js';
import { parseConfigObject } from '../../../src/control/config/load-config.js';
import { redirectionFromStore } from '../../../src/control/junction-config.js';

function storeWithGateway(t: test.TestContext): { store: Store; gw: string; actor: ReturnType<typeof systemActor> } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-redir-'));
  const store = Store.open(join(dir, 'fg.db'));
  t.after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const cfg = parseConfigObject({ operator: { id: 'op-r' }, gateway: { id: 'gw-r', deviceSubnets: ['10.128.0.0/16'] }, devices: [] }, '(test)');
  store.seedFromConfig(cfg);
  return { store, gw: 'gw-r', actor: systemActor('op-r') };
}

test('probed targets: stored, read back, and turned into the data path config', (t) => {
  const { store, gw, actor } = storeWithGateway(t);
  const saved = store.gateways.setRedirection(actor, gw, {
    enabled: true,
    gateway: { address: '192.0.2.2', protocol: 'vxlan', vni: 10, port: 4790, innerAddress: '10.200.0.1' },
    standby: { address: '192.0.2.6', protocol: 'vxlan', vni: 10, port: 4790, innerAddress: '10.200.0.2' },
    localAddress: '10.200.0.254',
    localPort: 4790,
    probe: { intervalMs: 200, threshold: 2 },
  });
  assert.equal(saved.gateway.innerAddress, '10.200.0.1');
  const back = store.gateways.get('op-r', gw)?.junction.redirection ?? null;
  assert.ok(back);
  assert.deepEqual(back, saved);
  const cfg = redirectionFromStore(back);
  assert.ok(cfg);
  assert.equal(cfg.primary.innerAddress, '10.200.0.1');
  assert.equal(cfg.primary.port, 4790);
  assert.equal(cfg.standby?.innerAddress, '10.200.0.2');
  assert.equal(cfg.localAddress, '10.200.0.254');
  assert.equal(cfg.localPort, 4790);
  assert.deepEqual(cfg.probe, { intervalMs: 200, threshold: 2 });
});

test('bad probe settings are refused with their paths', (t) => {
  const { store, gw, actor } = storeWithGateway(t);
  try {
    store.gateways.setRedirection(actor, gw, {
      enabled: true,
      gateway: { address: '192.0.2.2', protocol: 'vxlan', vni: 10, port: 70000, innerAddress: '2001:db8::1' },
      probe: { intervalMs: 10, threshold: 0 },
    });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(e instanceof StoreError, String(e));
    const paths = e.problems.map((p) => p.path).sort();
    assert.deepEqual(paths, ['body.gateway.innerAddress', 'body.gateway.port', 'body.localAddress', 'body.probe.intervalMs', 'body.probe.threshold']);
  }
});
