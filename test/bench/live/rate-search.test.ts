// The rate search on a simulated relay: it brackets the relay's capacity within a few steps and never
// reports a failing step.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { searchRate, type TrialResult } from '../../../bench/live/rate-search.js';

/** A relay that carries up to `capacity` datagrams/s losslessly, behind a sender that reaches `senderMax`. */
function relay(capacity: number, senderMax: number): (rate: number) => Promise<TrialResult> {
  return async (rate) => {
    const offered = rate === 0 ? senderMax : Math.min(rate, senderMax);
    const delivered = Math.min(offered, capacity);
    const sent = Math.round(offered * 1.5);
    const received = Math.round(delivered * 1.5);
    return { requested: rate, offered, sent, received, lossPct: (100 * (sent - received)) / sent, delivered };
  };
}

describe('searchRate', () => {
  it('finds a passing rate within a few percent under the capacity', async () => {
    const r = await searchRate(relay(300_000, 1_000_000), { maxSteps: 6 });
    assert.equal(r.senderBound, false);
    assert.ok(r.best, 'a step passed');
    assert.ok(r.best.lossPct < 0.1);
    assert.ok(r.best.offered <= 300_000 && r.best.offered >= 0.9 * 300_000, `best ${r.best.offered}`);
    assert.ok(r.steps.length <= 7, 'probe + at most maxSteps');
    assert.equal(r.steps[0].requested, 0, 'the first step is the flat-out probe');
  });

  it('reports a relay that keeps up with the sender as sender-bound', async () => {
    const r = await searchRate(relay(2_000_000, 800_000));
    assert.equal(r.senderBound, true);
    assert.equal(r.best?.offered, 800_000);
    assert.equal(r.steps.length, 1);
  });

  it('stops when the time budget is spent', async () => {
    let calls = 0;
    const r = await searchRate(relay(100_000, 1_000_000), { hasTime: () => ++calls <= 2 });
    assert.equal(r.steps.length, 3, 'probe + two steps');
  });

  it('lowers the rate until one passes when the probe overestimates the capacity', async () => {
    // delivers 200k under overload but loses packets above 100k when paced (e.g. bursts overflow a buffer)
    const flaky = async (rate: number): Promise<TrialResult> => {
      const offered = rate === 0 ? 1_000_000 : rate;
      const received = rate === 0 ? 200_000 : offered <= 100_000 ? offered : offered * 0.9;
      return { requested: rate, offered, sent: offered, received, lossPct: (100 * (offered - received)) / offered, delivered: rate === 0 ? 200_000 : received };
    };
    const r = await searchRate(flaky, { maxSteps: 6 });
    assert.ok(r.best, 'a step passed');
    assert.ok(r.best.offered <= 100_000, `best ${r.best.offered}`);
    for (const s of r.steps) if (s === r.best) assert.ok(s.lossPct < 0.1);
  });
});
