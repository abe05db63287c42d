import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowTable } from '../../src/flow/flow-table.js';
import { IpProto } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { PlainIpv4 } from '../../src/packet/plain-ipv4.js';
import { setV4 } from './_support/packets.js';

// Real timestamps (~1.7e15 µs) are doubles: passing one into a non-inlined call boxes it, which is
// what this test guards against. A per-packet allocation of even 16 bytes over 1M packets causes
// a dozen or more scavenges; allocation-free code causes none or one or two (compiler, runtime).
test('track() and expire() allocate nothing per packet (scavenge count over 1M packets)', async (tc) => {
  const t = new FlowTable({ capacity: 4096 });
  // 1024 client addresses at [4f, 4f + 4), the server at 4096; fields are set in place per packet
  const p = setV4(new PacketView(), 0, 0, IpProto.TCP, 0, 0, 0);
  const buf = new Uint8Array(4100);
  for (let f = 0; f < 1024; f++) buf.set([10, 0, f >> 8, f & 255], 4 * f);
  buf.set([192, 168, 0, 1], 4096);
  p.buf = buf;
  p.tcpFlags = 0x10;
  const t0 = 1.7e15;
  const noop = () => {};
  const run = (n: number, off: number) => {
    for (let i = 0; i < n; i++) {
      const f = i & 1023;
      const up = (i & 1) === 0;
      p.srcAddrOff = up ? 4 * f : 4096;
      p.dstAddrOff = up ? 4096 : 4 * f;
      p.srcPort = up ? 1000 + (f & 7) : 443;
      p.dstPort = up ? 443 : 1000 + (f & 7);
      p.tsUs = t0 + off + i;
      t.track(p);
      if ((i & 65535) === 0) t.expire(t0 + off + i, noop);
    }
  };
  const scavenges = await scavengesDuring(run);
  tc.diagnostic(`${scavenges} scavenges`);
  assert.ok(scavenges <= 3, `${scavenges} scavenges during 1M track() calls`);
  assert.equal(t.stats.active, 1024);
});

test('the fast path (findPlainIpv4 + countPlain) allocates nothing per packet', async (tc) => {
  const t = new FlowTable({ capacity: 4096 });
  const p = setV4(new PacketView(), 0, 0, IpProto.TCP, 0, 0, 0);
  const server = 0xc0a80001 | 0;
  // create the 1024 flows through track(), then count only through the fast path
  for (let f = 0; f < 1024; f++) {
    const buf = new Uint8Array([10, 0, f >> 8, f & 255, 192, 168, 0, 1]);
    p.buf = buf;
    p.srcAddrOff = 0;
    p.dstAddrOff = 4;
    p.srcPort = 1000 + (f & 7);
    p.dstPort = 443;
    p.tsUs = 1.7e15;
    t.track(p);
  }
  const plain = new PlainIpv4();
  plain.proto = IpProto.TCP;
  plain.ipLen = 100;
  plain.tcpFlags = 0x10;
  let missed = 0;
  const run = (n: number, off: number) => {
    for (let i = 0; i < n; i++) {
      const f = i & 1023;
      const up = (i & 1) === 0;
      const device = 0x0a000000 | f;
      plain.src = up ? device : server;
      plain.dst = up ? server : device;
      plain.srcPort = up ? 1000 + (f & 7) : 443;
      plain.dstPort = up ? 443 : 1000 + (f & 7);
      plain.tsUs = 1.7e15 + off + i;
      const found = t.findPlainIpv4(plain);
      if (found < 0) missed++;
      else t.countPlain(found >> 1, found & 1, plain);
    }
  };
  const scavenges = await scavengesDuring(run);
  tc.diagnostic(`${scavenges} scavenges`);
  assert.equal(missed, 0, 'every packet found its flow');
  assert.ok(scavenges <= 3, `${scavenges} scavenges during 1M fast-path packets`);
  // flow 0: its track() packet, then every 1024th packet of each run
  assert.equal(t.pktsAB(0) + t.pktsBA(0), 1 + Math.ceil(300_000 / 1024) + Math.ceil(1_000_000 / 1024));
});

/** Scavenges (young-generation GCs) while run(1M) counts packets, after run(300k) warmed the code up. */
async function scavengesDuring(run: (n: number, timeOffsetUs: number) => void): Promise<number> {
  run(300_000, 0); // warm up: let the optimizing compiler settle
  let scavenges = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  });
  obs.observe({ entryTypes: ['gc'] });
  run(1_000_000, 1e9);
  await sleep(50);
  obs.disconnect();
  return scavenges;
}
