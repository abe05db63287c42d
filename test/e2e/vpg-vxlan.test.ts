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
import { buildVpg, routeDevicesIntoTun } from './_support/junction-lab.js';
import { DEVICE_IP, canRunLab, clientsMatchReports, startGateway, startServers, tempDir, writeConfig } from './_support/lab-traffic.js';

describe('e2e: VXLAN device port + network TUN (VPG)', { timeout: 120_000 }, () => {
  it('curl, ping and mosquitto_pub work through fleetgate; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    // device VTEP (VNI 42) -> gateway namespace (fleetgate's VXLAN port + network TUN) -> server namespace
    const vpg = buildVpg(lab);
    const { dev, gw, srv } = vpg;

    await startServers(lab, srv, dir);
    const config = writeConfig(dir, vpg.portsYaml);
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, gw, config, reports);
    assert.match(gateway.out, /ready \(vpg\)/);
    routeDevicesIntoTun(lab, vpg);

    const got = await clientsMatchReports(t, lab, dev, vpg.devVxlan, gateway, reports, dir);
    assert.equal(got.reports[0].payloads.device.ip, DEVICE_IP);
    assert.equal(got.reports[0].payloads.device.name, 'meter-e2e');
  });
});
