// End to end, Redirection in bump-in-the-wire mode, the Linux kernel as the appliance:
//
//   [v] VTEP 198.18.1.2 (bump-sender.py, two sockets) ── VXLAN VNI 42 ──► [g] fleetgate, bump (no network port)
//                                                                          └── VXLAN VNI 10 (UDP 4790) ──► [a1] 192.0.2.2, vxlan 10.200.0.1
//
// The appliance routes everything back through its tunnel (default route via the gateway's tunnel
// address 10.200.0.254). The VTEP sends a selected flow both ways (port 8080, from its device-side and
// server-side sockets) and an unselected one (port 7000). Checked: every datagram comes back to the socket
// that sent it with the VXLAN header and inner Ethernet header it was sent with, byte for byte; the
// selected flow's packets were routed once by the appliance (TTL one lower) and tshark in the appliance
// saw each of them twice (in and back out), the unselected flow never; Inspection counted every packet
// once; the probes kept the peer healthy.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import { DEVICE_IMSI, canRunLab, settle, startGateway, tempDir, tsharkCount, writeConfig, indent4 } from './_support/lab-traffic.js';
import { appliance, startPcap, stoppedSummary, twoApplianceRedirection } from './_support/junction-lab.js';

const N = 20;

interface SenderResult {
  sent: number;
  back: number;
  wrongSocket: number;
  headerDiffers: number;
  bodyDiffers: number;
  ttlDrop: Record<string, number[]>;
}

describe('e2e: Redirection in bump-in-the-wire mode through a kernel appliance', { timeout: 120_000 }, () => {
  it('the selected flow goes through the appliance both ways and back to its VTEP with its VXLAN header', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const vtep = lab.netns('v');
    const gw = lab.netns('g');
    lab.veth(vtep, `vv${lab.id}`, gw, `vg${lab.id}`);
    lab.exec(vtep, `ip addr add 198.18.1.2/30 dev vv${lab.id}`);
    lab.exec(gw, `ip addr add 198.18.1.1/30 dev vg${lab.id}`);
    const ap = appliance(lab, { gw }, 1);
    // bump: a VXLAN devices port and no network port; the primary appliance only (the standby is not wired)
    const junction = twoApplianceRedirection('selector: { ports: [8080] }')
      .split('\n')
      .filter((l) => !l.includes('standby'))
      .join('\n');
    const config = writeConfig(dir, 'devices: { kind: vxlan, address: 198.18.1.1, replyPort: 0 }', {
      gatewayLines: ['  junction:', ...indent4(junction)],
      devices: [`  - { imsi: "${DEVICE_IMSI}", ip: 10.128.0.2, name: meter-e2e }`],
    });
    const gateway = await startGateway(lab, gw, config, join(dir, 'reports.jsonl'));
    assert.match(gateway.out, /ready \(bump\).*redirection to 192\.0\.2\.2:4790/);
    await settle(700); // a first probe round trip

    const pcap = join(dir, 'ap1.pcap');
    const cap = await startPcap(lab, ap.ns, ap.vx, pcap);
    const r = lab.tryExec(vtep, `python3 ${resolve(process.cwd(), 'test/e2e/_support/bump-sender.py')} 198.18.1.1 4789 ${N}`, 30_000);
    assert.equal(r.status, 0, `bump-sender failed: ${r.out}\n${gateway.out}`);
    const res = JSON.parse(r.out.trim().split('\n').pop() as string) as SenderResult;
    await settle(300);
    await cap.stop('SIGINT');
    t.diagnostic(`sender: ${JSON.stringify(res)}`);
    assert.deepEqual(
      { sent: res.sent, back: res.back, wrongSocket: res.wrongSocket, headerDiffers: res.headerDiffers, bodyDiffers: res.bodyDiffers },
      { sent: 3 * N, back: 3 * N, wrongSocket: 0, headerDiffers: 0, bodyDiffers: 0 },
      'every datagram back to the socket that sent it, VXLAN (VNI 42) and inner Ethernet header byte for byte',
    );
    assert.deepEqual(res.ttlDrop, { 'up-sel': [1], 'down-sel': [1], 'up-direct': [0] }, 'the selected flow was routed once by the appliance, both ways; the other came straight back');

    const upAtAp = tsharkCount(pcap, 'ip.src == 10.128.0.2 && udp.dstport == 8080');
    const downAtAp = tsharkCount(pcap, 'ip.dst == 10.128.0.2 && udp.srcport == 8080');
    const directAtAp = tsharkCount(pcap, 'udp.port == 7000');
    t.diagnostic(`appliance saw ${upAtAp} uplink, ${downAtAp} downlink, ${directAtAp} unselected frames`);
    assert.deepEqual([upAtAp, downAtAp, directAtAp], [2 * N, 2 * N, 0], 'each selected packet crossed the appliance tunnel twice (in, back out)');

    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);
    const sum = stoppedSummary(gateway.out) as {
      ipPackets: number;
      forwarding: { returned: number };
      redirection: { redirected: number; returned: number; drops: number; peers: { state: string; healthy: boolean }[] };
    };
    assert.equal(sum.ipPackets, 3 * N, 'Inspection counted each packet once');
    assert.equal(sum.forwarding.returned, 3 * N);
    assert.deepEqual([sum.redirection.redirected, sum.redirection.returned, sum.redirection.drops], [2 * N, 2 * N, 0]);
    assert.equal(sum.redirection.peers[0].healthy, true, `the probes kept the primary healthy (${sum.redirection.peers[0].state})`);
  });
});
