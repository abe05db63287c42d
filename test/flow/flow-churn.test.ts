import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowTable } from '../../src/flow/flow-table.js';
import { IpProto } from '../../src/core/layers.js';
import { PacketView } from '../../src/core/packet-view.js';
import { rng, setV4 } from './_support/packets.js';

test('heavy churn: 1M random inserts/lookups/deletes in a small table stay correct', () => {
  const capacity = 4096;
  const universe = 20_000;
  const ops = 1_000_000;
  const rand = rng(42);
  const src = new Uint32Array(universe);
  const dst = new Uint32Array(universe);
  const sport = new Uint16Array(universe);
  const dport = new Uint16Array(universe);
  const proto = new Uint8Array(universe);
  const unique = new Set<string>();
  for (let k = 0; k < universe; ) {
    // few distinct hosts and ports so many keys share parts of their tuple
    src[k] = (0x0a000000 + Math.floor(rand() * 64)) >>> 0;
    dst[k] = (0xc0a80000 + Math.floor(rand() * 64)) >>> 0;
    sport[k] = 1024 + Math.floor(rand() * 512);
    dport[k] = rand() < 0.5 ? 443 : 53;
    proto[k] = dport[k] === 53 ? IpProto.UDP : IpProto.TCP;
    const text = `${src[k]} ${dst[k]} ${sport[k]} ${dport[k]}`;
    if (unique.has(text)) continue;
    unique.add(text);
    k++;
  }
  const t = new FlowTable({ capacity });
  const p = new PacketView();
  const model = new Int32Array(universe).fill(-1); // key -> flow index
  const createdReversed = new Uint8Array(universe); // 1 if the flow's first packet went dst -> src
  const live: number[] = []; // keys currently live
  const livePos = new Int32Array(universe).fill(-1);
  const dropLive = (k: number) => {
    const pos = livePos[k];
    const last = live.pop()!;
    if (last !== k) {
      live[pos] = last;
      livePos[last] = pos;
    }
    livePos[k] = -1;
    model[k] = -1;
  };
  let hits = 0;
  let inserts = 0;
  let deletes = 0;
  for (let op = 0; op < ops; op++) {
    const k = Math.floor(rand() * universe);
    if (rand() < 0.55) {
      const rev = rand() < 0.5;
      if (model[k] < 0 && live.length === capacity) {
        const victim = live[Math.floor(rand() * live.length)];
        t.remove(model[victim]);
        dropLive(victim);
        deletes++;
      }
      if (rev) setV4(p, dst[k], src[k], proto[k], dport[k], sport[k], op);
      else setV4(p, src[k], dst[k], proto[k], sport[k], dport[k], op);
      const idx = t.track(p);
      if (model[k] >= 0) {
        hits++;
        if (idx !== model[k] || p.flowIsNew) assert.fail(`op ${op}: key ${k} expected flow ${model[k]}, got ${idx} new=${p.flowIsNew}`);
        if (p.flowDir !== (Number(rev) ^ createdReversed[k])) assert.fail(`op ${op}: key ${k} direction ${p.flowDir}`);
      } else {
        inserts++;
        if (!p.flowIsNew || p.flowDir !== 0) assert.fail(`op ${op}: key ${k} should be new`);
        model[k] = idx;
        createdReversed[k] = Number(rev);
        livePos[k] = live.length;
        live.push(k);
      }
    } else if (model[k] >= 0) {
      t.remove(model[k]);
      dropLive(k);
      deletes++;
    }
    if (op % 100_000 === 0) {
      const problem = t.checkInvariants();
      if (problem) assert.fail(`op ${op}: ${problem}`);
    }
  }
  assert.equal(t.stats.active, live.length);
  assert.equal(t.checkInvariants(), null);
  assert.ok(hits > 100_000 && inserts > 100_000 && deletes > 100_000, `${hits} hits, ${inserts} inserts, ${deletes} deletes`);
  // backward-shift deletion: probe distances stay those of a fresh table at this load
  const probe = t.meanProbeDistance();
  assert.ok(probe < 2, `mean probe distance ${probe}`);
  // every live key still resolves to its own flow, in both directions
  for (const k of live) {
    if (createdReversed[k]) setV4(p, src[k], dst[k], proto[k], sport[k], dport[k], ops);
    else setV4(p, dst[k], src[k], proto[k], dport[k], sport[k], ops);
    assert.equal(t.track(p), model[k]);
    assert.equal(p.flowDir, 1);
  }
});

test('throughput sanity print (not an assertion on time)', (tc) => {
  const flows = 50_000;
  const packets = 1_000_000;
  const t = new FlowTable({ capacity: 65536 });
  const p = new PacketView();
  const rand = rng(7);
  const a = new Uint32Array(flows);
  const ports = new Uint16Array(flows);
  for (let i = 0; i < flows; i++) {
    a[i] = (0x0a000000 + Math.floor(rand() * 0xffff)) >>> 0;
    ports[i] = 1024 + Math.floor(rand() * 60000);
  }
  const order = new Uint32Array(packets);
  for (let i = 0; i < packets; i++) order[i] = Math.floor(rand() * flows);
  const start = process.hrtime.bigint();
  for (let i = 0; i < packets; i++) {
    const f = order[i];
    if (i & 1) setV4(p, 0x01020304, a[f], IpProto.UDP, 443, ports[f], i);
    else setV4(p, a[f], 0x01020304, IpProto.UDP, ports[f], 443, i);
    t.track(p);
  }
  const ns = Number(process.hrtime.bigint() - start) / packets;
  tc.diagnostic(`track(): ${ns.toFixed(0)} ns/packet over ${t.stats.active} flows (incl. test packet setup)`);
  assert.ok(t.stats.active > flows * 0.99);
  assert.equal(t.checkInvariants(), null);
});
