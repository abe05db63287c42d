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
import { canRunLab, clientsMatchReports, routeThroughTuns, routedLab, startGateway, startServers, writeConfig } from './_support/lab-traffic.js';

describe('e2e: TUN port (routed mode, same TUN both ways)', { timeout: 120_000 }, () => {
  it('curl, ping and mosquitto_pub work through fleetgate; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    const { lab, dir, r, tun } = routedLab(t);
    await startServers(lab, r.srv, dir);
    const config = writeConfig(dir, `devices: { kind: tun, name: ${tun} }`);
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, r.gw, config, reports);
    assert.match(gateway.out, /ready \(routed\)/);
    routeThroughTuns(lab, r, tun);

    // tshark on the device's own veth (routed mode: no tunnel)
    await clientsMatchReports(t, lab, r.dev, r.vd, gateway, reports, dir);
  });
});
