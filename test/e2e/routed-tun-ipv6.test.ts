// End to end, routed gateway mode through one TUN port with an IPv6 device (routed-tun.test.ts has IPv4):
//
//   [dev] fd00:66::10/64 ── veth ──► [gw] fd00:66::1 | fd00:77::1 ── veth ──► [srv] fd00:77::10
//
// In gw, IPv6 policy routing sends everything that arrives from either veth into fleetgate's TUN; what
// fleetgate writes back is routed by the main table. curl -6 and ping -6 must succeed, and the device's
// Inspection reports must match tshark's packet and IP-byte counts on the device veth, less neighbour
// discovery (the device and the gateway's kernel resolve each other on the veth; fleetgate never sees it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTTP_BODY, canRunLab, fleetHead, reportTotals, routedLab, settle, startCapture, startGateway } from './_support/lab-traffic.js';
import { DEV6, SRV6, addRoutedIpv6, enableIpv6, startHttp6, tsharkCounts6 } from './_support/ipv6-lab.js';

const IMSI6 = '001010000000066';

describe('e2e: TUN port (routed mode), IPv6 device', { timeout: 120_000 }, () => {
  it('curl -6 and ping -6 work through fleetgate; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    const { lab, dir, r, tun, vs } = routedLab(t);
    addRoutedIpv6(lab, r, vs);
    await startHttp6(lab, r.srv, dir, 8080);

    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, [
      ...fleetHead(`devices: { kind: tun, name: ${tun} }`, '["fd00:66::/64"]'),
      'devices:',
      `  - { imsi: "${IMSI6}", ip: "${DEV6}", name: meter-v6 }`,
      '',
    ].join('\n'));
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, r.gw, config, reports, ['--status-every', '0']);
    assert.match(gateway.out, /ready \(routed\)/);
    enableIpv6(lab, r.gw, [tun]);
    lab.exec(r.gw, [`ip -6 route add default dev ${tun} table 100`, `ip -6 rule add iif ${r.vg} lookup 100`, `ip -6 rule add iif ${r.vgs} lookup 100`].join(' && '));

    const pcap = join(dir, 'device.pcap');
    const tshark = await startCapture(lab, r.dev, r.vd, pcap);
    const curl = lab.tryExec(r.dev, `curl -6 -sS -m 10 http://[${SRV6}]:8080/hello.txt`);
    assert.equal(curl.status, 0, `curl -6 failed: ${curl.out}`);
    assert.equal(curl.out, HTTP_BODY);
    const ping = lab.tryExec(r.dev, `ping -6 -c 3 -i 0.2 -W 2 ${SRV6}`);
    assert.equal(ping.status, 0, `ping -6 failed: ${ping.out}`);
    await settle(1000);
    await tshark.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const ref = tsharkCounts6(pcap, DEV6, ' && !(icmpv6.type >= 133 && icmpv6.type <= 137)');
    const got = reportTotals(reports, IMSI6);
    t.diagnostic(`tshark on ${r.vd} (no ND): ${ref.packets} packets, ${ref.bytes} IP bytes; reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes`);
    assert.ok(ref.packets >= 2 * 3 + 6, 'the clients made real traffic');
    assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
    assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');
    assert.ok(got.uplink > 0 && got.downlink > 0);
  });
});
