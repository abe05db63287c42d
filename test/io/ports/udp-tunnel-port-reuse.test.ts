// UdpTunnelPort's reusePort option (SO_REUSEPORT): several ports (one per live worker) bind the same
// address:port; without it the second bind fails. Needs the native addon (not root).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UdpTunnelPort } from '../../../src/io/ports/index.js';
import { addonOrSkip } from '../native/native-env.js';

describe('UDP tunnel port: reusePort', () => {
  it('lets two ports bind the same address:port only when both ask for it', async (t) => {
    const addon = addonOrSkip(t);
    if (!addon) return;
    const a = new UdpTunnelPort({ kind: 'vxlan', address: '127.0.0.1', port: 0, reusePort: true, addon });
    await a.start(() => {});
    t.after(() => a.stop());
    const port = a.localPort();
    assert.ok(port > 0);
    const b = new UdpTunnelPort({ kind: 'vxlan', address: '127.0.0.1', port, reusePort: true, addon });
    await b.start(() => {});
    t.after(() => b.stop());
    assert.equal(b.localPort(), port, 'the second port shares the first one\'s address:port');
    const c = new UdpTunnelPort({ kind: 'vxlan', address: '127.0.0.1', port, addon });
    await assert.rejects(c.start(() => {}), /cannot bind: .*EADDRINUSE|cannot bind: .*address already in use/i);
  });
});
