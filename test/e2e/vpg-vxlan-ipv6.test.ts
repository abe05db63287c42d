// End to end, VPG topology with an IPv6 device, real traffic in network namespaces:
//
//   [dev]  fd00:66::10/64 on a Linux vxlan (VNI 42) ── veth 198.18.1.2 ──► [gw] fleetgate VXLAN port
//          route fd00:77::/64 via fd00:66::1 (the device's kernel solicits fd00:66::1: proxy ND answers)
//   [gw]   fleetgate writes inner packets to its TUN; the kernel routes them over a veth to
//   [srv]  fd00:77::10: python3 http.server :8080
//   return traffic for fd00:66::/64 is routed into the TUN and re-encapsulated to the device's VTEP.
//
// curl -6 and ping -6 in dev must succeed through fleetgate, and the Inspection reports for the device
// (by IMSI) must show exactly the packets and IP bytes tshark saw to or from fd00:66::10 on the device's
// vxlan interface, less the Neighbor Advertisements fleetgate answered with (like ARP replies, the
// gateway's own answers are not processed; the device's solicitations are its traffic and are counted).
// With --workers 2, a server address whose flows go to the worker that never saw the device's uplink pings
// the device first and gets its answers (the IPv6 endpoint is relayed between the workers).
// Also the tunnels without Ethernet, from tunnel-ue.py on a TUN: GENEVE with protocol 0x86DD and an option
// TLV, and GTP-U (TEID 4097): every packet back must carry the device's header (the endpoint counts others).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { NetnsLab } from './_support/netns.js';
import { buildVpg, stoppedSummary } from './_support/junction-lab.js';
import { startTunnelUe, ueStats } from './_support/tunnel-ue.js';
import { DEV6, SRV6, enableIpv6, startHttp6, tsharkCounts6 } from './_support/ipv6-lab.js';
import { HTTP_BODY, canRunLab, fleetHead, reportTotals, settle, startCapture, startGateway, tempDir } from './_support/lab-traffic.js';
import { flowWorkerOf } from '../../src/io/native/index.js';
import { parseAddress } from '../../src/control/config/cidr.js';

const GW6 = 'fd00:66::1';
const IMSI6 = '001010000000066';
/** More server addresses (fd00:77::20..27): the reference hash puts flows with the device on both workers. */
const EXTRA6 = Array.from({ length: 8 }, (_, k) => `fd00:77::${20 + k}`);

/** The worker (of 2) of flows between the device and addr, as the kernel steering programs choose it. */
function workerOf(addr: string): number {
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h.set(parseAddress(DEV6)!, 8);
  h.set(parseAddress(addr)!, 24);
  return flowWorkerOf(h, 0, 40, 2);
}

type Tunnel = 'vxlan' | 'geneve-ip' | 'gtpu';
const TEID = 4097;

async function scenario(t: TestContext, workers: number, tunnel: Tunnel = 'vxlan'): Promise<void> {
  if (!canRunLab(t)) return;
  const lab = new NetnsLab(t);
  const dir = tempDir(t);
  const vpg = buildVpg(lab, tunnel === 'vxlan' ? 'vxlan' : tunnel === 'gtpu' ? 'gtpu' : 'geneve');
  const { dev, gw, srv, devVxlan, tun } = vpg;
  const vgs = `vgs${lab.id}`;
  const vs = `vs${lab.id}`;
  if (tunnel === 'vxlan') {
    enableIpv6(lab, dev, ['lo', devVxlan]);
    lab.exec(dev, `ip -6 addr add ${DEV6}/64 dev ${devVxlan} nodad && ip -6 route add fd00:77::/64 via ${GW6} dev ${devVxlan}`);
  } else enableIpv6(lab, dev, ['lo', 'default']); // the endpoint's TUN is created later
  enableIpv6(lab, gw, ['lo', vgs]);
  lab.exec(gw, `sysctl -qw net.ipv6.conf.all.forwarding=1 && ip -6 addr add fd00:77::1/64 dev ${vgs} nodad`);
  enableIpv6(lab, srv, ['lo', vs]);
  lab.exec(srv, [`ip -6 addr add ${SRV6}/64 dev ${vs} nodad`, ...EXTRA6.map((a) => `ip -6 addr add ${a}/64 dev ${vs} nodad`), 'ip -6 route add default via fd00:77::1'].join(' && '));

  await startHttp6(lab, srv, dir, 8080);

  const config = join(dir, 'fleet.yaml');
  writeFileSync(config, [
    ...fleetHead(vpg.portsYaml, '[10.128.0.0/24, "fd00:66::/64"]'),
    'devices:',
    `  - { imsi: "${IMSI6}", ip: "${DEV6}", name: meter-v6${tunnel === 'gtpu' ? `, teid: ${TEID}` : ''} }`,
    '',
  ].join('\n'));
  const reports = join(dir, 'reports.jsonl');
  const gateway = await startGateway(lab, gw, config, reports, ['--status-every', '0', ...(workers > 1 ? ['--workers', String(workers)] : [])]);
  assert.match(gateway.out, /ready \(vpg\)/);
  enableIpv6(lab, gw, [tun]);
  lab.exec(gw, `ip -6 route add fd00:66::/64 dev ${tun}`);
  const ue = tunnel === 'vxlan' ? null : await startTunnelUe(lab, vpg, tunnel, tunnel === 'gtpu' ? TEID : 42, undefined, { addr: `${DEV6}/64`, route: `fd00:77::/64 dev ${devVxlan}` });

  const pcap = join(dir, 'device.pcap');
  const tshark = await startCapture(lab, dev, devVxlan, pcap);
  if (workers > 1) {
    // the device talks first to SRV6 (its worker learns the endpoint), then an address whose flow with the
    // device is on the other worker pings the device: that flow starts downlink, where the uplink was never seen
    const first = lab.tryExec(dev, `ping -6 -c 1 -W 2 ${SRV6}`);
    assert.equal(first.status, 0, first.out);
    const other = EXTRA6.find((a) => workerOf(a) !== workerOf(SRV6))!;
    await settle(300); // the endpoint is relayed after the batch, through the main thread
    const fromServer = lab.tryExec(srv, `ping -6 -c 3 -i 0.2 -W 2 -I ${other} ${DEV6}`);
    assert.equal(fromServer.status, 0, `server-initiated ping answered through the other worker: ${fromServer.out}`);
  }
  const curl = lab.tryExec(dev, `curl -6 -sS -m 10 http://[${SRV6}]:8080/hello.txt`);
  assert.equal(curl.status, 0, `curl -6 failed: ${curl.out}`);
  assert.equal(curl.out, HTTP_BODY);
  const ping = lab.tryExec(dev, `ping -6 -c 3 -i 0.2 -W 2 ${SRV6}`);
  assert.equal(ping.status, 0, `ping -6 failed: ${ping.out}`);
  assert.match(ping.out, /3 packets transmitted, 3 received/);
  if (workers > 1) {
    const pings = lab.tryExec(dev, EXTRA6.map((a) => `ping -6 -c 2 -i 0.2 -W 2 ${a} > /dev/null & `).join('') + 'fails=0; for j in $(jobs -p); do wait $j || fails=$((fails+1)); done; echo fails=$fails', 20_000);
    assert.match(pings.out, /fails=0/, `every parallel ping got its answers: ${pings.out}`);
  }
  await settle(1000);
  await tshark.stop('SIGINT');
  await ue?.stop('SIGTERM');
  assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

  const ref = tsharkCounts6(pcap, DEV6);
  const nd = tsharkCounts6(pcap, DEV6, ' && icmpv6.type==136');
  const got = reportTotals(reports, IMSI6);
  const sum = stoppedSummary(gateway.out) as { forwarding: { toDevices: number; toNetwork: number; ndReplies: number; noRoute: number }; endpointsRelayed?: number; endpointsAdopted?: number };
  t.diagnostic(`tshark on ${devVxlan}: ${ref.packets} packets, ${ref.bytes} IP bytes (${nd.packets} Neighbor Advertisements to the device)`);
  t.diagnostic(`fleetgate reports: ${got.packets} packets (${got.uplink} up, ${got.downlink} down), ${got.bytes} IP bytes; forwarding ${JSON.stringify(sum.forwarding)}`);
  if (workers > 1) t.diagnostic(`endpoints relayed ${sum.endpointsRelayed} / adopted ${sum.endpointsAdopted}`);
  assert.ok(ref.packets >= 2 * 3 + 6, 'the clients made real traffic');
  if (ue) {
    const st = ueStats(ue);
    t.diagnostic(`${tunnel} endpoint ${JSON.stringify(st)}`);
    assert.equal(st.badHeader, 0, 'every packet back to the device carried its TEID / VNI / protocol 0x86DD / options');
    assert.equal(st.other, 0);
    assert.ok(st.received >= got.downlink, 'the device got every downlink packet reported');
  } else assert.ok(nd.packets >= 1, 'proxy ND answered the device');
  assert.equal(sum.forwarding.ndReplies, nd.packets, 'every Neighbor Advertisement the device got came from fleetgate');
  assert.equal(got.packets, ref.packets - nd.packets, 'packets: reports vs tshark (less our Neighbor Advertisements)');
  assert.equal(got.bytes, ref.bytes - nd.bytes, 'IP bytes: reports vs tshark (less our Neighbor Advertisements)');
  assert.ok(got.uplink > 0 && got.downlink > 0);
  assert.equal(sum.forwarding.toDevices, got.downlink, 'every downlink packet reported was re-encapsulated to the device');
  const apps = new Set(got.reports.flatMap((r) => r.payloads.applications.map((a) => a.app.split('.')[0])));
  assert.ok(apps.has('HTTP'), `application HTTP in ${[...apps].join(', ')}`);
  assert.equal(got.reports[0].payloads.device.ip, DEV6);
  if (workers > 1) assert.ok((sum.endpointsRelayed ?? 0) >= 1 && (sum.endpointsAdopted ?? 0) >= 1, 'the IPv6 endpoint went from one worker to the other');
}

describe('e2e: VXLAN device port + network TUN (VPG), IPv6 device', { timeout: 120_000 }, () => {
  it('curl -6 and ping -6 work through fleetgate; reports match tshark', (t) => scenario(t, 1));
  it('--workers 2: the IPv6 endpoint is relayed; a server-initiated flow on the other worker is answered', (t) => scenario(t, 2));
  it('GENEVE with IPv6 inside (protocol 0x86DD) and an option TLV: replies carry them', (t) => scenario(t, 1, 'geneve-ip'));
  it('GTP-U with IPv6 inside: replies carry TEID 4097', (t) => scenario(t, 1, 'gtpu'));
});
