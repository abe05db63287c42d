import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PacketView } from '../../../src/core/packet-view.js';
import { formatIP } from '../../../src/core/ip.js';
import { IpProto, LinkType, TunnelKind } from '../../../src/core/layers.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame, buildIpPacket, type FrameSpec } from '../../../src/packet/build/compose.js';
import { parseRedirectionConfig, type PeerConfig } from '../../../src/actions/redirect/config.js';
import {
  AWS_GENEVE_CLASS, DecapResult, GATEWAY_TUNNEL_MAC, TunnelEncap, decapReturned, findGeneveOption,
} from '../../../src/actions/redirect/encap.js';
import { PcapWriter } from '../../../src/io/pcap-writer.js';
import { needTool } from '../../_support/tools.js';
import { wrapOuter } from './_support/outer.js';

const INNER: FrameSpec = {
  eth: { src: '02:00:0a:80:00:02', dst: '02:fe:00:00:00:01' },
  vlan: 100,
  ip: { src: '10.128.0.2', dst: '203.0.113.10' },
  tcp: { sport: 41000, dport: 80, seq: 1000, flags: 'PA' },
  payload: 'GET / HTTP/1.1\r\n\r\n',
};

function peer(raw: object): PeerConfig {
  return parseRedirectionConfig({ primary: raw }).primary;
}

function view(frame: Uint8Array, linkType: number = LinkType.ETHERNET): PacketView {
  const p = new PacketView();
  decodeFrame(p, frame, 0, frame.length, frame.length, 0, linkType);
  return p;
}

/** Encapsulates the decoded packet into a fresh buffer at a non-zero offset, returns the datagram. */
function encap(e: TunnelEncap, p: PacketView, cookie = 0): Uint8Array {
  const out = new Uint8Array(4096);
  const n = e.encapPacket(out, 100, p, cookie);
  assert.ok(n > 0, 'encapsulated');
  return out.slice(100, 100 + n);
}

function assertInner(p: PacketView, dst = '203.0.113.10'): void {
  assert.equal(p.ipVersion === 6 ? 6 : 4, p.ipVersion);
  assert.equal(formatIP(p.buf, p.dstAddrOff, p.ipVersion), dst);
  assert.equal(p.srcPort, 41000);
  assert.equal(p.dstPort, 80);
  assert.equal(p.ipProto, IpProto.TCP);
  assert.equal(new TextDecoder().decode(p.buf.subarray(p.payloadOff, p.payloadOff + p.payloadLen)), 'GET / HTTP/1.1\r\n\r\n');
}

test('VXLAN: VNI, fresh inner Ethernet header (gateway MAC, peer MAC), original VLAN dropped', () => {
  const e = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'vxlan', vni: 4242, innerMac: '02:aa:bb:cc:dd:ee' }));
  const d = encap(e, view(buildFrame(INNER)));
  assert.equal(d.length, 8 + 14 + 20 + 20 + 18);
  const p = view(wrapOuter(d, 4789));
  assert.equal(p.eventCount, 0);
  assert.equal(p.tunnelDepth, 1);
  assert.equal(p.tunnelKind[0], TunnelKind.VXLAN);
  assert.equal(p.tunnelId[0], 4242);
  assert.equal(p.vlanCount, 0);
  assertInner(p);
  assert.deepEqual([...d.subarray(8, 14)], [0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee]);
  assert.deepEqual([...d.subarray(14, 20)], [...GATEWAY_TUNNEL_MAC]);

  const r = new DecapResult();
  assert.ok(decapReturned(d, 0, d.length, r));
  assert.deepEqual([r.protocol, r.vni, r.innerOff, r.innerLen, r.ethernet, r.optLen], ['vxlan', 4242, 8, d.length - 8, true, 0]);
});

test('VXLAN from a raw IP capture (no L2): an Ethernet header is added; IPv6 gets EtherType 0x86dd', () => {
  const ip6 = buildIpPacket({ ...INNER, ip: { src: 'fd00:128::2', dst: '2001:db8::10' } });
  const e = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'vxlan' }));
  const d = encap(e, view(ip6, LinkType.RAW));
  assert.deepEqual([...d.subarray(8, 14)], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 'peer MAC unknown: broadcast');
  assert.equal((d[20] << 8) | d[21], 0x86dd);
  const p = view(wrapOuter(d, 4789));
  assert.equal(p.tunnelId[0], 10, 'default VNI 10');
  assert.equal(p.ipVersion, 6);
  assertInner(p, '2001:db8::10');
});

test('GENEVE GWLB-style: bare IP (0x0800), AWS 0x0108 TLVs with a per-flow cookie', () => {
  const e = new TunnelEncap(peer({
    address: '192.0.2.10', protocol: 'geneve', vni: 99,
    gwlb: { endpointId: '0102030405060708', attachmentId: '1112131415161718' },
    geneveOptions: [{ class: 0xff01, type: 7, data: 'cafebabe' }],
  }));
  assert.equal(e.hdrLen, 8 + 12 + 12 + 8 + 8);
  const d = encap(e, view(buildFrame(INNER)), 0xabcdef01);
  assert.equal((d[2] << 8) | d[3], 0x0800);
  const p = view(wrapOuter(d, 6081));
  assert.equal(p.eventCount, 0);
  assert.equal(p.tunnelKind[0], TunnelKind.GENEVE);
  assert.equal(p.tunnelId[0], 99);
  assertInner(p);
  const r = new DecapResult();
  assert.ok(decapReturned(d, 0, d.length, r));
  assert.equal(r.ethernet, false);
  assert.equal(r.optLen, 40);
  const cookie = findGeneveOption(d, r, AWS_GENEVE_CLASS, 3);
  assert.deepEqual([...d.subarray(cookie, cookie + 4)], [0xab, 0xcd, 0xef, 0x01]);
  const ep = findGeneveOption(d, r, AWS_GENEVE_CLASS, 1);
  assert.deepEqual([...d.subarray(ep, ep + 8)], [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(findGeneveOption(d, r, 0xff01, 7), r.optOff + 36);
  assert.equal(findGeneveOption(d, r, 0x9999, 1), -1);
});

test('decapReturned rejects what is not a complete VXLAN/GENEVE datagram and never throws', () => {
  const r = new DecapResult();
  const e = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'geneve' }));
  const d = encap(e, view(buildFrame(INNER)));
  assert.ok(decapReturned(d, 0, d.length, r));
  assert.equal(r.ethernet, true, 'GENEVE without GWLB carries Ethernet (0x6558) for a Linux peer');
  for (let len = 0; len < 8 + 14; len++) assert.equal(decapReturned(d, 0, len, r), false, `length ${len}`);
  assert.equal(decapReturned(d, 0, d.length + 1, r), false, 'past the buffer');
  const bad = d.slice();
  bad[0] = 0x80; // version 2
  assert.equal(decapReturned(bad, 0, bad.length, r), false);
  let seed = 7;
  const buf = new Uint8Array(200);
  for (let i = 0; i < 20000; i++) {
    for (let j = 0; j < buf.length; j++) buf[j] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    if (i & 1) buf[0] = 0x08;
    const len = seed % 201;
    if (decapReturned(buf, 0, len, r)) {
      assert.ok(r.innerOff + r.innerLen <= len && r.innerLen > 0);
      findGeneveOption(buf, r, 0x0108, 3);
    }
  }
});

test('tshark decodes our VXLAN and GENEVE datagrams (VNI, options, inner frame)', (t) => {
  if (!needTool(t, 'tshark')) return;
  const dir = mkdtempSync(join(tmpdir(), 'fg-redirect-'));
  try {
    const file = join(dir, 'redirect.pcap');
    const w = PcapWriter.open(file);
    const frame = view(buildFrame(INNER));
    const vx = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'vxlan', vni: 10 }));
    const gw = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'geneve', vni: 4321, gwlb: { endpointId: '0102030405060708', attachmentId: '1112131415161718' } }));
    const ge = new TunnelEncap(peer({ address: '192.0.2.10', protocol: 'geneve', vni: 77 }));
    for (const [e, port] of [[vx, 4789], [gw, 6081], [ge, 6081]] as const) {
      const f = wrapOuter(encap(e, frame, 0x01020304), port);
      w.write(f, 0, f.length, 1_700_000_000_000_000);
    }
    void w.close();
    const fields = ['vxlan.vni', 'geneve.vni', 'geneve.proto_type', 'geneve.option.class', 'geneve.option.type', 'ip.dst', 'tcp.dstport', 'http.request.method', 'eth.src'];
    const r = spawnSync('tshark', ['-o', 'tcp.analyze_sequence_numbers:FALSE', '-r', file, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('|'));
    assert.equal(rows.length, 3, r.stdout);
    const [v, g, h] = rows;
    assert.equal(Number(v[0]), 10);
    assert.equal(v[5], '192.0.2.10,203.0.113.10');
    assert.equal(v[6], '80');
    assert.equal(v[7], 'GET');
    assert.ok(v[8].includes('02:66:67:00:00:01'), `inner source MAC in ${v[8]}`);
    assert.equal(Number(g[1]), 4321);
    assert.equal(Number(g[2]), 0x0800);
    assert.deepEqual(g[3].split(',').map(Number), [0x0108, 0x0108, 0x0108]);
    assert.deepEqual(g[4].split(',').map(Number), [1, 2, 3]);
    assert.equal(g[5], '192.0.2.10,203.0.113.10');
    assert.equal(g[7], 'GET');
    assert.equal(Number(h[1]), 77);
    assert.equal(Number(h[2]), 0x6558);
    assert.equal(h[7], 'GET');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
