import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../src/flow/flow-table.js';
import { TcpState, TcpFlag } from '../../src/flow/tcp-state.js';
import { IpProto, TunnelKind } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { PlainIpv4 } from '../../src/packet/plain-ipv4.js';
import { packet, reversed, setPacket } from './_support/packets.js';
import type { PacketSpec } from './_support/packets.js';

const { SYN, ACK, FIN, PSH, RST } = TcpFlag;
const c2s: PacketSpec = { src: '10.0.0.1', dst: '1.2.3.4', sport: 40000, dport: 443 };

test('both directions land in one flow with per-direction counters', () => {
  const t = new FlowTable({ capacity: 16 });
  const p = new PacketView();
  const i0 = t.track(setPacket(p, { ...c2s, flags: SYN, len: 60, t: 1 }));
  assert.equal(p.flowIsNew, true);
  assert.equal(p.flowDir, 0);
  const i1 = t.track(setPacket(p, { ...reversed(c2s), flags: SYN | ACK, len: 60, t: 1.01 }));
  assert.equal(i1, i0);
  assert.equal(p.flowIsNew, false);
  assert.equal(p.flowDir, 1);
  t.track(setPacket(p, { ...c2s, flags: ACK | PSH, len: 300, t: 1.02 }));
  t.track(setPacket(p, { ...reversed(c2s), flags: ACK, len: 1500, t: 1.5 }));
  assert.equal(p.flowIdx, i0);
  assert.equal(t.stats.active, 1);
  assert.equal(t.stats.created, 1);
  assert.equal(t.pktsAB(i0), 2);
  assert.equal(t.pktsBA(i0), 2);
  assert.equal(t.bytesAB(i0), 360);
  assert.equal(t.bytesBA(i0), 1560);
  assert.equal(t.tcpFlags0[i0], SYN | ACK | PSH);
  assert.equal(t.tcpFlags1[i0], SYN | ACK);
  assert.equal(t.firstUsOf(i0), 1_000_000);
  assert.equal(t.lastUsOf(i0), 1_500_000);
  assert.equal(t.tcpState[i0], TcpState.ESTABLISHED);
  assert.equal(t.seq[i0], 0);
  assert.equal(t.keyText(i0), 'TCP 10.0.0.1:40000 <-> 1.2.3.4:443');
});

test('side A is the sender of the first packet, whichever port is lower', () => {
  const t = new FlowTable({ capacity: 16 });
  const i = t.track(packet({ src: '1.2.3.4', dst: '10.0.0.1', sport: 443, dport: 40000, flags: ACK }));
  assert.equal(t.keyText(i), 'TCP 1.2.3.4:443 <-> 10.0.0.1:40000');
  assert.equal(t.addrAText(i), '1.2.3.4');
  assert.equal(t.addrBText(i), '10.0.0.1');
  assert.equal(t.portA[i], 443);
  assert.equal(t.portB[i], 40000);
  const out = new Uint8Array(16);
  assert.equal(t.addrA(i, out), 4);
  assert.deepEqual([...out.subarray(0, 4)], [1, 2, 3, 4]);
  assert.equal(t.addrB(i, out), 4);
  assert.deepEqual([...out.subarray(0, 4)], [10, 0, 0, 1]);
  assert.equal(t.tcpState[i], TcpState.NEW, 'mid-stream pickup');
});

test('different ports, protocols and hosts make different flows; creation sequence counts up', () => {
  const t = new FlowTable({ capacity: 16 });
  const a = t.track(packet(c2s));
  const b = t.track(packet({ ...c2s, sport: 40001 }));
  const c = t.track(packet({ ...c2s, proto: IpProto.UDP }));
  const d = t.track(packet({ ...c2s, dst: '1.2.3.5' }));
  assert.equal(new Set([a, b, c, d]).size, 4);
  assert.deepEqual([t.seq[a], t.seq[b], t.seq[c], t.seq[d]], [0, 1, 2, 3]);
  assert.equal(t.stats.active, 4);
});

test('IPv6 flows: both directions, text form, address bytes', () => {
  const t = new FlowTable({ capacity: 16 });
  const spec: PacketSpec = { src: '2001:db8::1', dst: '2001:db8:0:1::53', proto: IpProto.UDP, sport: 5353, dport: 53 };
  const i = t.track(packet(spec));
  assert.equal(t.track(packet(reversed(spec))), i);
  assert.equal(t.ipVersion[i], 6);
  assert.equal(t.pktsAB(i), 1);
  assert.equal(t.pktsBA(i), 1);
  assert.equal(t.keyText(i), 'UDP [2001:db8::1]:5353 <-> [2001:db8:0:1::53]:53');
  const out = new Uint8Array(16);
  assert.equal(t.addrB(i, out), 16);
  assert.equal(out[15], 0x53);
  // the IPv4 address 0.0.0.1 and the IPv6 address ::1 are different flows
  const v4 = t.track(packet({ src: '0.0.0.1', dst: '0.0.0.2', proto: IpProto.UDP, sport: 1, dport: 2 }));
  const v6 = t.track(packet({ src: '::1', dst: '::2', proto: IpProto.UDP, sport: 1, dport: 2 }));
  assert.notEqual(v4, v6);
});

test('ICMP and other protocols use ports 0/0', () => {
  const t = new FlowTable({ capacity: 16 });
  const p = packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.ICMP });
  p.srcPort = 7; // a decoder might leave something here: ignored for ICMP
  p.dstPort = 9;
  const i = t.track(p);
  const j = t.track(packet({ src: '10.0.0.2', dst: '10.0.0.1', proto: IpProto.ICMP }));
  assert.equal(j, i);
  assert.equal(t.portA[i], 0);
  assert.equal(t.portB[i], 0);
  assert.equal(t.keyText(i), 'ICMP 10.0.0.1 <-> 10.0.0.2');
  const g = t.track(packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.GRE }));
  assert.equal(t.keyText(g), 'GRE 10.0.0.1 <-> 10.0.0.2');
  const x = t.track(packet({ src: '10.0.0.1', dst: '10.0.0.2', proto: 253 }));
  assert.equal(t.keyText(x), 'IP-253 10.0.0.1 <-> 10.0.0.2');
});

test('VLAN ids and tunnel ids keep equal inner tuples apart', () => {
  const t = new FlowTable({ capacity: 16 });
  const plain = t.track(packet(c2s));
  const v7 = t.track(packet({ ...c2s, vlan: 7 }));
  const v8 = t.track(packet({ ...c2s, vlan: 8 }));
  const x1 = t.track(packet({ ...c2s, tunnel: [TunnelKind.VXLAN, 1] }));
  const x2 = t.track(packet({ ...c2s, tunnel: [TunnelKind.VXLAN, 2] }));
  const g1 = t.track(packet({ ...c2s, tunnel: [TunnelKind.GTPU, 1] }));
  assert.equal(new Set([plain, v7, v8, x1, x2, g1]).size, 6);
  assert.equal(t.track(packet({ ...reversed(c2s), vlan: 7 })), v7);
  assert.equal(t.track(packet({ ...reversed(c2s), tunnel: [TunnelKind.VXLAN, 2] })), x2);
  assert.equal(t.keyText(v7), 'TCP 10.0.0.1:40000 <-> 1.2.3.4:443 vlan 7');
  assert.equal(t.keyText(x2), 'TCP 10.0.0.1:40000 <-> 1.2.3.4:443 vxlan:2');
  assert.equal(t.keyText(g1), 'TCP 10.0.0.1:40000 <-> 1.2.3.4:443 gtpu:0');
});

test('GTP-U uplink and downlink carry different TEIDs but are one flow', () => {
  const t = new FlowTable({ capacity: 16 });
  const up = t.track(packet({ ...c2s, tunnel: [TunnelKind.GTPU, 0x1001] }));
  const down = t.track(packet({ ...reversed(c2s), tunnel: [TunnelKind.GTPU, 0x2002] }));
  assert.equal(down, up);
  assert.equal(t.pktsAB(up), 1);
  assert.equal(t.pktsBA(up), 1);
});

test('a flow from a host to itself counts in direction 0', () => {
  const t = new FlowTable({ capacity: 4 });
  const spec: PacketSpec = { src: '127.0.0.1', dst: '127.0.0.1', proto: IpProto.UDP, sport: 9, dport: 9 };
  const i = t.track(packet(spec));
  assert.equal(t.track(packet(spec)), i);
  assert.equal(t.pktsAB(i), 2);
  assert.equal(t.pktsBA(i), 0);
});

test('packets without an IP layer get -1', () => {
  const t = new FlowTable({ capacity: 4 });
  const p = new PacketView();
  p.reset(new Uint8Array(60), 0, 60, 60, 0, 1);
  assert.equal(t.track(p), -1);
  assert.equal(p.flowIdx, -1);
  assert.equal(t.stats.active, 0);
});

test('TCP state: handshake, FIN from both sides, RST, port reuse', () => {
  const t = new FlowTable({ capacity: 8 });
  const p = new PacketView();
  const i = t.track(setPacket(p, { ...c2s, flags: SYN }));
  assert.equal(t.tcpState[i], TcpState.SYN);
  t.track(setPacket(p, { ...reversed(c2s), flags: SYN | ACK }));
  assert.equal(t.tcpState[i], TcpState.ESTABLISHED);
  t.track(setPacket(p, { ...c2s, flags: FIN | ACK }));
  assert.equal(t.tcpState[i], TcpState.CLOSING);
  t.track(setPacket(p, { ...reversed(c2s), flags: ACK }));
  assert.equal(t.tcpState[i], TcpState.CLOSING);
  t.track(setPacket(p, { ...reversed(c2s), flags: FIN | ACK }));
  assert.equal(t.tcpState[i], TcpState.CLOSED);
  t.track(setPacket(p, { ...c2s, flags: SYN }));
  assert.equal(t.tcpState[i], TcpState.SYN, 'a new SYN on a closed flow reopens it');
  t.track(setPacket(p, { ...reversed(c2s), flags: SYN | ACK }));
  assert.equal(t.tcpState[i], TcpState.ESTABLISHED);
  t.track(setPacket(p, { ...reversed(c2s), flags: RST }));
  assert.equal(t.tcpState[i], TcpState.RESET);
  t.track(setPacket(p, { ...c2s, flags: ACK }));
  assert.equal(t.tcpState[i], TcpState.RESET);
  // mid-stream pickup becomes established once the reverse direction is seen
  const j = t.track(setPacket(p, { ...c2s, sport: 1, flags: ACK | PSH }));
  assert.equal(t.tcpState[j], TcpState.NEW);
  t.track(setPacket(p, { ...reversed(c2s), dport: 1, flags: ACK }));
  assert.equal(t.tcpState[j], TcpState.ESTABLISHED);
});

test('forEachActive visits every live flow once; remove frees without callback', () => {
  const t = new FlowTable({ capacity: 8 });
  const ids = [1, 2, 3, 4].map((n) => t.track(packet({ ...c2s, sport: n })));
  const seen: number[] = [];
  t.forEachActive((i) => seen.push(i));
  assert.deepEqual(seen, ids);
  t.remove(ids[1]);
  t.remove(ids[1]); // no-op on a free index
  assert.equal(t.isLive(ids[1]), false);
  assert.equal(t.stats.active, 3);
  const again = t.track(packet({ ...c2s, sport: 2 }));
  assert.equal(t.stats.active, 4);
  assert.equal(again, ids[1], 'the freed index is reused');
  assert.equal(t.seq[again], 4);
  assert.equal(t.checkInvariants(), null);
});

test('forEachTouched visits exactly the flows counted since the previous call, across timeout classes', () => {
  const t = new FlowTable({ capacity: 64 });
  const p = new PacketView();
  const tcp = [1, 2, 3, 4, 5].map((n) => t.track(setPacket(p, { ...c2s, sport: n, flags: SYN })));
  const udp = [1, 2, 3].map((n) => t.track(setPacket(p, { ...c2s, proto: IpProto.UDP, sport: n })));
  const touched = (): number[] => {
    const out: number[] = [];
    t.forEachTouched((i) => out.push(i));
    return out.sort((a, b) => a - b);
  };
  assert.deepEqual(touched(), [...tcp, ...udp].sort((a, b) => a - b), 'new flows are touched');
  assert.deepEqual(touched(), [], 'the mark is cleared');
  // a middle flow, one that changes timeout class (handshake), and a UDP flow
  t.track(setPacket(p, { ...c2s, sport: 3, flags: ACK }));
  t.track(setPacket(p, { ...reversed(c2s), dport: 1, flags: SYN | ACK }));
  t.track(setPacket(p, { ...c2s, proto: IpProto.UDP, sport: 1 }));
  assert.deepEqual(touched(), [tcp[0], tcp[2], udp[0]].sort((a, b) => a - b));
  // a freed and reused index is touched once
  t.remove(tcp[4]);
  const again = t.track(setPacket(p, { ...c2s, sport: 99, flags: SYN }));
  assert.equal(again, tcp[4]);
  assert.deepEqual(touched(), [again]);
  assert.equal(t.checkInvariants(), null);
});

test('a table touches only the indexes it used: a fresh index is handed out only when no freed one waits', () => {
  const t = new FlowTable({ capacity: 4 });
  const p = new PacketView();
  const ids = [1, 2, 3].map((n) => t.track(setPacket(p, { ...c2s, sport: n })));
  assert.deepEqual(ids, [0, 1, 2]);
  assert.equal(t.isLive(3), false, 'a never-used index is not live');
  t.remove(1);
  assert.equal(t.track(setPacket(p, { ...c2s, sport: 10 })), 1, 'the freed index first');
  assert.equal(t.track(setPacket(p, { ...c2s, sport: 11 })), 3, 'then a fresh one');
  let evicted = 0;
  const full = new FlowTable({ capacity: 2, onEvict: () => evicted++ });
  for (let n = 1; n <= 3; n++) full.track(setPacket(p, { ...c2s, sport: n }));
  assert.equal(evicted, 1, 'eviction starts only once every index is in use');
  full.flush(() => {});
  assert.equal(full.track(setPacket(p, { ...c2s, sport: 7 })), 0, 'after flush the table starts over at index 0');
  assert.equal(full.checkInvariants(), null);
});

test('the fast path finds a tracked IPv4 flow in both directions and counts as track() does', () => {
  const plainOf = (a: number, b: number, sport: number, dport: number, proto: number = IpProto.TCP): PlainIpv4 =>
    Object.assign(new PlainIpv4(), { src: a | 0, dst: b | 0, srcPort: sport, dstPort: dport, proto });
  const slow = new FlowTable({ capacity: 16 });
  const fast = new FlowTable({ capacity: 16 });
  const p = new PacketView();
  // 10.0.0.1 and 200.0.0.1 (top bit set) as words
  const a = 0x0a000001;
  const b = 0xc8000001;
  const spec: PacketSpec = { src: '10.0.0.1', dst: '200.0.0.1', sport: 40000, dport: 443 };
  const first = { ...spec, flags: SYN, len: 60, t: 1 };
  slow.track(setPacket(p, first));
  const idx = fast.track(setPacket(p, first));
  assert.equal(fast.findPlainIpv4(plainOf(a, b, 40000, 443)), 2 * idx, 'direction 0');
  assert.equal(fast.findPlainIpv4(plainOf(b, a, 443, 40000)), 2 * idx + 1, 'direction 1');
  for (const [miss, t] of [
    ['other port', plainOf(a, b, 40001, 443)],
    ['other protocol', plainOf(a, b, 40000, 443, IpProto.UDP)],
    ['ports swapped without the addresses', plainOf(a, b, 443, 40000)],
  ] as const) {
    assert.equal(fast.findPlainIpv4(t), -1, miss);
  }
  const rest: PacketSpec[] = [
    { ...reversed(spec), flags: SYN | ACK, len: 60, t: 1.01 },
    { ...spec, flags: ACK, len: 52, t: 1.02 },
    { ...spec, flags: ACK | PSH, len: 400, t: 1.03 },
    { ...reversed(spec), flags: FIN | ACK, len: 52, t: 2 },
    { ...spec, flags: FIN | ACK, len: 52, t: 2.1 },
  ];
  for (const r of rest) {
    slow.track(setPacket(p, r));
    const fwd = r.src === spec.src;
    const t = fwd ? plainOf(a, b, 40000, 443) : plainOf(b, a, 443, 40000);
    Object.assign(t, { ipLen: r.len, tcpFlags: r.flags, tsUs: Math.round(r.t! * 1e6) });
    const found = fast.findPlainIpv4(t);
    fast.countPlain(found >> 1, found & 1, t);
  }
  assert.deepEqual(
    [fast.pktsAB(idx), fast.pktsBA(idx), fast.bytesAB(idx), fast.bytesBA(idx), fast.lastUsOf(idx), fast.tcpState[idx], fast.tcpFlags0[idx], fast.tcpFlags1[idx], fast.timeoutClass[idx]],
    [slow.pktsAB(idx), slow.pktsBA(idx), slow.bytesAB(idx), slow.bytesBA(idx), slow.lastUsOf(idx), slow.tcpState[idx], slow.tcpFlags0[idx], slow.tcpFlags1[idx], slow.timeoutClass[idx]],
  );
  assert.equal(fast.tcpState[idx], TcpState.CLOSED);
  assert.equal(fast.checkInvariants(), null);
});

test('the fast path does not match a VLAN or tunnel flow with the same addresses and ports', () => {
  const t = new FlowTable({ capacity: 16 });
  t.track(packet({ ...c2s, vlan: 5 }));
  t.track(packet({ ...c2s, tunnel: [TunnelKind.VXLAN, 9] }));
  const plain = Object.assign(new PlainIpv4(), { src: 0x0a000001, dst: 0x01020304, srcPort: 40000, dstPort: 443, proto: IpProto.TCP });
  assert.equal(t.findPlainIpv4(plain), -1);
  const idx = t.track(packet(c2s));
  assert.equal(t.findPlainIpv4(plain), 2 * idx);
});
