import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowHash, hashPlainIpv4, shardHash } from '../../src/flow/flow-hash.js';
import { IpProto, TunnelKind } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { packet, reversed, setPacket } from './_support/packets.js';
import type { PacketSpec } from './_support/packets.js';

function ip4(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

test('flowHash and shardHash are symmetric (IPv4, IPv6, VLAN, tunnel)', () => {
  const specs: PacketSpec[] = [
    { src: '10.0.0.1', dst: '1.2.3.4', sport: 40000, dport: 443 },
    { src: '2001:db8::1', dst: 'fe80::2', proto: IpProto.UDP, sport: 1, dport: 2 },
    { src: '10.0.0.1', dst: '1.2.3.4', proto: IpProto.ICMP, vlan: 12 },
    { src: '10.0.0.1', dst: '1.2.3.4', sport: 1, dport: 2, tunnel: [TunnelKind.GENEVE, 99] },
  ];
  for (const s of specs) {
    assert.equal(flowHash(packet(s)), flowHash(packet(reversed(s))));
    assert.equal(shardHash(packet(s)), shardHash(packet(reversed(s))));
  }
});

test('key fields change the hash', () => {
  const base: PacketSpec = { src: '10.0.0.1', dst: '1.2.3.4', sport: 40000, dport: 443 };
  const h = flowHash(packet(base));
  for (const s of [
    { ...base, sport: 40001 },
    { ...base, dst: '1.2.3.5' },
    { ...base, proto: IpProto.UDP },
    { ...base, vlan: 1 },
    { ...base, tunnel: [TunnelKind.VXLAN, 1] as [number, number] },
    { ...base, sport: 443, dport: 40000 }, // swapped ports only (not the reverse direction)
  ]) {
    assert.notEqual(flowHash(packet(s)), h);
  }
});

test('no IP layer hashes to 0; fragments share the shard hash of their flow', () => {
  const p = new PacketView();
  p.reset(new Uint8Array(40), 0, 40, 40, 0, 1);
  assert.equal(flowHash(p), 0);
  assert.equal(shardHash(p), 0);
  const first = packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 5, dport: 6, frag: { offset: 0, more: true, id: 1 } });
  const next = packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, frag: { offset: 8, more: false, id: 1 } });
  assert.equal(shardHash(first), shardHash(next));
});

test('hash spreads well: low bits of 100k sequential flows fill 1024 buckets evenly', () => {
  const buckets = new Uint32Array(1024);
  const p = new PacketView();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    setPacket(p, { src: ip4(0x0a000000 + (i >>> 4)), dst: '1.2.3.4', sport: 1000 + (i & 15), dport: 443 });
    buckets[flowHash(p) & 1023]++;
  }
  const mean = n / 1024;
  let chi = 0;
  for (const b of buckets) chi += ((b - mean) * (b - mean)) / mean;
  // chi-square with 1023 degrees of freedom: ~1023 ± 45 for a uniform hash
  assert.ok(chi < 1300, `chi-square ${chi.toFixed(0)}`);
  assert.ok(Math.min(...buckets) > mean * 0.6);
});

test('hashPlainIpv4 equals the flow hash of the same IPv4 key, both directions, any address', () => {
  const p = new PacketView();
  let s = 0x1234567;
  const rand = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const cases: [number, number, number, number, number][] = [
    [0x0a000001, 0x0a000001, 5, 5, IpProto.TCP], // host to itself, same port
    [0x0a000001, 0x0a000001, 6, 5, IpProto.UDP], // host to itself, ports decide the order
    [0xc8000001, 0x0a000001, 1, 2, IpProto.TCP], // top bit set on one side only
    [0xffffffff, 0x00000000, 65535, 0, IpProto.UDP],
  ];
  for (let i = 0; i < 2000; i++) cases.push([rand(), rand(), rand() & 0xffff, rand() & 0xffff, i % 2 ? IpProto.TCP : IpProto.UDP]);
  for (const [a, b, pa, pb, proto] of cases) {
    setPacket(p, { src: ip4(a), dst: ip4(b), sport: pa, dport: pb, proto });
    const want = flowHash(p);
    assert.equal(hashPlainIpv4(a | 0, b | 0, pa, pb, proto), want, `${ip4(a)}:${pa} > ${ip4(b)}:${pb}`);
    assert.equal(hashPlainIpv4(b | 0, a | 0, pb, pa, proto), want, 'reverse direction');
  }
});
