// tshark is the referee: copies built by MirrorSet, wrapped in the outer headers the kernel would add,
// must decode as GRE (key, 0x6558, sequence) or VXLAN (VNI, I flag) carrying the original frame.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkType } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame, buildIpPacket, type FrameSpec } from '../../../src/packet/build/compose.js';
import { MirrorSet } from '../../../src/actions/mirror/mirror-set.js';
import { MIRROR_DEVICE_MAC, MIRROR_NETWORK_MAC } from '../../../src/actions/mirror/inner-frame.js';
import { needTool } from '../../_support/tools.js';
import { CaptureTransport, hex, tsharkDecode, wrapGre, wrapVxlan } from './_support/wire.js';

interface Case {
  name: string;
  bytes: Uint8Array;
  linkType: number;
  uplink: boolean;
  /** The inner frame the peer must receive (before truncation). */
  expect: Uint8Array;
}

function synth(ip: Uint8Array, uplink: boolean): Uint8Array {
  const out = new Uint8Array(14 + ip.length);
  out.set(uplink ? MIRROR_NETWORK_MAC : MIRROR_DEVICE_MAC, 0);
  out.set(uplink ? MIRROR_DEVICE_MAC : MIRROR_NETWORK_MAC, 6);
  out[12] = ip[0] >> 4 === 6 ? 0x86 : 0x08;
  out[13] = ip[0] >> 4 === 6 ? 0xdd : 0x00;
  out.set(ip, 14);
  return out;
}

const tcp4: FrameSpec = { vlan: 42, ip: { src: '10.128.0.5', dst: '93.184.216.34' }, tcp: { sport: 40000, dport: 443 }, payload: 'GET / HTTP/1.1\r\n\r\n' };
const udp6: FrameSpec = { ip: { src: 'fd00:128::5', dst: '2001:db8::53' }, udp: { sport: 5353, dport: 53 }, payload: new Uint8Array(200).fill(7) };
const rawIp = buildIpPacket({ ip: { src: '10.128.0.9', dst: '198.51.100.7' }, udp: { sport: 1883, dport: 1883 }, payload: 'telemetry' });
const innerEth = buildFrame({ ip: { src: '10.128.0.7', dst: '203.0.113.5' }, tcp: { sport: 50000, dport: 8883 }, payload: 'mqtt' });
const innerIpGtp = buildIpPacket({ ip: { src: '10.128.0.8', dst: '203.0.113.6' }, icmp: { type: 8, id: 1, seq: 2 }, payload: 'ping' });
const big = buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, tcp: { sport: 40001, dport: 443 }, payload: new Uint8Array(1400).fill(0x41) });

const CASES: Case[] = [
  { name: 'ethernet + vlan, tcp/ipv4', bytes: buildFrame(tcp4), linkType: LinkType.ETHERNET, uplink: true, expect: buildFrame(tcp4) },
  { name: 'ethernet, udp/ipv6', bytes: buildFrame(udp6), linkType: LinkType.ETHERNET, uplink: false, expect: buildFrame(udp6) },
  { name: 'raw ip (TUN), downlink', bytes: rawIp, linkType: LinkType.RAW, uplink: false, expect: synth(rawIp, false) },
  {
    name: 'device frame inside VXLAN (input port)',
    bytes: buildFrame({ ip: { src: '192.0.2.77', dst: '192.0.2.1' }, vxlan: { vni: 10 }, inner: { ip: { src: '10.128.0.7', dst: '203.0.113.5' }, tcp: { sport: 50000, dport: 8883 }, payload: 'mqtt' } }),
    linkType: LinkType.ETHERNET,
    uplink: true,
    expect: innerEth,
  },
  {
    name: 'device packet inside GTP-U (IP inner)',
    bytes: buildFrame({ ip: { src: '192.0.2.77', dst: '192.0.2.1' }, gtpu: { teid: 99 }, inner: { ip: { src: '10.128.0.8', dst: '203.0.113.6' }, icmp: { type: 8, id: 1, seq: 2 }, payload: 'ping' } }),
    linkType: LinkType.ETHERNET,
    uplink: true,
    expect: synth(innerIpGtp, true),
  },
  { name: 'full-size frame (1400 bytes payload)', bytes: big, linkType: LinkType.ETHERNET, uplink: true, expect: big },
];

/** Runs every case through a one-peer MirrorSet and returns the datagrams handed to the transport. */
function mirrorAll(peer: Record<string, unknown>): Uint8Array[] {
  const set = MirrorSet.fromConfig({ peers: [peer] });
  const t = new CaptureTransport();
  set.peers[0].transport = t;
  const p = new PacketView();
  for (const c of CASES) {
    decodeFrame(p, c.bytes, 0, c.bytes.length, c.bytes.length, 0, c.linkType);
    assert.equal(set.mirror(p, { uplink: c.uplink, group: undefined, app: 'Unknown' }), 1, c.name);
  }
  assert.equal(set.drain(), CASES.length);
  return t.datagrams;
}

test('GRE copies: tshark sees key, 0x6558, sequence numbers and the original frame byte for byte', (t) => {
  if (!needTool(t, 'tshark')) return;
  const dgrams = mirrorAll({ address: '192.0.2.50', protocol: 'gre', key: 1001, sequence: true });
  const pkts = tsharkDecode(dgrams.map(wrapGre));
  assert.equal(pkts.length, CASES.length);
  CASES.forEach((c, i) => {
    const p = pkts[i];
    assert.match(p.protocols, /^eth:ethertype:ip:gre:eth:/, c.name);
    assert.equal(p.greKey, 1001, c.name);
    assert.equal(p.greProto, 0x6558, c.name);
    assert.equal(p.greSeq, i, c.name);
    assert.equal(p.innerHex, hex(c.expect), c.name);
  });
});

test('GRE copies without key or sequence carry only the 4-byte base header', (t) => {
  if (!needTool(t, 'tshark')) return;
  const dgrams = mirrorAll({ address: '192.0.2.50', protocol: 'gre' });
  assert.equal(dgrams[0].length, 4 + CASES[0].expect.length);
  const pkts = tsharkDecode(dgrams.map(wrapGre));
  CASES.forEach((c, i) => {
    assert.equal(pkts[i].greKey, undefined);
    assert.equal(pkts[i].greSeq, undefined);
    assert.equal(pkts[i].greProto, 0x6558);
    assert.equal(pkts[i].innerHex, hex(c.expect), c.name);
  });
});

test('VXLAN copies: tshark sees the I flag, the VNI and the original frame byte for byte', (t) => {
  if (!needTool(t, 'tshark')) return;
  const dgrams = mirrorAll({ address: '192.0.2.50', protocol: 'vxlan', vni: 123456 });
  const pkts = tsharkDecode(dgrams.map((d) => wrapVxlan(d)));
  CASES.forEach((c, i) => {
    const p = pkts[i];
    assert.match(p.protocols, /^eth:ethertype:ip:udp:vxlan:eth:/, c.name);
    assert.equal(p.vxlanVni, 123456, c.name);
    assert.equal(p.vxlanIFlag, true, c.name);
    assert.equal(p.innerHex, hex(c.expect), c.name);
  });
});

test('truncated copies carry exactly the first N bytes of the inner frame (GRE and VXLAN)', (t) => {
  if (!needTool(t, 'tshark')) return;
  for (const [peer, wrap] of [
    [{ address: '192.0.2.50', protocol: 'gre', key: 5, truncate: 64 }, wrapGre],
    [{ address: '192.0.2.50', protocol: 'vxlan', vni: 9, truncate: 100 }, (d: Uint8Array) => wrapVxlan(d)],
  ] as const) {
    const n = peer.truncate;
    const dgrams = mirrorAll(peer);
    const pkts = tsharkDecode(dgrams.map(wrap));
    CASES.forEach((c, i) => {
      const want = c.expect.subarray(0, Math.min(n, c.expect.length));
      assert.equal(pkts[i].innerHex, hex(want), `${peer.protocol} ${c.name}`);
    });
  }
});
