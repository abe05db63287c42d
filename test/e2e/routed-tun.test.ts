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
import { DEVICE_IP, canRunLab, clientsMatchReports, startGateway, startServers, tempDir, wireServer, writeConfig } from './_support/lab-traffic.js';

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
    const tun = `fgt${lab.id}`;

    lab.veth(dev, vd, gw, vg);
    lab.exec(dev, `ip addr add ${DEVICE_IP}/24 dev ${vd} && ip route add default via 10.128.0.1`);
    lab.exec(gw, `ip addr add 10.128.0.1/24 dev ${vg}`);
    const vgs = wireServer(lab, gw, srv);

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

    // tshark on the device's own veth (routed mode: no tunnel)
    await clientsMatchReports(t, lab, dev, vd, gateway, reports, dir);
  });
});
