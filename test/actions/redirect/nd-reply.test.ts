// Proxy ND (nd-reply.ts): which Neighbor Solicitations are answered, and the Neighbor Advertisement
// written for one: addresses and MACs, flags Solicited + Override, target link-layer address option,
// and an ICMPv6 checksum checked by hand here and by tshark.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NA_FRAME_LEN, isAnswerableNeighborSolicitation, writeNeighborAdvertisement } from '../../../src/actions/redirect/nd-reply.js';
import { PcapWriter } from '../../../src/io/pcap-writer.js';
import { needTool } from '../../_support/tools.js';

const DEV_MAC = [0x02, 0, 0, 0, 0, 0x07];
const OUR_MAC = Uint8Array.of(0x02, 0x66, 0x67, 0x00, 0x00, 0x01);
const DEV_IP = [0xfd, 0, 0, 0x66, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]; // fd00:66::10
const GW_IP = [0xfd, 0, 0, 0x66, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01]; // fd00:66::1
const SOLICITED_NODE = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0x01]; // ff02::1:ff00:1

/** Internet checksum over the IPv6 pseudo-header and the ICMPv6 message of the frame (written here, independently). */
function icmpv6Sum(f: Uint8Array, ip: number): number {
  const plen = (f[ip + 4] << 8) | f[ip + 5];
  let s = 0;
  for (let i = 0; i < 32; i += 2) s += (f[ip + 8 + i] << 8) | f[ip + 9 + i];
  s += plen + 58;
  for (let i = 0; i < plen; i += 2) s += (f[ip + 40 + i] << 8) | (i + 1 < plen ? f[ip + 41 + i] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s; // 0xffff when the checksum in the message is right
}

/** The NS a Linux host sends for its gateway: to the solicited-node address, with its source link-layer address. */
function solicitation(opts: { src?: number[]; target?: number[]; hop?: number; type?: number; at?: number } = {}): { f: Uint8Array; off: number; len: number } {
  const at = opts.at ?? 0;
  const len = 14 + 40 + 32;
  const f = new Uint8Array(at + len);
  const o = at;
  f.set([0x33, 0x33, 0xff, 0, 0, 0x01, ...DEV_MAC, 0x86, 0xdd], o);
  const ip = o + 14;
  f.set([0x60, 0, 0, 0, 0, 32, 58, opts.hop ?? 255, ...(opts.src ?? DEV_IP), ...SOLICITED_NODE], ip);
  const m = ip + 40;
  f.set([opts.type ?? 135, 0, 0, 0, 0, 0, 0, 0, ...(opts.target ?? GW_IP), 1, 1, ...DEV_MAC], m);
  const sum = (~icmpv6Sum(f, ip)) & 0xffff;
  f[m + 2] = sum >> 8;
  f[m + 3] = sum & 0xff;
  return { f, off: o, len };
}

test('which solicitations are answered', () => {
  const ok = solicitation({ at: 7 });
  assert.ok(isAnswerableNeighborSolicitation(ok.f, ok.off, ok.len));
  const no = (s: ReturnType<typeof solicitation>, why: string) => assert.equal(isAnswerableNeighborSolicitation(s.f, s.off, s.len), false, why);
  no(solicitation({ src: new Array<number>(16).fill(0) }), 'DAD probe (unspecified source)');
  no(solicitation({ target: DEV_IP }), 'its own address');
  no(solicitation({ target: SOLICITED_NODE }), 'a multicast target');
  no(solicitation({ hop: 64 }), 'hop limit not 255: not from the link');
  no(solicitation({ type: 133 }), 'a router solicitation');
  const short = solicitation();
  no({ ...short, len: 14 + 40 + 20 }, 'truncated');
  const arp = solicitation();
  arp.f[12] = 0x08;
  arp.f[13] = 0x06;
  no(arp, 'not IPv6');
});

test('the advertisement: from our MAC and the target address, flags S+O, option 2, checksum by hand and by tshark', (t) => {
  const ns = solicitation({ at: 5 });
  const out = new Uint8Array(3 + NA_FRAME_LEN).fill(0xee);
  assert.equal(writeNeighborAdvertisement(out, 3, ns.f, ns.off, OUR_MAC), NA_FRAME_LEN);
  const f = out.subarray(3);
  assert.deepEqual([...f.subarray(0, 6)], DEV_MAC, 'to the soliciting device');
  assert.deepEqual([...f.subarray(6, 12)], [...OUR_MAC]);
  assert.deepEqual([...f.subarray(12, 14)], [0x86, 0xdd]);
  assert.deepEqual([...f.subarray(14, 22)], [0x60, 0, 0, 0, 0, 32, 58, 255], 'IPv6: payload 32, ICMPv6, hop limit 255');
  assert.deepEqual([...f.subarray(22, 38)], GW_IP, 'from the solicited address');
  assert.deepEqual([...f.subarray(38, 54)], DEV_IP, 'to the soliciting address');
  assert.equal(f[54], 136);
  assert.equal(f[55], 0);
  assert.deepEqual([...f.subarray(58, 62)], [0x60, 0, 0, 0], 'Solicited + Override, not Router');
  assert.deepEqual([...f.subarray(62, 78)], GW_IP, 'target');
  assert.deepEqual([...f.subarray(78, 86)], [2, 1, ...OUR_MAC], 'target link-layer address option');
  assert.equal(icmpv6Sum(f, 14), 0xffff, 'ICMPv6 checksum (pseudo-header included)');

  if (!needTool(t, 'tshark')) return;
  const dir = mkdtempSync(join(tmpdir(), 'fg-nd-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const pcap = join(dir, 'nd.pcap');
  const w = PcapWriter.open(pcap);
  w.write(ns.f, ns.off, ns.len, 1_000_000);
  w.write(f, 0, NA_FRAME_LEN, 1_000_100);
  const bad = f.slice();
  bad[57] ^= 1; // a wrong checksum, to see that tshark checks it
  w.write(bad, 0, NA_FRAME_LEN, 1_000_200);
  w.close();
  const fields = ['icmpv6.type', 'icmpv6.checksum.status', 'icmpv6.nd.na.flag.r', 'icmpv6.nd.na.flag.s', 'icmpv6.nd.na.flag.o', 'icmpv6.nd.na.target_address', 'icmpv6.opt.linkaddr', 'ipv6.src', 'ipv6.dst'];
  const r = spawnSync('tshark', ['-r', pcap, '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((x) => ['-e', x])], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [nsLine, naLine, badLine] = r.stdout.trim().split('\n').map((l) => l.split('|'));
  assert.equal(nsLine[0], '135');
  assert.equal(nsLine[1], '1', 'the test NS itself has a good checksum (1 = good)');
  assert.equal(badLine[1], '0', 'tshark flags a wrong checksum (0 = bad)');
  assert.deepEqual(naLine, ['136', '1', '0', '1', '1', 'fd00:66::1', '02:66:67:00:00:01', 'fd00:66::1', 'fd00:66::10']);
});
