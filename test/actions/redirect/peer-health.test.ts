import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PeerHealth } from '../../../src/actions/redirect/peer-health.js';

/** A peer driven in 10 ms steps: it answers each probe after `rtt` ms while `alive(t)` holds. */
class Sim {
  t = 0;
  readonly sent: { seq: number; at: number }[] = [];
  readonly changes: { at: number; healthy: boolean }[] = [];
  readonly h: PeerHealth;
  private pending: { seq: number; at: number }[] = [];

  constructor(
    private readonly alive: (t: number) => boolean,
    intervalMs = 500,
    threshold = 3,
    private readonly rtt = 5,
  ) {
    this.h = new PeerHealth({ intervalMs, threshold }, (seq) => {
      this.sent.push({ seq, at: this.t });
      if (this.alive(this.t)) this.pending.push({ seq, at: this.t + this.rtt });
    }, 0);
  }

  run(untilMs: number): void {
    for (; this.t <= untilMs; this.t += 10) {
      const due = this.pending.filter((r) => r.at <= this.t);
      this.pending = this.pending.filter((r) => r.at > this.t);
      for (const r of due) if (this.h.onReply(r.seq, this.t)) this.changes.push({ at: this.t, healthy: this.h.healthy });
      if (this.h.tick(this.t)) this.changes.push({ at: this.t, healthy: this.h.healthy });
    }
  }
}

test('probes every interval; 500 ms x 3: down within 1.5 s of the failure and of the first lost probe', () => {
  for (const failAt of [1000, 1010, 1250, 1490, 1500]) {
    const s = new Sim((t) => t < failAt);
    s.run(6000);
    assert.deepEqual(s.sent.slice(0, 4).map((x) => x.at), [0, 500, 1000, 1500]);
    assert.equal(s.h.probesSent, 13);
    const down = s.changes[0];
    assert.equal(down.healthy, false, `failAt ${failAt}`);
    const firstLost = s.sent.find((x) => x.at >= failAt)!.at;
    assert.ok(down.at - failAt <= 1500, `failAt ${failAt}: down at ${down.at}`);
    assert.ok(down.at - firstLost <= 1500, `first lost probe ${firstLost}, down at ${down.at}`);
    assert.ok(down.at - failAt >= 1000, `not before two intervals of silence (down at ${down.at})`);
    assert.equal(s.h.state, 'down');
    assert.ok(s.h.misses >= 3);
    assert.equal(s.h.probesLost, s.sent.filter((x) => x.at >= failAt).length - 1, 'all probes after the failure but the last (still outstanding) are lost');
    assert.equal(s.changes.length, 1, 'no flapping');
  }
});

test('down -> up after threshold consecutive answered probes; rtt and lastChange reported', () => {
  const s = new Sim((t) => t < 1000 || t >= 4000, 500, 3, 20);
  s.run(7000);
  assert.equal(s.changes.length, 2);
  const [down, up] = s.changes;
  assert.equal(down.healthy, false);
  assert.equal(up.healthy, true);
  // probes at 4000, 4500, 5000 answered after 20 ms: the third success at 5020
  assert.equal(up.at, 5020);
  const st = s.h.snapshot();
  assert.deepEqual([st.healthy, st.state, st.lastChange, st.rttMs, st.misses], [true, 'up', 5020, 20, 0]);
});

test('a lost probe in between does not take the peer down; it resets the success count while down', () => {
  const s = new Sim((t) => !(t >= 2000 && t < 2400) && !(t >= 4000 && t < 6000) && !(t >= 6900 && t < 7400));
  s.run(9000);
  // one lost probe at 2000: still up. Down during 4000-6000; up needs 3 in a row: 6000, 6500 answered, 7000 lost, then 7500, 8000, 8500
  assert.deepEqual(s.changes.map((c) => c.healthy), [false, true]);
  assert.ok(s.changes[1].at >= 8500 && s.changes[1].at < 8600, `up at ${s.changes[1].at}`);
  assert.ok(s.h.probesLost >= 6);
});

test('start-up: healthy (init) until it answers or stays silent for threshold x interval; unprobed peers are always healthy', () => {
  const dead = new Sim(() => false, 100, 2);
  assert.equal(dead.h.healthy, true);
  assert.equal(dead.h.state, 'init');
  dead.run(1000);
  assert.deepEqual(dead.changes, [{ at: 200, healthy: false }]);
  const alive = new Sim(() => true, 100, 2);
  alive.run(50);
  assert.equal(alive.h.state, 'up');
  assert.equal(alive.changes.length, 0);

  const u = new PeerHealth({ intervalMs: 500, threshold: 3 }, null, 0);
  assert.equal(u.tick(10_000), false);
  assert.deepEqual([u.healthy, u.state, u.nextWakeMs(), u.probesSent], [true, 'unprobed', Infinity, 0]);
});

test('replies: unknown, duplicate and too-late sequence numbers are ignored; nextWakeMs is the next deadline', () => {
  const seqs: number[] = [];
  const h = new PeerHealth({ intervalMs: 500, threshold: 3 }, (s) => seqs.push(s), 0);
  h.tick(0);
  assert.equal(h.nextWakeMs(), 500);
  assert.equal(h.onReply(42, 1), false);
  assert.equal(h.rttMs, -1);
  h.onReply(seqs[0], 3);
  assert.equal(h.rttMs, 3);
  h.onReply(seqs[0], 4);
  assert.equal(h.rttMs, 3, 'duplicate ignored');
  h.tick(500);
  h.tick(1000); // probe 1 counted lost
  assert.equal(h.probesLost, 1);
  h.onReply(seqs[1], 1001);
  assert.equal(h.rttMs, 3, 'a reply to a probe already counted lost is ignored');
  assert.equal(h.nextWakeMs(), 1500);
  // late timers do not cause bursts of probes
  h.tick(5000);
  assert.equal(h.nextWakeMs(), 5500);
  assert.equal(seqs.length, 4);
});
