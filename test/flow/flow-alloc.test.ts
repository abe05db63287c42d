import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { FlowTable } from '../../src/flow/flow-table.js';
import { IpProto } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
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
  run(300_000, 0); // warm up: let the optimizing compiler settle
  let scavenges = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === 1) scavenges++;
  });
  obs.observe({ entryTypes: ['gc'] });
  run(1_000_000, 1e9);
  await sleep(50);
  obs.disconnect();
  tc.diagnostic(`${scavenges} scavenges`);
  assert.ok(scavenges <= 3, `${scavenges} scavenges during 1M track() calls`);
  assert.equal(t.stats.active, 1024);
});
