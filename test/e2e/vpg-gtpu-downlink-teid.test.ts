// End to end, VPG with a GTP-U devices port and a device whose downlink TEID differs from its uplink
// TEID (as in a real GTP-U network: the gateway allocated 4097 for uplink, the eNodeB/gNB 8193 for
// downlink):
//
//   [dev] 10.128.0.2 on a TUN driven by tunnel-ue.py: G-PDUs with TEID 4097 ──► [gw] fleetgate :2152
//        ◄── G-PDUs with TEID 8193 (devices[].downlinkTeid) ──   inner packets ↔ TUN ↔ [srv] 10.129.0.10
//
// tshark on the device's outer interface must see every uplink G-PDU with TEID 4097 and every downlink
// one with 8193 (GSO sends split by hand); the UE accepts only 8193 on the way back (it counts any other as badHeader); the
// Inspection reports still attribute everything to the device (declared at another address, so only
// the TEID can pick it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import { buildVpg, routeDevicesIntoTun } from './_support/junction-lab.js';
import { startTunnelUe, ueStats } from './_support/tunnel-ue.js';
import { DEVICE_IMSI, DEVICE_IP, canRunLab, reportTotals, runClients, settle, startCapture, startGateway, startServers, tempDir, writeConfig } from './_support/lab-traffic.js';

const UPLINK_TEID = 4097;
const DOWNLINK_TEID = 8193;
const DECOY_IMSI = '001010000000043';

/**
 * The G-PDUs of the capture: [outer source address, TEID] each. A UDP GSO send (the gateway's runs of
 * equal-length datagrams) shows on the veth as one packet holding several G-PDUs back to back: walk
 * the UDP payload by the GTP-U length field rather than count packets.
 */
function gtpTeids(pcap: string): { src: string; teid: number }[] {
  const r = spawnSync('tshark', ['-r', pcap, '-Y', 'udp.port == 2152', '-T', 'fields', '-E', 'occurrence=f', '-e', 'ip.src', '-e', 'udp.payload'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, `tshark -r failed: ${r.stderr}`);
  const out: { src: string; teid: number }[] = [];
  for (const line of r.stdout.split('\n')) {
    const [src, hex] = line.trim().split('\t');
    if (!src || !hex) continue;
    const b = Buffer.from(hex.replace(/:/g, ''), 'hex');
    for (let off = 0, n = 0; off + 8 <= b.length && n < 64; n++) {
      if (b[off + 1] === 255) out.push({ src, teid: b.readUInt32BE(off + 4) });
      off += 8 + b.readUInt16BE(off + 2);
    }
  }
  return out;
}

describe('e2e: GTP-U downlink TEID (VPG)', { timeout: 120_000 }, () => {
  it('downlink G-PDUs carry devices[].downlinkTeid, uplink ones the uplink TEID; reports attribute to the device', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const v = buildVpg(lab, 'gtpu');
    await startServers(lab, v.srv, dir);
    const config = writeConfig(dir, v.portsYaml, {
      devices: [
        `  - { imsi: "${DEVICE_IMSI}", ip: 10.128.0.50, name: meter-gtp, teid: ${UPLINK_TEID}, downlinkTeid: ${DOWNLINK_TEID} }`,
        `  - { imsi: "${DECOY_IMSI}", ip: ${DEVICE_IP}, name: decoy }`,
      ],
    });
    const reports = join(dir, 'reports.jsonl');
    const gateway = await startGateway(lab, v.gw, config, reports);
    assert.match(gateway.out, /ready \(vpg\)/);
    routeDevicesIntoTun(lab, v);
    const ue = await startTunnelUe(lab, v, 'gtpu', UPLINK_TEID, DOWNLINK_TEID);

    const outer = join(dir, 'outer.pcap');
    const tshark = await startCapture(lab, v.dev, `vd${lab.id}`, outer);
    runClients(lab, v.dev);
    await settle(1000);
    await tshark.stop('SIGINT');
    await ue.stop('SIGTERM');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const pdus = gtpTeids(outer);
    const up = pdus.filter((p) => p.src === '198.18.1.2');
    const down = pdus.filter((p) => p.src === '198.18.1.1');
    const teidsOf = (l: { teid: number }[]) => [...new Set(l.map((p) => p.teid))];
    t.diagnostic(`tshark on the outer interface: ${up.length} uplink G-PDUs, TEIDs ${teidsOf(up).join(',')}; ${down.length} downlink, TEIDs ${teidsOf(down).join(',')}`);
    assert.ok(up.length >= 12 && down.length >= 12, 'the clients made real traffic both ways');
    assert.deepEqual(teidsOf(up), [UPLINK_TEID], 'uplink G-PDUs carry the uplink TEID');
    assert.deepEqual(teidsOf(down), [DOWNLINK_TEID], 'downlink G-PDUs carry the downlink TEID');

    const st = ueStats(ue);
    const got = reportTotals(reports, DEVICE_IMSI);
    t.diagnostic(`endpoint ${JSON.stringify(st)}; reports ${got.packets} packets (${got.uplink} up, ${got.downlink} down)`);
    assert.equal(st.badHeader, 0, 'the UE got no G-PDU with another TEID');
    assert.equal(st.received, down.length, 'every downlink G-PDU reached the device');
    assert.equal(got.uplink, st.sent, 'uplink: G-PDUs the UE sent = packets reported for the device');
    assert.equal(got.downlink, st.received, 'downlink: G-PDUs with the downlink TEID = packets reported for the device');
    assert.equal(got.reports[0].payloads.device.name, 'meter-gtp', 'attributed by TEID, not by address');
    assert.equal(reportTotals(reports, DECOY_IMSI).packets, 0, 'nothing attributed to the device that owns the address');
  });
});
