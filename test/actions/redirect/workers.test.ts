// Redirection on several live workers (src/actions/redirect/workers.ts): which worker probes a peer, the
// health relay (the prober's changes followed by the other workers' Redirectors: failover, failback,
// flows re-pinned, the peer MAC), the merged status, and the configs several workers cannot run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseIPv4 } from '../../../src/core/ip.js';
import { flowWorkerOfIpv4 } from '../../../src/io/native/flow-hash.js';
import { parseRedirectionConfig } from '../../../src/actions/redirect/config.js';
import { Redirector } from '../../../src/actions/redirect/redirector.js';
import { peerKey, probeOwner, returnSteerKind, type RelayedPeerHealth } from '../../../src/actions/redirect/workers.js';
import { mergeRedirection } from '../../../src/pipeline/live-workers/merge.js';
import { isProbe, probeReply, PEER_MAC } from './_support/fake-peer.js';
import { TWO_PEERS, flowPacket } from './_support/two-peers.js';

const CFG = TWO_PEERS;

const packet = flowPacket;

/**
 * Two workers' Redirectors with a fake clock. Relays go through `main` (as the main thread does, to
 * every other worker); a probe answer goes back to the worker that sent the probe (the kernel steers it
 * there by the inner addresses). Peers answer probes while alive.
 */
class TwoWorkers {
  t = 0;
  readonly alive = [true, true];
  /** Probes each worker sent to each peer: probes[worker][peer]. */
  readonly probes = [[0, 0], [0, 0]];
  /** Data packets each worker sent to each peer. */
  readonly data = [[0, 0], [0, 0]];
  readonly relays: RelayedPeerHealth[] = [];
  readonly w: Redirector[];

  constructor(extra: object = {}) {
    const cfg = parseRedirectionConfig({ ...CFG, ...extra });
    this.w = [0, 1].map((index) => {
      const r: Redirector = new Redirector(cfg, {
        flowCapacity: 64,
        now: () => this.t,
        probeId: 0x4000 + index * 16,
        workers: { index, count: 2 },
        onPeerChange: (peer) => {
          const relay = r.peerRelay(peer);
          assert.ok(relay);
          this.relays.push(relay);
          // the main thread: to every other worker
          this.w[1 - index].followPeer(structuredClone(relay));
        },
      });
      return r;
    });
  }

  /** One 10 ms step: each worker ticks and sends one packet of each of its flows; queues delivered. */
  step(flows: number[][], newFlows: number[] = []): void {
    for (let k = 0; k < 2; k++) {
      const r = this.w[k];
      r.tick(this.t);
      for (const f of flows[k]) {
        const p = packet(f);
        p.flowIsNew = newFlows.includes(f);
        assert.ok(r.redirect(p, f));
      }
    }
    for (let k = 0; k < 2; k++) {
      const replies: Uint8Array[] = [];
      for (const peer of this.w[k].peers) {
        const q = peer.queue;
        for (let i = 0; i < q.count; i++) {
          const d = q.buf.slice(q.offs[i], q.offs[i] + q.lens[i]);
          if (isProbe(d)) {
            this.probes[k][peer.index]++;
            if (this.alive[peer.index]) replies.push(probeReply(d)!);
          } else this.data[k][peer.index]++;
        }
        q.clear();
      }
      for (const d of replies) assert.equal(this.w[k].handleReturned(d, 0, d.length), 'probe');
    }
    this.t += 10;
  }

  run(ms: number, flows: number[][], newFlows: number[] = []): void {
    const end = this.t + ms;
    this.step(flows, newFlows);
    while (this.t < end) this.step(flows);
  }
}

describe('redirection on several workers', () => {
  it('probeOwner is the reference flow hash of (localAddress, innerAddress); -1 when the peer is not probed', () => {
    assert.equal(probeOwner('10.128.255.254', '10.128.255.1', 2), 1);
    assert.equal(probeOwner('10.128.255.254', '10.128.255.2', 2), 0);
    for (const n of [1, 2, 3, 4, 7]) {
      for (const inner of ['10.200.0.1', '10.200.0.2', '172.16.9.77']) {
        assert.equal(probeOwner('10.200.0.254', inner, n), flowWorkerOfIpv4(parseIPv4('10.200.0.254'), parseIPv4(inner), n));
        // the answer (addresses swapped) hashes the same: it reaches the prober
        assert.equal(probeOwner(inner, '10.200.0.254', n), probeOwner('10.200.0.254', inner, n));
      }
    }
    assert.equal(probeOwner(undefined, '10.200.0.1', 2), -1);
    assert.equal(probeOwner('10.200.0.254', undefined, 2), -1);
  });

  it('each peer is probed by its owner worker only; the status says which', () => {
    const b = new TwoWorkers();
    b.run(2000, [[0], [1]]);
    // primary: worker 1, standby: worker 0 (500 ms interval: 4-5 probes in 2 s)
    assert.equal(b.probes[0][0], 0);
    assert.equal(b.probes[1][1], 0);
    assert.ok(b.probes[1][0] >= 4 && b.probes[0][1] >= 4, JSON.stringify(b.probes));
    const s0 = b.w[0].status();
    assert.deepEqual(s0.peers.map((p) => p.prober), [1, 0]);
    assert.deepEqual(s0.peers.map((p) => p.state), ['init', 'up'], 'worker 0 probes the standby (up), follows the primary (init until relayed)');
    assert.ok(b.relays.every((r) => r.healthy && r.mac !== null), 'no health change relayed (the learned MACs only)');
    assert.equal(b.w[0].active(), 0);
    assert.equal(b.w[1].active(), 0);
  });

  it('the prober relays failover and failback: both workers switch and re-pin their own flows', () => {
    const b = new TwoWorkers();
    b.run(1000, [[0], [1]]);
    assert.deepEqual(b.data, [[100, 0], [100, 0]]);
    b.alive[0] = false;
    const downAt = b.t;
    let switched = -1;
    while (b.t < downAt + 3000) {
      b.step([[0], [1]]);
      if (switched < 0 && b.w[0].active() === 1 && b.w[1].active() === 1) switched = b.t;
    }
    assert.ok(switched > 0, 'both workers moved to the standby');
    assert.ok(switched - downAt <= 1510, `switch ${switched - downAt} ms after the failure (≤ 1.5 s + a step)`);
    // worker 0 never probes the primary: it switched on the relay from worker 1
    assert.equal(b.probes[0][0], 0);
    const down = b.relays.find((r) => r.peer === 0 && !r.healthy);
    assert.ok(down, 'the primary going down was relayed');
    assert.equal(down.key, peerKey(b.w[0].cfg, b.w[0].cfg.primary));
    for (const k of [0, 1]) {
      const st = b.w[k].status();
      assert.equal(st.active, 'standby');
      assert.equal(st.peers[0].healthy, false);
      assert.equal(st.peers[0].state, 'down');
      assert.equal(st.peers[1].repinned, 1, `worker ${k}: its flow moved to the standby once`);
      assert.equal(st.peers[1].switches, 1);
    }
    // failback (default new-flows): the primary answers again; after 3 answered probes both workers
    // send new flows to it, existing flows stay on the standby
    b.alive[0] = true;
    b.run(2500, [[0], [1]]);
    assert.equal(b.w[0].active(), 0);
    assert.equal(b.w[1].active(), 0);
    assert.ok(b.relays.some((r) => r.peer === 0 && r.healthy), 'the recovery was relayed');
    const before = b.data.map((d) => [...d]);
    b.run(100, [[0, 2], [1, 3]], [2, 3]);
    for (const k of [0, 1]) {
      assert.equal(b.data[k][0] - before[k][0], 10, `worker ${k}: the new flow goes to the primary`);
      assert.equal(b.data[k][1] - before[k][1], 10, `worker ${k}: the old flow stays on the standby`);
      assert.equal(b.w[k].status().peers[0].state, 'up');
    }
  });

  it('all-flows failback moves both workers\' flows back', () => {
    const b = new TwoWorkers({ failback: 'all-flows' });
    b.run(500, [[0], [1]]);
    b.alive[0] = false;
    b.run(2500, [[0], [1]]);
    b.alive[0] = true;
    b.run(2500, [[0], [1]]);
    const before = b.data.map((d) => [...d]);
    b.run(100, [[0], [1]]);
    for (const k of [0, 1]) {
      assert.equal(b.data[k][0] - before[k][0], 10);
      assert.equal(b.data[k][1] - before[k][1], 0);
      assert.equal(b.w[k].status().peers[0].repinned, 1);
    }
  });

  it('a peer MAC learned by the prober is relayed; a relay for another config is ignored', () => {
    const b = new TwoWorkers();
    b.run(600, [[], []]);
    // worker 1 learned the primary's MAC from its probe answers, worker 0 the standby's: each followed the other
    const mac = Array.from(PEER_MAC, (x) => x.toString(16).padStart(2, '0')).join(':');
    for (const k of [0, 1]) assert.deepEqual(b.w[k].status().peers.map((p) => p.innerMac), [mac, mac]);
    assert.equal(b.relays.length, 2, 'one relay per learned MAC');
    const stale = { ...b.w[1].peerRelay(0)!, key: 'another config', healthy: false, state: 'down' as const };
    assert.equal(b.w[0].followPeer(stale), false);
    assert.equal(b.w[0].status().peers[0].healthy, true);
    assert.equal(b.w[0].followPeer({ ...stale, peer: 5 }), false);
  });

  it('with one worker nothing changes: both peers probed here, no prober field', () => {
    const r = new Redirector(parseRedirectionConfig(CFG), { flowCapacity: 8, now: () => 0, probeId: 7 });
    r.tick(0);
    assert.equal(r.peers[0].queue.count, 1);
    assert.equal(r.peers[1].queue.count, 1);
    assert.equal(r.status().peers[0].prober, undefined);
  });

  it('mergeRedirection: counters summed, health from each peer\'s prober, active from the merged health', () => {
    const b = new TwoWorkers();
    b.run(500, [[0], [1, 2]]);
    b.alive[1] = false; // the standby (worker 0 probes it) dies: no switch, the primary is fine
    b.run(2000, [[0], [1, 2]]);
    const parts = b.w.map((r) => r.status());
    const m = mergeRedirection(parts)!;
    assert.equal(m.active, 'primary');
    assert.equal(m.peers[0].packets, parts[0].peers[0].packets + parts[1].peers[0].packets);
    assert.equal(m.peers[0].packets, 250 * 3);
    assert.equal(m.peers[0].probesSent, parts[1].peers[0].probesSent, 'the primary\'s probes: worker 1\'s');
    assert.equal(m.peers[1].probesSent, parts[0].peers[1].probesSent, 'the standby\'s probes: worker 0\'s');
    assert.equal(m.peers[1].state, 'down');
    assert.equal(m.peers[1].healthy, false);
    assert.ok(m.peers[1].probesLost >= 3);
    assert.equal(m.peers[0].state, 'up');
    assert.equal(mergeRedirection([null, null]), null);
  });

  it('the return port group of two tunnel protocols takes the combined steering program', () => {
    // a primary and a standby of two protocols share the return port: one 'vxlan+geneve' program
    const mixed = parseRedirectionConfig({ ...CFG, standby: { ...CFG.standby, protocol: 'geneve' } });
    assert.equal(returnSteerKind(mixed), 'vxlan+geneve');
    assert.equal(returnSteerKind(parseRedirectionConfig(CFG)), 'vxlan');
    const genevePrimary = parseRedirectionConfig({ ...CFG, primary: { ...CFG.primary, protocol: 'geneve' } });
    assert.equal(returnSteerKind(genevePrimary), 'vxlan+geneve', 'a GENEVE primary with a VXLAN standby');
    const { standby: _s, ...alone } = CFG;
    assert.equal(returnSteerKind(parseRedirectionConfig({ ...alone, primary: { ...CFG.primary, protocol: 'geneve' } })), 'geneve', 'no standby');
  });
});
