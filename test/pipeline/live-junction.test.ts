// LiveJunction without sockets: the per-packet calls LiveGateway makes after processFrame. Mirror copies
// are queued per filter (group, direction); the redirection verdict is taken once per flow from the
// selector (the far end's port, whichever way the packet goes) and every packet of a selected flow is
// queued to the peer instead of being forwarded.
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

function setup(opts: { apps?: boolean } = {}) {
  const directory = new DeviceDirectory({ devices: [{ ip: DEV, group: 'meters', tags: [] }], subnets: ['10.128.0.0/24'] });
  const pipeline = new Pipeline({ operatorId: 'op', gatewayId: 'gw', intervalUs: 60e6, flowCapacity: 1024, devices: directory });
  const mirroring = parseMirroringConfig({
    peers: [
      { address: '192.0.2.9', protocol: 'gre', key: 1 },
      { address: '192.0.2.9', protocol: 'vxlan', filter: { rules: [{ number: 10, action: 'accept', direction: 'uplink', group: 'meters' }] } },
    ],
  });
  const redirection = parseRedirectionConfig({
    primary: { address: '192.0.2.10', protocol: 'vxlan' },
    selector: opts.apps ? { apps: ['HTTP'] } : { ports: [8080] },
  });
  const j = new LiveJunction({ pipeline, directory, mirroring, redirection });
  let ts = 1_000_000;
  const send = (src: string, dst: string, sport: number, dport: number, flags = 'A', payload = ''): { redirected: boolean } => {
    const pkt = buildIpPacket({ ip: { src, dst }, tcp: { sport, dport, flags }, payload });
    pipeline.processFrame(pkt, 0, pkt.length, pkt.length, (ts += 1000), LinkType.RAW, 0);
    j.mirror();
    return { redirected: j.redirect() };
  };
  return { j, send, pipeline };
}

describe('LiveJunction', () => {
  it('mirrors every packet to an unfiltered peer and only uplink packets of the group to the filtered one', () => {
    const { j, send } = setup();
    send(DEV, SRV, 40000, 443, 'S');
    send(SRV, DEV, 443, 40000, 'SA');
    send(DEV, SRV, 40000, 443, 'A');
    const [all, up] = j.mirrors?.peers ?? [];
    assert.equal(all.queue.count, 3);
    assert.equal(up.queue.count, 2);
    assert.equal(up.counters.filtered, 1);
    assert.equal(j.counters.mirrorCopies, 5);
    j.afterBatch(); // no transports: copies are discarded and counted as dropped, forwarding goes on
    assert.equal(all.counters.dropped, 3);
    assert.equal(all.queue.count, 0);
  });

  it('redirects every packet of a selected flow, both ways, and nothing else', () => {
    const { j, send } = setup();
    assert.equal(send(DEV, SRV, 40001, 8080, 'S').redirected, true);
    assert.equal(send(SRV, DEV, 8080, 40001, 'SA').redirected, true, 'the reply: the far end is still port 8080');
    assert.equal(send(DEV, SRV, 40002, 443, 'S').redirected, false);
    assert.equal(send(SRV, DEV, 443, 40002, 'SA').redirected, false);
    const peer = j.redirector?.peers[0];
    assert.equal(peer?.queue.count, 2);
    assert.equal(peer?.counters.packets, 2);
    assert.equal(j.counters.redirected, 2);
    assert.equal(j.status().redirection?.peers[0].packets, 2);
  });

  it('an apps selector waits for the flow to be classified (packets before go directly)', () => {
    const { send } = setup({ apps: true });
    assert.equal(send(DEV, SRV, 40003, 8080, 'S').redirected, false);
    assert.equal(send(SRV, DEV, 8080, 40003, 'SA').redirected, false);
    send(DEV, SRV, 40003, 8080, 'A');
    const r = send(DEV, SRV, 40003, 8080, 'PA', 'GET /hello.txt HTTP/1.1\r\nHost: srv\r\n\r\n');
    assert.equal(r.redirected, true, 'once the flow is HTTP');
    assert.equal(send(SRV, DEV, 8080, 40003, 'PA', 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n').redirected, true);
    assert.equal(send(DEV, SRV, 40004, 22, 'S').redirected, false);
  });
});
