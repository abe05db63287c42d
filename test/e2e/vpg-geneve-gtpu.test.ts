// End to end, VPG topology with the other two device tunnels (vpg-vxlan.test.ts has VXLAN):
//
//   GENEVE: [dev] 10.128.0.2 on a TAP (Ethernet) or TUN (IPv4 + option) driven by tunnel-ue.py, VNI 42
//                                                                  ──► [gw] fleetgate GENEVE port :6081
//   GTP-U:  [dev] 10.128.0.2 on a TUN driven by tunnel-ue.py (G-PDUs, TEID 4097, UDP 2152)
//                                                                  ──► [gw] fleetgate GTP-U port :2152
//   [gw] inner packets to its TUN, the kernel routes them to [srv] 10.129.0.10 (HTTP, MQTT) and back.
//
// curl, ping and mosquitto_pub must succeed, and the Inspection reports for the device (by IMSI) must
// show exactly the packets and IP bytes tshark saw on the device's tunnel interface. GTP-U also checks
// the TEID mapping (the device is declared with teid 4097 and ANOTHER address, while a decoy device owns
// the address the UE really uses: only the TEID can pick the right one) and the return path (every
// downlink G-PDU the UE receives carries TEID 4097; the UE counts any other).
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NetnsLab, type Background } from './_support/netns.js';
import { buildVpg, routeDevicesIntoTun, stoppedSummary } from './_support/junction-lab.js';
import { startTunnelUe, ueStats, type UeMode, type UeStats } from './_support/tunnel-ue.js';
import {
  DEVICE_IMSI, DEVICE_IP, canRunLab, reportTotals, runClients, settle, startCapture, startGateway, startServers,
  tempDir, tsharkCounts, writeConfig,
} from './_support/lab-traffic.js';

const TEID = 4097;
const DECOY_IMSI = '001010000000043';

function writeGtpuConfig(dir: string, portsYaml: string): string {
  return writeConfig(dir, portsYaml, {
    devices: [
      // re-addressed: declared at .50, the UE uses .2 — only the TEID attributes its traffic to it
      `  - { imsi: "${DEVICE_IMSI}", ip: 10.128.0.50, name: meter-gtp, teid: ${TEID} }`,
      `  - { imsi: "${DECOY_IMSI}", ip: ${DEVICE_IP}, name: decoy }`,
    ],
  });
}

interface RunResult {
  ref: { packets: number; bytes: number };
  got: ReturnType<typeof reportTotals>;
  gatewayOut: string;
  reports: string;
  ue: UeStats;
}

async function scenario(t: TestContext, mode: UeMode, check: (r: RunResult) => void): Promise<void> {
  const lab = new NetnsLab(t);
  const dir = tempDir(t);
  const tunnel = mode === 'gtpu' ? 'gtpu' : 'geneve';
  const v = buildVpg(lab, tunnel);
  await startServers(lab, v.srv, dir);
  const config = tunnel === 'gtpu' ? writeGtpuConfig(dir, v.portsYaml) : writeConfig(dir, v.portsYaml);
  const reports = join(dir, 'reports.jsonl');
  const gateway = await startGateway(lab, v.gw, config, reports);
  assert.match(gateway.out, /ready \(vpg\)/);
  routeDevicesIntoTun(lab, v);
  const ue: Background = await startTunnelUe(lab, v, mode, tunnel === 'gtpu' ? TEID : 42);

  const pcap = join(dir, 'device.pcap');
  const tshark = await startCapture(lab, v.dev, v.devVxlan, pcap);
  runClients(lab, v.dev);
  await settle(1000);
  await tshark.stop('SIGINT');
  await ue.stop('SIGTERM');
  assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

  const ref = tsharkCounts(pcap, DEVICE_IP);
  const got = reportTotals(reports, DEVICE_IMSI);
  t.diagnostic(`${mode}: tshark on the device's interface: ${ref.packets} packets, ${ref.bytes} IP bytes`);
  t.diagnostic(`${mode}: fleetgate reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes`);
  assert.ok(ref.packets >= 3 * 2 + 6, 'the clients made real traffic');
  assert.equal(got.packets, ref.packets, 'packets: reports vs tshark');
  assert.equal(got.bytes, ref.bytes, 'IP bytes: reports vs tshark');
  assert.ok(got.uplink > 0 && got.downlink > 0, 'both directions counted');
  const newFlows = got.reports.reduce((n, r) => n + r.payloads.flows.new, 0);
  assert.equal(newFlows, 3, 'one flow each for HTTP, ICMP and MQTT (both directions in the same flow)');
  const apps = new Set(got.reports.flatMap((r) => r.payloads.applications.map((a) => a.app.split('.')[0])));
  for (const app of ['HTTP', 'MQTT', 'ICMP']) assert.ok(apps.has(app), `application ${app} in ${[...apps].join(', ')}`);
  const st = ueStats(ue);
  t.diagnostic(`${mode}: endpoint ${JSON.stringify(st)}`);
  assert.equal(st.badHeader, 0, 'every packet back to the device carried its TEID / VNI / protocol / options');
  assert.equal(st.other, 0, 'nothing but data packets reached the device');
  check({ ref, got, gatewayOut: gateway.out, reports, ue: st });
}

describe('e2e: GENEVE and GTP-U device ports + network TUN (VPG)', { timeout: 120_000 }, () => {
  it('GENEVE with Ethernet inside (like a Linux geneve device): clients work; reports match tshark', async (t) => {
    if (!canRunLab(t)) return;
    await scenario(t, 'geneve-eth', (r) => {
      assert.equal(r.got.reports[0].payloads.device.ip, DEVICE_IP);
      const sum = stoppedSummary(r.gatewayOut) as { forwarding: { toDevices: number; arpReplies: number } };
      t.diagnostic(`geneve-eth: forwarding ${JSON.stringify(sum.forwarding)}`);
      assert.ok(sum.forwarding.arpReplies >= 1, 'the gateway answered the device ARP for 10.128.0.1');
      // ARP replies go to the device too, outside the pipeline's counts
      assert.equal(r.ue.received, r.got.downlink + sum.forwarding.arpReplies, 'downlink: what the device got = packets reported + ARP replies');
      assert.equal(r.ue.sent, r.got.uplink + sum.forwarding.arpReplies, 'uplink: what the device sent = packets reported + ARP requests');
    });
  });

  it('GENEVE with IPv4 inside and an option TLV (as AWS GWLB): options come back on every reply', async (t) => {
    if (!canRunLab(t)) return;
    await scenario(t, 'geneve-ip', (r) => {
      assert.equal(r.ue.sent, r.got.uplink);
      assert.equal(r.ue.received, r.got.downlink);
    });
  });

  it('GTP-U: the TEID picks the device; replies carry the same TEID', async (t) => {
    if (!canRunLab(t)) return;
    await scenario(t, 'gtpu', (r) => {
      assert.equal(r.ue.sent, r.got.uplink, 'uplink: G-PDUs the UE sent = packets reported');
      assert.equal(r.ue.received, r.got.downlink, 'downlink: G-PDUs with TEID 4097 the UE got = packets reported');
      assert.equal(r.got.reports[0].payloads.device.name, 'meter-gtp', 'attributed by TEID, not by address');
      assert.equal(reportTotals(r.reports, DECOY_IMSI).packets, 0, 'nothing attributed to the device that owns the address');
    });
  });
});
