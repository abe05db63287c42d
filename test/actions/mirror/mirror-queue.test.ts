import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LinkType } from '../../../src/core/layers.js';
import { PacketView } from '../../../src/core/packet-view.js';
import { decodeFrame } from '../../../src/packet/decode.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { EtherType, writeEthernetSimple } from '../../../src/packet/build/ethernet.js';
import { MirrorCounters, MirrorQueue, type MirrorTransport } from '../../../src/actions/mirror/mirror-queue.js';
import { MirrorSet, type MirrorMeta } from '../../../src/actions/mirror/mirror-set.js';
import { CaptureTransport } from './_support/wire.js';

const bytes = (n: number, v: number) => new Uint8Array(n).fill(v);

test('queue: overflow drops the new copy and counts it, never throws; drain frees slots', () => {
  const q = new MirrorQueue(4, 128);
  for (let i = 0; i < 10; i++) q.enqueue(bytes(50, i), 0, 50);
  assert.equal(q.count, 4);
  assert.equal(q.counters.dropped, 6);
  const t = new CaptureTransport();
  assert.equal(q.drain(t), 4);
  assert.deepEqual(t.datagrams.map((d) => d[0]), [0, 1, 2, 3]); // oldest first; the newest were dropped
  assert.equal(q.counters.sent, 4);
  assert.equal(q.counters.bytes, 200);
  assert.equal(q.count, 0);
  assert.equal(q.enqueue(bytes(10, 9), 0, 10), true);
});

test('queue: a transport that accepts part of a batch keeps the rest, in order, across ring wrap-around', () => {
  const q = new MirrorQueue(5, 64);
  const t = new CaptureTransport(2);
  let next = 0;
  for (let round = 0; round < 6; round++) {
    while (q.enqueue(bytes(8, next), 0, 8)) next++;
    q.drain(t, 3);
  }
  while (q.count > 0) q.drain(t);
  assert.deepEqual(t.datagrams.map((d) => d[0]), Array.from({ length: next }, (_, i) => i));
  assert.equal(q.counters.sent, next);
  // the transport never saw more than `max` per call
  const seen: number[] = [];
  const spy: MirrorTransport = { sendBatch: (_s, _o, _l, n) => (seen.push(n), 0) };
  for (let i = 0; i < 5; i++) q.enqueue(bytes(8, 1), 0, 8);
  q.drain(spy, 3);
  assert.deepEqual(seen, [3]);
  assert.equal(q.count, 5);
});

test('queue: a throwing or refusing transport counts an error / keeps copies; copies longer than a slot are cut', () => {
  const q = new MirrorQueue(2, 64, new MirrorCounters());
  q.enqueue(bytes(100, 1), 0, 100);
  assert.equal(q.lens[0], 64);
  assert.equal(q.counters.truncated, 1);
  assert.equal(q.drain({ sendBatch: () => { throw new Error('EPERM'); } }), 0);
  assert.equal(q.counters.errors, 1);
  assert.equal(q.drain({ sendBatch: () => Number.NaN }), 0);
  assert.equal(q.count, 1);
  assert.equal(q.discard(), 1);
  assert.equal(q.counters.dropped, 1);
});

const tcp = buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, tcp: { sport: 40000, dport: 443 }, payload: 'x' });
const dns = buildFrame({ ip: { src: '10.128.0.5', dst: '8.8.8.8' }, udp: { sport: 40000, dport: 53 }, payload: 'q' });

function decoded(frame: Uint8Array, link: number = LinkType.ETHERNET): PacketView {
  const p = new PacketView();
  decodeFrame(p, frame, 0, frame.length, frame.length, 0, link);
  return p;
}

test('set: every enabled peer gets its own copy; filters count what they skip; disabled peers see nothing', () => {
  const set = MirrorSet.fromConfig({
    peers: [
      { address: '192.0.2.1', protocol: 'gre', key: 1 },
      { address: '192.0.2.2', protocol: 'vxlan', vni: 2, filter: { rules: [{ number: 1, action: 'accept', protocol: 'udp' }] } },
      { address: '192.0.2.3', protocol: 'vxlan', vni: 3, filter: { rules: [] } },
      { address: '192.0.2.4', protocol: 'gre', enabled: false },
    ],
  });
  const ts = set.peers.map((p) => (p.transport = new CaptureTransport()));
  const meta: MirrorMeta = { uplink: true, group: undefined, app: 'Unknown' };
  assert.equal(set.mirror(decoded(tcp), meta), 1);
  assert.equal(set.mirror(decoded(dns), meta), 2);
  set.drain();
  assert.deepEqual(ts.map((t) => t.datagrams.length), [2, 1, 0, 0]);
  const s = set.stats();
  assert.deepEqual(s.map((x) => [x.sent, x.filtered]), [[2, 0], [1, 1], [0, 2], [0, 0]]);
  assert.equal(s[0].bytes, 8 * 2 + tcp.length + dns.length);
  assert.equal(s[1].connected, true);
});

test('set: frames without IP (ARP) are never mirrored; unconnected peers discard copies as dropped', () => {
  const set = MirrorSet.fromConfig({ peers: [{ address: '192.0.2.1', protocol: 'gre' }] });
  const arp = new Uint8Array(60);
  writeEthernetSimple(arp, 0, bytes(6, 0xff), bytes(6, 2), EtherType.ARP);
  const meta: MirrorMeta = { uplink: true, group: undefined, app: 'Unknown' };
  assert.equal(set.mirror(decoded(arp), meta), 0);
  assert.equal(set.mirror(decoded(tcp), meta), 1);
  assert.equal(set.drain(), 0);
  assert.equal(set.stats()[0].dropped, 1);
  assert.equal(set.stats()[0].connected, false);
});

test('set: a full queue drops copies and counts them; forwarding (mirror()) keeps returning', () => {
  const set = MirrorSet.fromConfig({ peers: [{ address: '192.0.2.1', protocol: 'vxlan' }], queue: { slots: 8, slotBytes: 256 } });
  const p = decoded(tcp);
  const meta: MirrorMeta = { uplink: true, group: undefined, app: 'Unknown' };
  let queued = 0;
  for (let i = 0; i < 100; i++) queued += set.mirror(p, meta);
  assert.equal(queued, 8);
  assert.equal(set.stats()[0].dropped, 92);
  assert.equal(set.stats()[0].queued, 8);
});

test('set: frames longer than a slot are cut to fit and counted as truncated', () => {
  const big = buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, udp: { sport: 1, dport: 2 }, payload: bytes(1000, 1) });
  const set = MirrorSet.fromConfig({ peers: [{ address: '192.0.2.1', protocol: 'gre', key: 1 }], queue: { slots: 4, slotBytes: 512 } });
  const t = (set.peers[0].transport = new CaptureTransport());
  set.mirror(decoded(big), { uplink: true, group: undefined, app: 'Unknown' });
  set.drain();
  assert.equal(t.datagrams[0].length, 512);
  assert.deepEqual(t.datagrams[0].subarray(8), big.subarray(0, 504));
  assert.equal(set.stats()[0].truncated, 1);
});

test('mirror() + drain() allocate nothing per packet (scavenge count over 500k packets)', async (tc) => {
  const set = MirrorSet.fromConfig({
    peers: [
      { address: '192.0.2.1', protocol: 'gre', key: 1, sequence: true, truncate: 96 },
      { address: '192.0.2.2', protocol: 'vxlan', vni: 7, filter: { rules: [{ number: 1, action: 'accept', protocol: 'tcp', destinationCidr: '93.184.0.0/16', app: 'TLS' }] } },
    ],
    queue: { slots: 256, slotBytes: 2048 },
  });
  let sink = 0;
  const noop: MirrorTransport = { sendBatch: (_s, _o, lens, n) => ((sink += lens[0]), n) };
  for (const peer of set.peers) peer.transport = noop;
  const p = decoded(buildFrame({ ip: { src: '10.128.0.5', dst: '93.184.216.34' }, tcp: { sport: 40000, dport: 443 }, payload: bytes(300, 3) }));
  const meta: MirrorMeta = { uplink: true, group: 'meters', app: 'TLS.aws-iot' };
  const run = (n: number) => {
    for (let i = 0; i < n; i++) {
      meta.uplink = (i & 1) === 0;
      set.mirror(p, meta);
      if ((i & 127) === 127) set.drain();
    }
  };
  run(200_000);
  let scavenges = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  });
  obs.observe({ entryTypes: ['gc'] });
  run(500_000);
  await sleep(50);
  obs.disconnect();
  tc.diagnostic(`${scavenges} scavenges`);
  assert.ok(scavenges <= 3, `${scavenges} scavenges during 500k mirror() calls`);
  assert.ok(sink > 0);
  const s0 = set.stats()[0];
  assert.equal(s0.sent + s0.queued, 700_000);
  assert.equal(s0.dropped, 0);
  assert.equal(s0.truncated, 700_000);
});
