// End to end, Mirroring in the live gateway (VPG topology of vpg-vxlan.test.ts plus a mirror peer):
//
//   [dev] ── VXLAN ──► [gw] fleetgate ──TUN──► [srv]
//                        └── GRE (raw IP, key 7 and key 8) and VXLAN (VNI 99) copies ──► [mir] 192.0.2.2/.3
//
// The peer namespace holds a raw GRE socket and a UDP socket on 4789 (so the kernel answers nothing) and
// tshark. Checked: tshark decodes every copy; the untruncated GRE copies equal, byte for byte, the frames
// the device's vxlan interface sent and received; the VXLAN copies are their first 100 bytes; the
// filtered peer (reject downlink, accept ICMP) got exactly the device's ICMP uplink packets; the
// gateway's counters agree with what arrived.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NetnsLab } from './_support/netns.js';
import { DEVICE_IP, canRunLab, runClients, settle, startGateway, startServers, tempDir, tsharkCount } from './_support/lab-traffic.js';
import { attachToGateway, buildVpg, readPcapFrames, routeDevicesIntoTun, startPcap, stoppedSummary, writeJunctionConfig } from './_support/junction-lab.js';

const TRUNCATE = 100;

const JUNCTION = `mirroring:
  peers:
    - { address: 192.0.2.2, protocol: gre, key: 7 }
    - { address: 192.0.2.2, protocol: vxlan, vni: 99, truncate: ${TRUNCATE} }
    - address: 192.0.2.9
      protocol: gre
      key: 8
      filter:
        rules:
          - { number: 10, action: reject, direction: downlink }
          - { number: 20, action: accept, protocol: icmp }`;

const SINK = `
import socket, select
g = socket.socket(socket.AF_INET, socket.SOCK_RAW, 47)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('0.0.0.0', 4789))
print('sinks ready', flush=True)
while True:
    for s in select.select([g, u], [], [])[0]:
        s.recv(65535)
`;

interface Copy {
  kind: 'gre' | 'vxlan';
  /** GRE key or VNI. */
  id: number;
  inner: Buffer;
}

/** Outer Ethernet + IPv4, then GRE (with key) or UDP 4789 + VXLAN: the copy's inner frame. */
function parseCopy(f: Buffer): Copy | null {
  if (f.length < 34 || f.readUInt16BE(12) !== 0x0800) return null;
  const ip = 14;
  const ihl = (f[ip] & 0x0f) * 4;
  const l4 = ip + ihl;
  if (f[ip + 9] === 47) {
    const flags = f.readUInt16BE(l4);
    let o = l4 + 4;
    if (flags & 0x8000) o += 4;
    let key = -1;
    if (flags & 0x2000) {
      key = f.readUInt32BE(o);
      o += 4;
    }
    if (flags & 0x1000) o += 4;
    return { kind: 'gre', id: key, inner: f.subarray(o) };
  }
  if (f[ip + 9] === 17 && f.readUInt16BE(l4 + 2) === 4789) return { kind: 'vxlan', id: f.readUIntBE(l4 + 8 + 4, 3), inner: f.subarray(l4 + 16) };
  return null;
}

const hexSorted = (frames: Buffer[]) => frames.map((b) => b.toString('hex')).sort();

describe('e2e: Mirroring in the live gateway (GRE and VXLAN peers)', { timeout: 120_000 }, () => {
  it('the peer namespace receives every copy; inner frames equal the forwarded frames', async (t) => {
    if (!canRunLab(t)) return;
    const lab = new NetnsLab(t);
    const dir = tempDir(t);
    const v = buildVpg(lab);
    const mir = attachToGateway(lab, v, 'm', '192.0.2.1', '192.0.2.2');
    lab.exec(mir.ns, `ip addr add 192.0.2.9/32 dev ${mir.iface}`);
    lab.exec(v.gw, `ip route add 192.0.2.9/32 via 192.0.2.2`);
    const sink = lab.spawn(mir.ns, ['python3', '-u', '-c', SINK]);
    await sink.waitFor(/sinks ready/, 'the peer sockets');

    await startServers(lab, v.srv, dir);
    const config = writeJunctionConfig(dir, v.portsYaml, JUNCTION);
    const gateway = await startGateway(lab, v.gw, config, join(dir, 'reports.jsonl'));
    assert.match(gateway.out, /ready \(vpg\).*3 mirror peer/);
    routeDevicesIntoTun(lab, v);

    const devPcap = join(dir, 'device.pcap');
    const peerPcap = join(dir, 'peer.pcap');
    const devCap = await startPcap(lab, v.dev, v.devVxlan, devPcap);
    const peerCap = await startPcap(lab, mir.ns, mir.iface, peerPcap, 'ip proto 47 or udp port 4789');
    runClients(lab, v.dev);
    await settle(1000);
    await devCap.stop('SIGINT');
    await peerCap.stop('SIGINT');
    assert.equal(await gateway.stop('SIGTERM'), 0, gateway.out);

    const forwarded = readPcapFrames(devPcap).filter((f) => f.length >= 34 && f.readUInt16BE(12) === 0x0800);
    const copies = readPcapFrames(peerPcap).map(parseCopy).filter((c): c is Copy => c !== null);
    const gre7 = copies.filter((c) => c.kind === 'gre' && c.id === 7).map((c) => c.inner);
    const vx99 = copies.filter((c) => c.kind === 'vxlan' && c.id === 99).map((c) => c.inner);
    const gre8 = copies.filter((c) => c.kind === 'gre' && c.id === 8).map((c) => c.inner);
    t.diagnostic(`device vxlan: ${forwarded.length} IPv4 frames; peer: ${gre7.length} GRE key 7, ${vx99.length} VXLAN VNI 99, ${gre8.length} GRE key 8`);
    const sum = stoppedSummary(gateway.out) as { mirroring: { peer: string; sent: number; dropped: number; truncated: number; filtered: number; segmented?: boolean }[] };
    t.diagnostic(`gateway: ${JSON.stringify(sum.mirroring)}`);
    assert.ok(forwarded.length >= 12, 'the clients made real traffic');

    // tshark decodes every copy down to the device's inner IP packet
    const greTotal = gre7.length + gre8.length;
    assert.equal(tsharkCount(peerPcap, 'gre'), greTotal);
    assert.equal(tsharkCount(peerPcap, `gre && ip.addr == ${DEVICE_IP}`), greTotal, 'every GRE copy decodes to the device packet');
    assert.equal(tsharkCount(peerPcap, `vxlan && ip.addr == ${DEVICE_IP}`), vx99.length, 'every VXLAN copy decodes to the device packet');

    // untruncated: byte for byte; truncated: the first N bytes
    assert.deepEqual(hexSorted(gre7), hexSorted(forwarded), 'GRE copies = forwarded frames, byte for byte');
    assert.deepEqual(hexSorted(vx99), hexSorted(forwarded.map((f) => f.subarray(0, TRUNCATE))), `VXLAN copies = first ${TRUNCATE} bytes`);
    assert.ok(forwarded.some((f) => f.length > TRUNCATE), 'some frames were long enough to be truncated');

    // the filter: downlink rejected, then ICMP accepted, nothing else
    const icmpUp = forwarded.filter((f) => f[14 + 9] === 1 && f.subarray(14 + 12, 14 + 16).join('.') === DEVICE_IP);
    assert.equal(icmpUp.length, 3, 'three echo requests');
    assert.deepEqual(hexSorted(gre8), hexSorted(icmpUp), 'the filtered peer got exactly the uplink ICMP packets');

    assert.deepEqual(sum.mirroring.map((m) => m.sent), [gre7.length, vx99.length, gre8.length]);
    assert.deepEqual(sum.mirroring.map((m) => m.dropped), [0, 0, 0]);
    // segmentation: auto (the default) and the peer behind a veth: one datagram per copy, as tshark saw
    assert.equal(sum.mirroring[1].segmented, false);
    assert.equal(sum.mirroring[2].filtered, forwarded.length - icmpUp.length);
  });
});
