import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../src/flow/flow-table.js';
import { IpProto, TunnelKind } from '../../src/core/layers.js';
import { packet } from './_support/packets.js';
import type { PacketSpec } from './_support/packets.js';

function datagram(base: PacketSpec, id: number, t = 0): PacketSpec[] {
  return [
    { ...base, t, len: 1500, frag: { offset: 0, more: true, id } },
    { ...base, t, len: 1500, frag: { offset: 1480, more: true, id } },
    { ...base, t, len: 520, frag: { offset: 2960, more: false, id } },
  ];
}

for (const [family, src, dst, id] of [
  ['IPv4', '10.0.0.1', '10.0.0.2', 0x1234],
  ['IPv6', '2001:db8::1', '2001:db8::2', 0x89abcdef],
] as const) {
  test(`${family}: non-first fragments count to the first fragment's flow`, () => {
    const t = new FlowTable({ capacity: 16 });
    const base: PacketSpec = { src, dst, proto: IpProto.UDP, sport: 5000, dport: 53 };
    const idx = datagram(base, id).map((s) => t.track(packet(s)));
    assert.deepEqual(idx, [idx[0], idx[0], idx[0]]);
    assert.equal(t.pktsAB(idx[0]), 3);
    assert.equal(t.bytesAB(idx[0]), 3520);
    assert.equal(t.stats.fragmentsMatched, 2);
    assert.equal(t.stats.fragmentsOrphan, 0);
    assert.equal(t.stats.active, 1);
    // a reply datagram fragmented the other way round is attributed in direction 1
    const back: PacketSpec = { src: dst, dst: src, proto: IpProto.UDP, sport: 53, dport: 5000 };
    const ps = datagram(back, 77).map((s) => packet(s));
    for (const p of ps) assert.equal(t.track(p), idx[0]);
    assert.deepEqual(ps.map((p) => p.flowDir), [1, 1, 1]);
    assert.equal(t.pktsBA(idx[0]), 3);
    // an unfragmented packet of the same flow still matches normally
    assert.equal(t.track(packet(base)), idx[0]);
  });
}

test('fragments of a datagram whose first fragment was never seen go to a 0/0 flow', () => {
  const t = new FlowTable({ capacity: 16 });
  const base: PacketSpec = { src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 5000, dport: 53 };
  const [, second, third] = datagram(base, 9);
  const a = t.track(packet(second));
  const b = t.track(packet(third));
  assert.equal(a, b);
  assert.equal(t.keyText(a), 'UDP 10.0.0.1:0 <-> 10.0.0.2:0');
  assert.equal(t.stats.fragmentsOrphan, 2);
  assert.equal(t.stats.fragmentsMatched, 0);
});

test('fragment attribution keeps IP ids, hosts and tunnels apart and times out', () => {
  const t = new FlowTable({ capacity: 16, timeouts: { fragment: 2 } });
  const base: PacketSpec = { src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 5000, dport: 53 };
  const f1 = t.track(packet(datagram(base, 1)[0]));
  const f2 = t.track(packet(datagram({ ...base, sport: 5001 }, 2)[0]));
  const tun = t.track(packet(datagram({ ...base, tunnel: [TunnelKind.VXLAN, 5] }, 1)[0]));
  assert.equal(new Set([f1, f2, tun]).size, 3);
  assert.equal(t.track(packet(datagram(base, 2)[1])), f2);
  assert.equal(t.track(packet(datagram(base, 1)[1])), f1);
  assert.equal(t.track(packet(datagram({ ...base, tunnel: [TunnelKind.VXLAN, 5] }, 1)[1])), tun);
  // same IP id from another host: no match
  const other = t.track(packet(datagram({ ...base, src: '10.0.0.9' }, 1)[1]));
  assert.equal(t.keyText(other), 'UDP 10.0.0.9:0 <-> 10.0.0.2:0');
  // too late: the first fragment no longer vouches
  const late = t.track(packet(datagram(base, 1, 10)[2]));
  assert.notEqual(late, f1);
  assert.equal(t.stats.fragmentsMatched, 3);
  assert.equal(t.stats.fragmentsOrphan, 2);
});

test('a fragment entry whose flow was freed and reused does not misattribute', () => {
  const t = new FlowTable({ capacity: 1 });
  const base: PacketSpec = { src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, sport: 5000, dport: 53 };
  const f = t.track(packet(datagram(base, 1)[0]));
  t.track(packet({ ...base, sport: 6000 })); // evicts the first flow and reuses its index
  const g = t.track(packet(datagram(base, 1)[1]));
  assert.equal(g, f, 'capacity 1: same index');
  assert.equal(t.keyText(g), 'UDP 10.0.0.1:0 <-> 10.0.0.2:0');
  assert.equal(t.stats.fragmentsOrphan, 1);
});
