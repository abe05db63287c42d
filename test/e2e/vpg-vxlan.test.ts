// End to end, VPG topology, real traffic in network namespaces:
//
//   [dev]  10.128.0.2/24 on a Linux vxlan (VNI 42) ── veth 198.18.1.2 ──► [gw] fleetgate VXLAN port
//   [gw]   fleetgate writes inner packets to its TUN; the kernel routes them over a veth to
//   [srv]  10.129.0.10: python3 http.server :8080, mosquitto :1883
//   return traffic for 10.128.0.0/24 is routed into the TUN and re-encapsulated to the device's VTEP.
//
// curl, ping and mosquitto_pub in dev must succeed through fleetgate, and the Inspection reports for the
// device (by IMSI) must show exactly the packets and IP bytes tshark saw on the device's vxlan interface.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import {
  DEVICE_IMSI, DEVICE_IP, SERVER_IP, canRunLab, reportTotals, runClients, settle, startCapture, startGateway, startServers,
  tempDir, tsharkCounts, writeConfig,
} from './_support/lab-traffic.js';

describe('e2e: VXLAN device port + network TUN (VPG)', { timeout: 120_000 }, () => {
  it('curl, ping and mosquitto_pub work through fleetgate; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const dev = lab.netns('d');
    const gw = lab.netns('g');
    const srv = lab.netns('s');
    const vd = `vd${lab.id}`;
    const vg = `vg${lab.id}`;
    const vgs = `vgs${lab.id}`;
    const vs = `vs${lab.id}`;
    const tun = `fgn${lab.id}`;
    const vx = `vx${lab.id}`;

    // underlay dev <-> gw, and gw <-> srv
    lab.veth(dev, vd, gw, vg);
    lab.exec(dev, `ip addr add 198.18.1.2/30 dev ${vd}`);
    lab.exec(gw, `ip addr add 198.18.1.1/30 dev ${vg}`);
    lab.veth(gw, vgs, srv, vs);
    lab.exec(gw, `ip addr add 10.129.0.1/24 dev ${vgs}`);
    lab.exec(srv, `ip addr add ${SERVER_IP}/24 dev ${vs} && ip route add default via 10.129.0.1`);
    lab.exec(gw, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0');
    // the device: a Linux VTEP pointing at fleetgate, the server subnet routed through it
    lab.exec(dev, `ip link add ${vx} type vxlan id 42 remote 198.18.1.1 local 198.18.1.2 dstport 4789 dev ${vd}`);
    lab.exec(dev, `ip addr add ${DEVICE_IP}/24 dev ${vx} && ip link set ${vx} up && ip route add 10.129.0.0/24 via 10.128.0.1 dev ${vx}`);
    // Over veth, checksum offload leaves the inner TCP/UDP checksums unfilled inside the VXLAN payload
    // (a real NIC would fill them); a UDP socket receives those bytes as they are. Compute them in software.
    lab.exec(dev, `ethtool -K ${vx} tx off >/dev/null && ethtool -K ${vd} tx off >/dev/null`);

    await startServers(lab, srv, dir);
    const config = writeConfig(dir, ['devices: { kind: vxlan, address: 198.18.1.1 }', `network: { kind: tun, name: ${tun} }`].join('\n'));
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, gw, config, reports);
    assert.match(gateway.out, /ready \(vpg\)/);
    lab.exec(gw, `sysctl -qw net.ipv4.conf.${tun}.rp_filter=0 && ip route add 10.128.0.0/24 dev ${tun}`);

    const pcap = join(dir, 'device.pcap');
    const tshark = await startCapture(lab, dev, vx, pcap);
    runClients(lab, dev);
    await settle(1000);
    await tshark.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const ref = tsharkCounts(pcap, DEVICE_IP);
    const got = reportTotals(reports, DEVICE_IMSI);
    t.diagnostic(`tshark on the device's vxlan: ${ref.packets} packets, ${ref.bytes} IP bytes`);
    t.diagnostic(`fleetgate reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes`);
    t.diagnostic(gateway.out.split('\n').find((l) => l.includes('stopped')) ?? '');
    assert.ok(ref.packets >= 3 * 2 + 6, 'the clients made real traffic');
    assert.ok(got.reports.length >= 1);
    assert.equal(got.reports[0].payloads.device.ip, DEVICE_IP);
    assert.equal(got.reports[0].payloads.device.name, 'meter-e2e');
    assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
    assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');
    const newFlows = got.reports.reduce((n, r) => n + r.payloads.flows.new, 0);
    assert.equal(newFlows, 3, 'one flow each for HTTP, ICMP and MQTT (both directions in the same flow)');
    const apps = new Set(got.reports.flatMap((r) => r.payloads.applications.map((a) => a.app.split('.')[0])));
    for (const app of ['HTTP', 'MQTT', 'ICMP']) assert.ok(apps.has(app), `application ${app} in ${[...apps].join(', ')}`);
  });
});
