// PostgreSQL sink against a real PostgreSQL 15 (initdb + pg_ctl in a temp dir): the records of a replay
// land once each in their type's table (count, content, order), a retried batch is dropped by the
// primary key, writes reject while the server is down, and a 30 s outage mid-replay loses nothing.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { createPostgresSink } from '../../../src/export/sinks/postgres.js';
import { SINK_RECORD_TYPES } from '../../../src/export/sinks/sink.js';
import type { SinkRecord } from '../../../src/export/sinks/sink.js';
import { Batcher } from '../../../src/export/batcher/batcher.js';
import { hasTool, needTool } from '../../_support/tools.js';
import { postgresServer, sleep } from './_support/servers.js';
import { batches, replayRecords, text } from './_support/replay-records.js';
import { assertDelivered, OUTAGE_MS } from './_support/collectors.js';
import type { Received } from './_support/collectors.js';

type Pg = Awaited<ReturnType<typeof postgresServer>>;

async function withServer(t: TestContext): Promise<Pg | null> {
  if (!needTool(t, 'runuser')) return null;
  if (!hasTool('/usr/lib/postgresql/15/bin/initdb')) {
    if (process.env.CI) throw new Error('PostgreSQL 15 is not installed, but CI must run this test');
    t.skip('PostgreSQL 15 (/usr/lib/postgresql/15/bin) is not installed (CI installs it)');
    return null;
  }
  if (process.getuid?.() !== 0) {
    t.skip('needs root to run PostgreSQL as the postgres user');
    return null;
  }
  const s = await postgresServer();
  t.after(() => s.dispose());
  return s;
}

/** Rows of every table in seq order; a body equal (as JSON) to the sent one is reported as sent. */
async function tableContents(cs: string, sent: readonly SinkRecord[]): Promise<Received[]> {
  const byId = new Map(sent.map((r) => [r.id, text(r.body)]));
  const c = new pg.Client({ connectionString: cs });
  await c.connect();
  const out: Received[] = [];
  try {
    for (const type of SINK_RECORD_TYPES) {
      const res = await c.query<{ id: string; doc: unknown }>(`SELECT id, doc FROM fleetgate.fg_${type} ORDER BY seq`);
      for (const row of res.rows) {
        const s = byId.get(row.id);
        const same = s !== undefined && isDeepStrictEqual(JSON.parse(s), row.doc);
        out.push({ dest: type, id: row.id, body: same ? s : JSON.stringify(row.doc) });
      }
    }
  } finally {
    await c.end();
  }
  return out;
}

test('postgres sink: options are validated with clear errors', () => {
  assert.throws(() => createPostgresSink({ connectionString: 'mysql://x' }), /sinks\.postgres\.connectionString: must start with postgres/);
  assert.throws(() => createPostgresSink({ connectionString: 'postgres://x', schema: 'Bad-Name' }), /sinks\.postgres\.schema/);
  assert.throws(() => createPostgresSink({}), /sinks\.postgres\.connectionString: must be a non-empty string/);
  assert.equal(createPostgresSink({ connectionString: 'postgres://x/db' }).name, 'postgres');
});

test('postgres sink: a replay\'s records land once each in their tables (count, content, order)', async (t) => {
  const server = await withServer(t);
  if (!server) return;
  const records = await replayRecords(t);
  if (!records) return;
  const sink = createPostgresSink({ connectionString: server.connectionString });
  await sink.open();
  await sink.open(); // idempotent
  const t0 = performance.now();
  for (const b of batches(records, 200)) await sink.write(b);
  const ms = performance.now() - t0;
  await sink.write(records.slice(0, 200)); // a retried batch: dropped by ON CONFLICT
  await sink.close();
  // A second open re-runs no migration and keeps the rows.
  const again = createPostgresSink({ connectionString: server.connectionString });
  await again.open();
  await again.close();
  const got = await tableContents(server.connectionString, records);
  assert.equal(got.length, records.length);
  assertDelivered(records, got, (r) => r.type);
  t.diagnostic(`${records.length} records committed in ${ms.toFixed(0)} ms (batches of 200)`);
});

test(`postgres sink + batcher: server stopped ${OUTAGE_MS / 1000} s mid-replay, every record lands in order`, { timeout: OUTAGE_MS + 120_000 }, async (t) => {
  const server = await withServer(t);
  if (!server) return;
  const records = await replayRecords(t);
  if (!records) return;
  const sink = createPostgresSink({ connectionString: server.connectionString });
  await sink.open();
  // write() itself rejects while the server is down.
  await server.stop();
  await assert.rejects(sink.write(records.slice(0, 1)), /postgres sink/);
  await server.start();
  const batcher = new Batcher(sink, { batchSize: 50, retryBaseMs: 100, retryMaxMs: 1000, onDrop: () => {} });
  await batcher.open();
  t.after(() => batcher.close());
  const half = records.length >> 1;
  for (let i = 0; i < half; i++) batcher.push(records[i]);
  await sleep(20);
  await server.stop();
  for (let i = half; i < records.length; i++) batcher.push(records[i]);
  await sleep(OUTAGE_MS);
  const up = performance.now();
  await server.start();
  assert.ok(await batcher.drain(60_000), 'batcher did not drain after PostgreSQL came back');
  const recovered = performance.now() - up;
  const got = await tableContents(server.connectionString, records);
  assert.equal(got.length, records.length, 'each record exactly once (primary key)');
  assertDelivered(records, got, (r) => r.type);
  assert.equal(batcher.counters.dropped, 0);
  t.diagnostic(`${records.length} records, ${batcher.counters.retried} failed writes retried, drained ${recovered.toFixed(0)} ms after restart`);
});
