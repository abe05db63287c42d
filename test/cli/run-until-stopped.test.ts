// The gateway's run loop: reloads run one after the other, a reload that throws is reported and does
// not stop the later ones (nor end the process through an unhandled rejection), and the loop returns
// why it stopped once the reloads are done.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StopSignal, runUntilStopped } from '../../src/cli/run-until-stopped.js';

test('a reload that throws is reported; the next reloads still run, in order', async () => {
  const signal = new StopSignal();
  const ran: number[] = [];
  const failures: string[] = [];
  let queue: () => void = () => {};
  let n = 0;
  const done = runUntilStopped(signal, {
    stopAfterMs: 0,
    statusMs: 0,
    status: () => {},
    reload: async () => {
      const k = ++n;
      await new Promise((r) => setTimeout(r, 5));
      ran.push(k);
      if (k === 1) throw new Error('the first reload broke');
    },
    reloadFailed: (e) => failures.push(e instanceof Error ? e.message : String(e)),
    reloadTriggers: (q) => {
      queue = q;
      return () => (queue = () => {});
    },
  });
  queue();
  queue();
  queue();
  await new Promise((r) => setTimeout(r, 60));
  signal.stop('test');
  assert.equal(await done, 'test');
  assert.deepEqual(ran, [1, 2, 3], 'every reload ran, one after the other');
  assert.deepEqual(failures, ['the first reload broke']);
});

test('without reloadFailed, a failed reload prints one line and the loop still ends normally', async () => {
  const signal = new StopSignal();
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    let queue: () => void = () => {};
    const done = runUntilStopped(signal, {
      stopAfterMs: 0,
      statusMs: 0,
      status: () => {},
      reload: () => Promise.reject(new Error('no such file')),
      reloadTriggers: (q) => {
        queue = q;
        return () => {};
      },
    });
    queue();
    await new Promise((r) => setTimeout(r, 20));
    signal.stop('done');
    assert.equal(await done, 'done');
  } finally {
    console.error = orig;
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^fleetgate gateway: reload failed, .*: no such file$/);
});
