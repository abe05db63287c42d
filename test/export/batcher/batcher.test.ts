import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batcher } from '../../../src/export/batcher/index.js';
import { backoffDelayMs } from '../../../src/export/batcher/backoff.js';
import { FakeSink, rec } from './fake-sink.js';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'fg-batcher-'));
}

test('delivers everything in order, in batches', async () => {
  const sink = new FakeSink();
  const b = new Batcher(sink, { batchSize: 100 });
  await b.open();
  for (let i = 0; i < 1000; i++) b.push(rec(i));
  assert.equal(await b.drain(5000), true);
  assert.deepEqual(sink.received.map((r) => r.id), Array.from({ length: 1000 }, (_, i) => `r${i}`));
  assert.ok(sink.writes >= 10 && sink.writes <= 20, `writes ${sink.writes}`);
  assert.deepEqual(b.counters, { queued: 1000, sent: 1000, retried: 0, spooled: 0, dropped: 0 });
  await b.close();
});

test('a down destination: retries with backoff, spools past memory, keeps order once it is back', async () => {
  const dir = tmp();
  try {
    const sink = new FakeSink();
    sink.down = true;
    const b = new Batcher(sink, { batchSize: 50, maxMemoryBytes: 2000, spoolDir: dir, retryBaseMs: 5, retryMaxMs: 20 });
    await b.open();
    for (let i = 0; i < 500; i++) b.push(rec(i));
    await new Promise((r) => setTimeout(r, 80));
    assert.ok(b.counters.retried >= 2, `retried ${b.counters.retried}`);
    assert.ok(b.counters.spooled > 400, `spooled ${b.counters.spooled}`);
    assert.equal(sink.received.length, 0);
    sink.down = false;
    assert.equal(await b.drain(5000), true);
    assert.deepEqual(sink.received.map((r) => r.id), Array.from({ length: 500 }, (_, i) => `r${i}`));
    assert.equal(b.counters.sent, 500);
    assert.equal(b.counters.dropped, 0);
    await b.close();
    // drained spool gives the disk back
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.spool')).map(() => 1).length <= 1, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('spooled records survive a restart and are sent first, with their ids', async () => {
  const dir = tmp();
  try {
    const down = new FakeSink();
    down.down = true;
    const b1 = new Batcher(down, { spoolDir: dir, durable: true, retryBaseMs: 1000 });
    await b1.open();
    for (let i = 0; i < 300; i++) b1.push(rec(i));
    await b1.close(50);
    assert.equal(b1.counters.spooled, 300);

    const up = new FakeSink();
    const b2 = new Batcher(up, { spoolDir: dir, durable: true });
    await b2.open();
    assert.equal(b2.spoolPending, 300);
    b2.push(rec(300));
    assert.equal(await b2.drain(5000), true);
    assert.deepEqual(up.received.map((r) => r.id), Array.from({ length: 301 }, (_, i) => `r${i}`));
    assert.equal(up.received[7].type, 'flow');
    assert.equal(Buffer.from(up.received[7].body).toString(), '{"i":7}');
    await b2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the spool limit drops records, counts them and says so', async () => {
  const dir = tmp();
  try {
    const sink = new FakeSink();
    sink.down = true;
    const said: string[] = [];
    const b = new Batcher(sink, { spoolDir: dir, durable: true, spoolLimitBytes: 1000, retryBaseMs: 1000, onDrop: (n, d, why) => said.push(`${n} ${d} ${why}`) });
    await b.open();
    for (let i = 0; i < 100; i++) b.push(rec(i));
    assert.ok(b.counters.dropped > 30, `dropped ${b.counters.dropped}`);
    assert.equal(b.counters.spooled + b.counters.dropped, 100);
    assert.match(said[0], /^fake 1 spool limit of 1000 bytes reached$/);
    await b.close(10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn last record (crash mid-write) is cut on open', async () => {
  const dir = tmp();
  try {
    const sink = new FakeSink();
    sink.down = true;
    const b1 = new Batcher(sink, { spoolDir: dir, durable: true, retryBaseMs: 1000 });
    await b1.open();
    for (let i = 0; i < 10; i++) b1.push(rec(i));
    await b1.close(10);
    const { appendFileSync } = await import('node:fs');
    const seg = readdirSync(dir).find((f) => f.endsWith('.spool'))!;
    appendFileSync(join(dir, seg), Buffer.from([0, 0, 0, 50, 2, 0]));
    const up = new FakeSink();
    const b2 = new Batcher(up, { spoolDir: dir });
    await b2.open();
    assert.equal(b2.spoolPending, 10);
    assert.equal(await b2.drain(2000), true);
    assert.equal(up.received.length, 10);
    b2.push(rec(10));
    assert.equal(await b2.drain(2000), true);
    assert.equal(up.received.at(-1)!.id, 'r10');
    await b2.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('backoff grows, is capped and jittered', () => {
  const o = { baseMs: 100, maxMs: 1000 };
  assert.equal(backoffDelayMs(0, o, () => 1), 100);
  assert.equal(backoffDelayMs(0, o, () => 0), 50);
  assert.equal(backoffDelayMs(3, o, () => 1), 800);
  assert.equal(backoffDelayMs(20, o, () => 1), 1000);
});

test('a destination that cannot be opened at start is retried like a failed write', async () => {
  const sink = new FakeSink();
  let opens = 0;
  sink.open = async () => {
    if (++opens < 3) throw new Error('connection refused');
  };
  const b = new Batcher(sink, { retryBaseMs: 5, retryMaxMs: 10 });
  await b.open();
  b.push(rec(1));
  assert.equal(await b.drain(2000), true);
  assert.equal(opens, 3);
  assert.equal(b.counters.retried, 1);
  assert.deepEqual(sink.received.map((r) => r.id), ['r1']);
  await b.close();
});

test('a slow destination: memory overflows to the spool and order still holds', async () => {
  const dir = tmp();
  try {
    const sink = new FakeSink();
    sink.delayMs = 5;
    const b = new Batcher(sink, { batchSize: 20, maxMemoryBytes: 1500, spoolDir: dir });
    await b.open();
    for (let i = 0; i < 400; i++) {
      b.push(rec(i));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 3));
    }
    assert.equal(await b.drain(10_000), true);
    assert.ok(b.counters.spooled > 0, 'some records went through the spool');
    assert.deepEqual(sink.received.map((r) => r.id), Array.from({ length: 400 }, (_, i) => `r${i}`));
    assert.equal(b.counters.sent, 400);
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without a spool, a producer that waits for room() loses nothing, even while the destination is down', async () => {
  const sink = new FakeSink();
  sink.down = true;
  const b = new Batcher(sink, { batchSize: 20, maxMemoryBytes: 4000, retryBaseMs: 5, retryMaxMs: 20 });
  await b.open();
  setTimeout(() => (sink.down = false), 100);
  let paused = 0;
  for (let i = 0; i < 2000; i++) {
    if (b.wantsPause) {
      paused++;
      await b.room();
    }
    b.push(rec(i));
  }
  assert.equal(await b.drain(5000), true);
  assert.ok(paused > 0, 'the producer was asked to wait');
  assert.equal(b.counters.dropped, 0);
  assert.deepEqual(sink.received.map((r) => r.id), Array.from({ length: 2000 }, (_, i) => `r${i}`));
  await b.close();
});

test('a producer that does not wait: past the memory bound records are dropped and counted', async () => {
  const sink = new FakeSink();
  sink.down = true;
  const dropped: number[] = [];
  const b = new Batcher(sink, { maxMemoryBytes: 2000, retryBaseMs: 5, onDrop: (_s, n) => dropped.push(n) });
  await b.open();
  for (let i = 0; i < 500; i++) b.push(rec(i));
  assert.ok(b.counters.dropped > 0);
  assert.equal(b.counters.dropped + b.memoryPending, 500);
  assert.equal(dropped.length, 1, 'one loud line, not one per record');
  await b.close(10);
});
