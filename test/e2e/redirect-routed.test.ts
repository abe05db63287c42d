// End to end, Redirection in routed gateway mode with two TUNs, a device with an IPv4 and an IPv6 address:
//
//   [dev] 10.128.0.2, fd00:66::10 ── veth ──► [gw] devices TUN ─ fleetgate ─ network TUN ── veth ──► [srv] 10.129.0.10, fd00:77::10
//                                              └── VXLAN VNI 10 (UDP 4790) ──► [a1] 192.0.2.2, vxlan 10.200.0.1 / fd00:200::1
//
// Policy routing in gw sends what arrives from the device veth into the devices TUN and what arrives
// from the server veth into the network TUN. Every flow to the server (both address families) is
// redirected to the appliance, whose kernel routes everything back through its tunnel (IPv4 via the
// gateway's tunnel address, IPv6 via a next hop the gateway answers neighbour solicitations for). A returned
// packet for the device must go to the devices TUN (onReturned → isDeviceAddress, IPv4 and IPv6), the
// rest to the network TUN. Checked: curl, curl -6, ping, ping -6 succeed; tshark in the appliance sees
// each flow both ways (each packet twice: in and back out); redirected = returned, no drop; each
// device's reports = tshark on the device veth (IPv6 less neighbour discovery).
//
// The selector names the server's prefixes rather than "everything": the gateway's kernel sends its own
// MLD reports into both TUNs when IPv6 comes up on them, and an appliance does not route link-local
// multicast back, which would make redirected ≠ returned for reasons that are not the data path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_IMSI, DEVICE_IP, HTTP_BODY, SERVER_IP, canRunLab, fleetHead, reportTotals, routeThroughTuns, routedLab, settle, startCapture, startGateway, startServers, tsharkCount, tsharkCounts } from './_support/lab-traffic.js';
import { appliance, startPcap, stoppedSummary } from './_support/junction-lab.js';
import { DEV6, SRV6, addRoutedIpv6, enableIpv6, startHttp6, tsharkCounts6 } from './_support/ipv6-lab.js';

const IMSI6 = '001010000000066';

describe('e2e: Redirection in routed mode (two TUNs), IPv4 and IPv6 device', { timeout: 120_000 }, () => {
  it('curl, curl -6, ping, ping -6 go through the appliance both ways; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    const { lab, dir, r, tunD, tunN, vs } = routedLab(t);
    await startServers(lab, r.srv, dir);

    // IPv6 on the device, gateway and server veths (the routed-tun-ipv6 addresses)
    addRoutedIpv6(lab, r, vs);
    await startHttp6(lab, r.srv, dir, 8081);

    // the appliance: IPv4 as in the other redirect tests; IPv6 forwarding back through the tunnel via a
    // next hop it resolves by neighbour discovery (the gateway answers with its tunnel MAC, as for ARP).
    // Set up before the gateway starts: its own MLD reports are then sent before the return port is open.
    const ap = appliance(lab, { gw: r.gw }, 1);
    enableIpv6(lab, ap.ns, [ap.vx]);
    lab.exec(ap.ns, [
      'sysctl -qw net.ipv6.conf.all.forwarding=1',
      `ip -6 addr add fd00:200::1/64 dev ${ap.vx} nodad`,
      `ip -6 route add default via fd00:200::fe dev ${ap.vx}`,
    ].join(' && '));

    const config = join(dir, 'fleet.yaml');
    writeFileSync(config, [
      ...fleetHead(`devices: { kind: tun, name: ${tunD} }\nnetwork: { kind: tun, name: ${tunN} }`, '[10.128.0.0/24, "fd00:66::/64"]'),
      '  junction:',
      '    redirection:',
      '      localAddress: 10.200.0.254',
      '      localPort: 4790',
      '      primary: { address: 192.0.2.2, protocol: vxlan, vni: 10, port: 4790, innerAddress: 10.200.0.1, innerMac: "02:00:00:00:aa:01" }',
      '      probe: { intervalMs: 500, threshold: 3 }',
      '      selector: { destinations: [10.129.0.0/24, "fd00:77::/64"] }',
      'devices:',
      `  - { imsi: "${DEVICE_IMSI}", ip: ${DEVICE_IP}, name: meter-v4 }`,
      `  - { imsi: "${IMSI6}", ip: "${DEV6}", name: meter-v6 }`,
      '',
    ].join('\n'));
    const reports = join(dir, 'reports.jsonl');
    await settle(2500); // the appliance's unsolicited MLD reports are over (sent at join, then ~1 s apart)
    const gateway = await startGateway(lab, r.gw, config, reports, ['--status-every', '0']);
    assert.match(gateway.out, /ready \(routed\).*redirection to 192\.0\.2\.2:4790/);
    routeThroughTuns(lab, r, tunD, tunN);
    enableIpv6(lab, r.gw, [tunD, tunN]);
    lab.exec(r.gw, [
      `ip -6 route add default dev ${tunD} table 100`,
      `ip -6 route add default dev ${tunN} table 101`,
      `ip -6 rule add iif ${r.vg} lookup 100`,
      `ip -6 rule add iif ${r.vgs} lookup 101`,
    ].join(' && '));
    await settle(700); // a first probe round trip

    const apPcap = join(dir, 'ap1.pcap');
    const apCap = await startPcap(lab, ap.ns, ap.vx, apPcap);
    const devPcap = join(dir, 'device.pcap');
    const devCap = await startCapture(lab, r.dev, r.vd, devPcap);
    const curl = lab.tryExec(r.dev, `curl -sS -m 10 http://${SERVER_IP}:8080/hello.txt`);
    assert.equal(curl.status, 0, `curl failed: ${curl.out}\n${gateway.out}`);
    assert.equal(curl.out, HTTP_BODY);
    const curl6 = lab.tryExec(r.dev, `curl -6 -sS -m 10 http://[${SRV6}]:8081/hello.txt`);
    assert.equal(curl6.status, 0, `curl -6 failed: ${curl6.out}\n${gateway.out}`);
    assert.equal(curl6.out, HTTP_BODY);
    const ping = lab.tryExec(r.dev, `ping -c 3 -i 0.2 -W 2 ${SERVER_IP}`);
    assert.equal(ping.status, 0, `ping failed: ${ping.out}`);
    assert.match(ping.out, /3 packets transmitted, 3 received/);
    const ping6 = lab.tryExec(r.dev, `ping -6 -c 3 -i 0.2 -W 2 ${SRV6}`);
    assert.equal(ping6.status, 0, `ping -6 failed: ${ping6.out}`);
    assert.match(ping6.out, /3 packets transmitted, 3 received/);
    await settle(1000);
    await devCap.stop('SIGINT');
    await apCap.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    // the appliance: every flow both ways, each packet twice (in from the gateway, back out to it)
    const seen = {
      http: [tsharkCount(apPcap, `ip.src == ${DEVICE_IP} && tcp.dstport == 8080`), tsharkCount(apPcap, `ip.dst == ${DEVICE_IP} && tcp.srcport == 8080`)],
      http6: [tsharkCount(apPcap, `ipv6.src == ${DEV6} && tcp.dstport == 8081`), tsharkCount(apPcap, `ipv6.dst == ${DEV6} && tcp.srcport == 8081`)],
      ping: [tsharkCount(apPcap, `ip.src == ${DEVICE_IP} && icmp.type == 8`), tsharkCount(apPcap, `ip.dst == ${DEVICE_IP} && icmp.type == 0`)],
      ping6: [tsharkCount(apPcap, `ipv6.src == ${DEV6} && icmpv6.type == 128`), tsharkCount(apPcap, `ipv6.dst == ${DEV6} && icmpv6.type == 129`)],
    };
    t.diagnostic(`appliance saw (up, down frames): ${JSON.stringify(seen)}`);
    for (const k of ['http', 'http6'] as const) {
      const [up, down] = seen[k];
      assert.ok(up >= 2 * 4 && down >= 2 * 4 && up % 2 === 0 && down % 2 === 0, `${k} went through the appliance both ways (${up} up, ${down} down)`);
    }
    assert.deepEqual([seen.ping, seen.ping6], [[6, 6], [6, 6]], 'each echo request and reply crossed the appliance twice');

    // the device side: reports = tshark (IPv6 without the kernels' neighbour discovery)
    const ref4 = tsharkCounts(devPcap, DEVICE_IP);
    const ref6 = tsharkCounts6(devPcap, DEV6, ' && !(icmpv6.type >= 133 && icmpv6.type <= 137)');
    const got4 = reportTotals(reports, DEVICE_IMSI);
    const got6 = reportTotals(reports, IMSI6);
    t.diagnostic(`IPv4: tshark ${ref4.packets} packets / ${ref4.bytes} IP bytes; reports ${got4.packets} (${got4.uplink} up, ${got4.downlink} down) / ${got4.bytes}`);
    t.diagnostic(`IPv6: tshark (no ND) ${ref6.packets} packets / ${ref6.bytes} IP bytes; reports ${got6.packets} (${got6.uplink} up, ${got6.downlink} down) / ${got6.bytes}`);
    assert.ok(ref4.packets >= 2 * 3 + 6 && ref6.packets >= 2 * 3 + 6, 'the clients made real traffic');
    assert.deepEqual([got4.packets, got4.bytes], [ref4.packets, ref4.bytes], 'IPv4 device: reports vs tshark');
    assert.deepEqual([got6.packets, got6.bytes], [ref6.packets, ref6.bytes], 'IPv6 device: reports vs tshark');

    // the gateway: every redirected packet came back and went on; the device's packets were counted once
    const sum = stoppedSummary(gateway.out) as {
      forwarding: { toDevices: number; toNetwork: number };
      redirection: { redirected: number; returned: number; drops: number; peers: { healthy: boolean; packets: number; returned: number }[] };
    };
    t.diagnostic(`gateway: forwarding ${JSON.stringify(sum.forwarding)}; redirection ${JSON.stringify(sum.redirection)}`);
    const red = sum.redirection;
    assert.equal(red.redirected, got4.packets + got6.packets, 'every packet of the device flows went to the appliance');
    assert.deepEqual([red.returned, red.drops], [red.redirected, 0], 'redirected = returned, no drop');
    assert.equal(red.peers[0].healthy, true);
    // a returned packet for the device written to the network TUN would still reach it (the kernel's main
    // table routes it), so the counter is what shows it took the devices TUN: exactly the device's downlink
    assert.equal(sum.forwarding.toDevices, got4.downlink + got6.downlink, 'returned packets for the device (IPv4 and IPv6) went to the devices TUN');
  });
});
