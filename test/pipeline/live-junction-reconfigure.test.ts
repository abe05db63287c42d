// LiveJunction.reconfigure(): a new mirroring/redirection config while running. Unchanged mirror peers
// keep their object (queue, counters, transport), new ones are connected, removed ones closed; an
// unchanged redirection config keeps the Redirector (pins, counters), a changed one replaces it and
// every flow is decided again. Started junctions use real sockets on loopback (VXLAN mirror peers are
// plain UDP; the redirection socket binds 127.0.0.1 on an ephemeral port).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../src/pipeline/worker.js';
import { LiveJunction } from '../../src/pipeline/live-junction.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { parseMirroringConfig } from '../../src/actions/mirror/config.js';
import { parseRedirectionConfig } from '../../src/actions/redirect/config.js';
import { buildIpPacket } from '../../src/packet/build/compose.js';
import { LinkType } from '../../src/core/layers.js';

const DEV = '10.128.0.2';
const SRV = '10.129.0.10';
const peerA = { address: '127.0.0.1', protocol: 'vxlan', port: 47891, vni: 1 };
const peerB = { address: '127.0.0.1', protocol: 'vxlan', port: 47892, vni: 2 };
const peerC = { address: '127.0.0.1', protocol: 'vxlan', port: 47893, vni: 3 };

function setup() {
  const directory = new DeviceDirectory({ devices: [{ ip: DEV, group: 'meters', tags: [] }], subnets: ['10.128.0.0/24'] });
  const pipeline = new Pipeline({ operatorId: 'op', gatewayId: 'gw', intervalUs: 60e6, flowCapacity: 1024, devices: directory });
  const j = new LiveJunction({ pipeline, directory, mirroring: parseMirroringConfig({ peers: [peerA, peerB] }), redirectBindAddress: '127.0.0.1' });
  let ts = 1_000_000;
  const send = (src: string, dst: string, sport: number, dport: number): boolean => {
    const pkt = buildIpPacket({ ip: { src, dst }, tcp: { sport, dport, flags: 'A' } });
    pipeline.processFrame(pkt, 0, pkt.length, pkt.length, (ts += 1000), LinkType.RAW, 0);
    j.mirror();
    return j.redirect();
  };
  return { j, send, directory };
}

const redirection = (port: number) => parseRedirectionConfig({ localPort: 0, primary: { address: '127.0.0.1', protocol: 'vxlan', port }, selector: { ports: [port] } });

describe('LiveJunction.reconfigure', () => {
  it('keeps unchanged mirror peers (queue, counters, transport), connects new ones, closes removed ones', async (t) => {
    const { j, send } = setup();
    await j.start();
    t.after(() => j.stop());
    send(DEV, SRV, 40000, 443);
    j.afterBatch();
    const [a, b] = j.mirrors?.peers ?? [];
    assert.equal(a.counters.sent, 1);
    assert.ok(a.transport && b.transport, 'both connected');
    send(DEV, SRV, 40000, 443); // queued, not yet drained: the queue survives the change

    const change = await j.reconfigure(parseMirroringConfig({ peers: [peerA, peerC] }), undefined);
    assert.deepEqual(change, { mirrorPeersKept: 1, mirrorPeersAdded: 1, mirrorPeersRemoved: 1, redirection: 'none', problems: [] });
    const [a2, c] = j.mirrors?.peers ?? [];
    assert.equal(a2, a, 'the unchanged peer is the same object');
    assert.equal(a2.counters.sent, 2, 'its queued copy was drained before the swap and its counters kept');
    assert.ok(c.transport, 'the new peer is connected');
    assert.equal(c.counters.sent, 0);
    assert.equal(b.transport, null, 'the removed peer is closed');

    send(DEV, SRV, 40000, 443);
    j.afterBatch();
    assert.equal(a2.counters.sent, 3);
    assert.equal(c.counters.sent, 1, 'copies go to the new peer from the next packet');
    assert.equal(j.status().mirroring.length, 2);

    const none = await j.reconfigure(undefined, undefined);
    assert.equal(none.mirrorPeersRemoved, 2);
    assert.equal(j.mirrors, null);
    assert.equal(a2.transport, null);
    assert.equal(j.active, false);
  });

  it('a peer whose config changed (here its VNI) is a new peer', async () => {
    const { j } = setup();
    const change = await j.reconfigure(parseMirroringConfig({ peers: [peerA, { ...peerB, vni: 9 }] }), undefined);
    assert.equal(change.mirrorPeersKept, 1);
    assert.equal(change.mirrorPeersAdded, 1);
    assert.equal(j.mirrors?.peers[1].cfg.vni, 9);
  });

  it('adds, keeps, replaces and removes redirection; flows are decided again with the new selector', async (t) => {
    const { j, send } = setup();
    await j.start();
    t.after(() => j.stop());
    assert.equal(send(DEV, SRV, 40001, 8080), false, 'no redirection yet');

    assert.equal((await j.reconfigure(undefined, redirection(8080))).redirection, 'added');
    const r = j.redirector;
    assert.ok(r);
    assert.equal(send(DEV, SRV, 40001, 8080), true, 'the running flow is redirected from its next packet');
    assert.equal(send(DEV, SRV, 40002, 9090), false);
    assert.equal(r.peers[0].counters.packets, 1);

    assert.equal((await j.reconfigure(undefined, redirection(8080))).redirection, 'kept');
    assert.equal(j.redirector, r, 'same Redirector: pins and counters kept');
    assert.equal(send(DEV, SRV, 40001, 8080), true);
    assert.equal(r.peers[0].counters.packets, 2);

    assert.equal((await j.reconfigure(undefined, redirection(9090))).redirection, 'replaced');
    assert.notEqual(j.redirector, r);
    assert.equal(send(DEV, SRV, 40001, 8080), false, 'the flow no longer matches the new selector');
    assert.equal(send(DEV, SRV, 40002, 9090), true, 'and the other one does now');
    j.afterBatch();

    assert.equal((await j.reconfigure(undefined, undefined)).redirection, 'removed');
    assert.equal(j.redirector, null);
    assert.equal(send(DEV, SRV, 40002, 9090), false);
    assert.equal(j.counters.redirected, 3);
  });
});
