import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PacketView } from '../../../src/core/packet-view.js';
import { LinkType } from '../../../src/core/layers.js';
import { formatIP } from '../../../src/core/ip.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { parseRedirectionConfig } from '../../../src/actions/redirect/config.js';
import { Redirector, UNPINNED } from '../../../src/actions/redirect/redirector.js';
import { DecapResult, decapReturned, GATEWAY_TUNNEL_MAC } from '../../../src/actions/redirect/encap.js';
import { isProbe, probeReply, PEER_MAC } from './_support/fake-peer.js';
import { TWO_PEERS, flowPacket } from './_support/two-peers.js';

const CFG = TWO_PEERS;

const packet = flowPacket;

/** Drives a Redirector with a fake clock and two fake peers that answer probes while alive. */
class Bench {
  t = 0;
  readonly alive = [true, true];
  /** Data datagrams delivered to each peer: [time, flow]. */
  readonly got: [number, number][][] = [[], []];
  readonly activeLog: [number, number][] = [];
  readonly r: Redirector;

  constructor(extra: object = {}) {
    this.r = new Redirector(parseRedirectionConfig({ ...CFG, ...extra }), { flowCapacity: 64, now: () => this.t, probeId: 0x4242 });
  }

  /** One 10 ms step: tick, send one packet of each flow in `flows`, deliver queues. */
  step(flows: number[], newFlows: number[] = []): void {
    this.r.tick(this.t);
    for (const f of flows) {
      const p = packet(f);
      p.flowIsNew = newFlows.includes(f);
      assert.ok(this.r.redirect(p, f));
    }
    this.deliver();
    const a = this.r.active();
    if (this.activeLog.length === 0 || this.activeLog[this.activeLog.length - 1][1] !== a) this.activeLog.push([this.t, a]);
    this.t += 10;
  }

  deliver(): void {
    const replies: Uint8Array[] = [];
    for (const peer of this.r.peers) {
      const q = peer.queue;
      for (let i = 0; i < q.count; i++) {
        const d = q.buf.slice(q.offs[i], q.offs[i] + q.lens[i]);
        if (isProbe(d)) {
          if (this.alive[peer.index]) replies.push(probeReply(d)!);
        } else if (this.alive[peer.index]) {
          this.got[peer.index].push([this.t, flowOf(d)]);
        } else {
          this.got[peer.index].push([this.t, -1 - flowOf(d)]); // sent into a dead peer
        }
      }
      q.clear();
    }
    for (const d of replies) assert.equal(this.r.handleReturned(d, 0, d.length), 'probe');
  }
}

function flowOf(d: Uint8Array): number {
  const r = new DecapResult();
  assert.ok(decapReturned(d, 0, d.length, r));
  const tcp = r.innerOff + 14 + 20;
  return ((d[tcp] << 8) | d[tcp + 1]) - 20000;
}

const FLOWS = [0, 1, 2, 3, 4, 5, 6, 7];

test('failover: after the switch no packet of any flow is queued to the dead primary; failback keeps old flows (new-flows)', () => {
  const b = new Bench();
  for (; b.t < 1000; ) b.step(FLOWS);
  assert.equal(b.r.active(), 0);
  assert.ok(b.got[0].length === 100 * FLOWS.length && b.got[1].length === 0, 'all on the primary while healthy');
  assert.equal(b.r.status().peers[0].innerMac, '02:99:00:00:00:01', 'peer MAC learned from probe replies');

  b.alive[0] = false;
  const failAt = b.t;
  for (; b.t < 3000; ) b.step(FLOWS);
  const switchAt = b.activeLog.find(([, a]) => a === 1)![0];
  assert.ok(switchAt - failAt <= 1500, `switch ${switchAt - failAt} ms after the failure`);
  const lostToDead = b.got[0].filter(([t, f]) => f < 0 && t >= switchAt);
  assert.deepEqual(lostToDead, [], 'nothing sent into the dead peer after the switch');
  for (const f of FLOWS) assert.ok(b.got[1].some(([t, g]) => g === f && t === switchAt), `flow ${f} moved at the switch`);
  assert.equal(b.got[1].filter(([t]) => t >= switchAt).length, ((3000 - switchAt) / 10) * FLOWS.length, 'every packet after the switch reached the standby');

  let st = b.r.status();
  assert.equal(st.active, 'standby');
  assert.equal(st.peers[0].healthy, false);
  assert.equal(st.peers[0].state, 'down');
  assert.ok(st.peers[0].probesLost >= 2);
  assert.equal(st.peers[1].switches, 1);
  assert.equal(st.peers[1].repinned, FLOWS.length);

  // primary recovers: new flows go back to it, existing flows stay on the healthy standby
  b.alive[0] = true;
  for (; b.t < 5000; ) b.step(FLOWS);
  assert.equal(b.r.active(), 0);
  const backAt = b.activeLog[b.activeLog.length - 1][0];
  const n0 = b.got[0].length;
  b.step([...FLOWS, 20], [20]);
  assert.deepEqual(b.got[0].slice(n0).map(([, f]) => f), [20], 'only the new flow uses the primary');
  assert.ok(b.got[1].filter(([t]) => t > backAt).length >= FLOWS.length);
  st = b.r.status();
  assert.equal(st.peers[0].switches, 1);
  assert.equal(st.peers[0].packets, b.got[0].length, 'packets counted per peer, including those sent before the switch');
  assert.equal(st.peers[0].bytes, (b.got[0].length - 1) * 46 + 47, 'IP bytes (tunnel and Ethernet headers not counted)');
});

test("failback 'all-flows' moves every flow back; both peers down → primary", () => {
  const b = new Bench({ failback: 'all-flows' });
  for (; b.t < 500; ) b.step(FLOWS);
  b.alive[0] = false;
  for (; b.t < 2500; ) b.step(FLOWS);
  assert.equal(b.r.active(), 1);
  b.alive[0] = true;
  for (; b.t < 4500; ) b.step(FLOWS);
  assert.equal(b.r.active(), 0);
  const n0 = b.got[0].length;
  const n1 = b.got[1].length;
  b.step(FLOWS);
  assert.equal(b.got[0].length - n0, FLOWS.length);
  assert.equal(b.got[1].length, n1);

  b.alive[0] = false;
  b.alive[1] = false;
  for (; b.t < 7000; ) b.step(FLOWS);
  const st = b.r.status();
  assert.deepEqual([st.peers[0].healthy, st.peers[1].healthy, st.active], [false, false, 'primary']);
});

test('pins: unpinned and reused flow indexes take the active peer; forget() clears', () => {
  const b = new Bench();
  assert.ok(b.r.pins.every((x) => x === UNPINNED));
  b.step([3]);
  assert.equal(b.r.pins[3], 0);
  b.r.forget(3);
  assert.equal(b.r.pins[3], UNPINNED);
  // a packet without an IP layer is not redirected
  const p = new PacketView();
  const arp = new Uint8Array(60);
  arp[12] = 0x08;
  arp[13] = 0x06;
  decodeFrame(p, arp, 0, 60, 60, 0, LinkType.ETHERNET);
  assert.equal(b.r.redirect(p, 5), false);
  // queue full: counted, not thrown
  const small = new Redirector(parseRedirectionConfig(CFG), { flowCapacity: 4, queueDatagrams: 2, now: () => 0 });
  const q = packet(1);
  assert.deepEqual([small.redirect(q, 1), small.redirect(q, 1), small.redirect(q, 1)], [true, true, false]);
  assert.equal(small.status().peers[0].queueDrops, 1);
});

test('returned packets: data continues to its destination, ARP for the gateway tunnel address is answered, junk is counted', () => {
  const seen: [number, number, boolean, number][] = [];
  const r = new Redirector(parseRedirectionConfig(CFG), { flowCapacity: 8, now: () => 0, onReturned: (buf, off, len, eth, peer) => seen.push([off, len, eth, peer]) });
  // the peer sends back a redirected packet (here: the same datagram) → onReturned gets the inner Ethernet frame
  const p = packet(1);
  r.redirect(p, 1);
  const q = r.peers[0].queue;
  const d = q.buf.slice(q.offs[0], q.offs[0] + q.lens[0]);
  q.clear();
  assert.equal(r.handleReturned(d, 0, d.length, 0), 'data');
  assert.deepEqual(seen, [[8, d.length - 8, true, 0]]);
  assert.equal(formatIP(d, 8 + 14 + 16, 4), '203.0.113.10');
  assert.equal(r.status().peers[0].returnedPackets, 1);

  // ARP request from the standby's inner address for the gateway's tunnel address
  const arp = new Uint8Array(8 + 42);
  arp.set([0x08, 0, 0, 0, 0, 0, 10, 0]);
  const e = 8;
  arp.fill(0xff, e, e + 6);
  arp.set(PEER_MAC, e + 6);
  arp.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1], e + 12);
  arp.set(PEER_MAC, e + 22);
  arp.set([10, 128, 255, 2], e + 28);
  arp.set([10, 128, 255, 254], e + 38);
  assert.equal(r.handleReturned(arp, 0, arp.length, -1), 'arp');
  const sq = r.peers[1].queue;
  assert.equal(sq.count, 1);
  const rep = sq.buf.slice(sq.offs[0], sq.offs[0] + sq.lens[0]);
  assert.deepEqual([...rep.subarray(0, 8)], [0x08, 0, 0, 0, 0, 0, 10, 0]);
  assert.deepEqual([...rep.subarray(8, 14)], [...PEER_MAC]);
  assert.deepEqual([...rep.subarray(14, 20)], [...GATEWAY_TUNNEL_MAC]);
  assert.equal(rep[8 + 21], 2, 'ARP op reply');
  assert.deepEqual([...rep.subarray(8 + 22, 8 + 28)], [...GATEWAY_TUNNEL_MAC]);
  assert.deepEqual([...rep.subarray(8 + 28, 8 + 32)], [10, 128, 255, 254]);
  assert.deepEqual([...rep.subarray(8 + 38, 8 + 42)], [10, 128, 255, 2]);
  assert.equal(r.status().peers[1].innerMac, '02:99:00:00:00:01');

  assert.equal(r.handleReturned(Uint8Array.of(1, 2, 3), 0, 3, 0), 'invalid');
  assert.equal(r.status().returnedInvalid, 1);
});

test('returned packets: an IPv6 neighbour solicitation from a peer is answered with the gateway tunnel MAC, to that peer', () => {
  let data = 0;
  const r = new Redirector(parseRedirectionConfig(CFG), { flowCapacity: 8, now: () => 0, onReturned: () => data++ });
  // the appliance (standby, datagram from its address: fromPeer 1) asks for its IPv6 next hop fd00:200::fe
  const ns = new Uint8Array(8 + 14 + 40 + 32);
  ns.set([0x08, 0, 0, 0, 0, 0, 10, 0]);
  const e = 8;
  const target = [0xfd, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfe];
  const src = [0xfd, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01];
  ns.set([0x33, 0x33, 0xff, 0, 0, 0xfe, ...PEER_MAC, 0x86, 0xdd], e);
  ns.set([0x60, 0, 0, 0, 0, 32, 58, 255, ...src, 0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 0xfe], e + 14);
  ns.set([135, 0, 0, 0, 0, 0, 0, 0, ...target, 1, 1, ...PEER_MAC], e + 54);
  assert.equal(r.handleReturned(ns, 0, ns.length, 1), 'nd');
  assert.equal(data, 0, 'an answered NS does not continue as data');
  assert.equal(r.peers[0].queue.count, 0, 'nothing to the primary');
  const sq = r.peers[1].queue;
  assert.equal(sq.count, 1);
  const na = sq.buf.slice(sq.offs[0], sq.offs[0] + sq.lens[0]);
  assert.deepEqual([...na.subarray(0, 8)], [0x08, 0, 0, 0, 0, 0, 10, 0], 'VXLAN header with the peer VNI');
  assert.deepEqual([...na.subarray(8, 14)], [...PEER_MAC], 'to the appliance');
  assert.deepEqual([...na.subarray(14, 20)], [...GATEWAY_TUNNEL_MAC], 'from the gateway tunnel MAC');
  assert.deepEqual([...na.subarray(20, 22)], [0x86, 0xdd]);
  const ip = 22;
  assert.deepEqual([...na.subarray(ip + 8, ip + 24)], target, 'from the address asked for');
  assert.deepEqual([...na.subarray(ip + 24, ip + 40)], src, "to the solicitation's source");
  const icmp = ip + 40;
  assert.equal(na[icmp], 136, 'Neighbor Advertisement');
  assert.equal(na[icmp + 4], 0x60, 'Solicited + Override');
  assert.deepEqual([...na.subarray(icmp + 8, icmp + 24)], target);
  assert.deepEqual([...na.subarray(icmp + 24, icmp + 32)], [2, 1, ...GATEWAY_TUNNEL_MAC], 'target link-layer address option');
  assert.equal(r.status().peers[1].innerMac, '02:99:00:00:00:01', 'the peer MAC learned from the solicitation');

  // a duplicate address probe (unspecified source) is not answered
  const dad = ns.slice();
  dad.fill(0, e + 14 + 8, e + 14 + 24);
  r.peers[1].queue.clear();
  assert.notEqual(r.handleReturned(dad, 0, dad.length, 1), 'nd');
  assert.equal(r.peers[1].queue.count, 0);
});

test('select: honours enabled and the selector', () => {
  const ctx = { app: 'HTTP', group: 'meters', dstBuf: Uint8Array.of(203, 0, 113, 10), dstOff: 0, ipVersion: 4, dstPort: 80 };
  const on = new Redirector(parseRedirectionConfig({ ...CFG, selector: { apps: ['http'] } }), { flowCapacity: 1 });
  assert.equal(on.select(ctx), true);
  assert.equal(on.select({ ...ctx, app: 'DNS' }), false);
  const off = new Redirector(parseRedirectionConfig({ ...CFG, enabled: false }), { flowCapacity: 1 });
  assert.equal(off.select(ctx), false);
});
