// End to end, routed gateway mode through one TUN port, real traffic in network namespaces:
//
//   [dev] 10.128.0.2/24 ── veth ──► [gw] 10.128.0.1 | 10.129.0.1 ── veth ──► [srv] 10.129.0.10
//
// In gw, policy routing sends everything that arrives from either veth into fleetgate's TUN
// (`ip rule iif <veth> lookup 100; default dev <tun> table 100`); what fleetgate writes back into the
// TUN is routed by the main table to its destination. curl, ping and mosquitto_pub in dev must succeed,
// and the device's Inspection reports must match tshark's packet and IP-byte counts on the device veth.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import {
  DEVICE_IMSI, DEVICE_IP, SERVER_IP, canRunLab, reportTotals, runClients, settle, startCapture, startGateway, startServers,
  tempDir, tsharkCounts, writeConfig,
} from './_support/lab-traffic.js';

describe('e2e: TUN port (routed mode, same TUN both ways)', { timeout: 120_000 }, () => {
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
    const tun = `fgt${lab.id}`;

    lab.veth(dev, vd, gw, vg);
    lab.exec(dev, `ip addr add ${DEVICE_IP}/24 dev ${vd} && ip route add default via 10.128.0.1`);
    lab.exec(gw, `ip addr add 10.128.0.1/24 dev ${vg}`);
    lab.veth(gw, vgs, srv, vs);
    lab.exec(gw, `ip addr add 10.129.0.1/24 dev ${vgs}`);
    lab.exec(srv, `ip addr add ${SERVER_IP}/24 dev ${vs} && ip route add default via 10.129.0.1`);
    lab.exec(gw, 'sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0');

    await startServers(lab, srv, dir);
    const config = writeConfig(dir, `devices: { kind: tun, name: ${tun} }`);
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, gw, config, reports);
    assert.match(gateway.out, /ready \(routed\)/);
    lab.exec(gw, [
      `sysctl -qw net.ipv4.conf.${tun}.rp_filter=0 net.ipv4.conf.${vg}.rp_filter=0 net.ipv4.conf.${vgs}.rp_filter=0`,
      `ip route add default dev ${tun} table 100`,
      `ip rule add iif ${vg} lookup 100`,
      `ip rule add iif ${vgs} lookup 100`,
    ].join(' && '));

    const pcap = join(dir, 'device.pcap');
    const tshark = await startCapture(lab, dev, vd, pcap);
    runClients(lab, dev);
    await settle(1000);
    await tshark.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const ref = tsharkCounts(pcap, DEVICE_IP);
    const got = reportTotals(reports, DEVICE_IMSI);
    t.diagnostic(`tshark on the device's veth: ${ref.packets} packets, ${ref.bytes} IP bytes`);
    t.diagnostic(`fleetgate reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes`);
    t.diagnostic(gateway.out.split('\n').find((l) => l.includes('stopped')) ?? '');
    assert.ok(ref.packets >= 3 * 2 + 6, 'the clients made real traffic');
    assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
    assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');
    assert.ok(got.uplink > 0 && got.downlink > 0);
    const newFlows = got.reports.reduce((n, r) => n + r.payloads.flows.new, 0);
    assert.equal(newFlows, 3, 'one flow each for HTTP, ICMP and MQTT (both directions in the same flow)');
    const apps = new Set(got.reports.flatMap((r) => r.payloads.applications.map((a) => a.app.split('.')[0])));
    for (const app of ['HTTP', 'MQTT', 'ICMP']) assert.ok(apps.has(app), `application ${app} in ${[...apps].join(', ')}`);
  });
});
