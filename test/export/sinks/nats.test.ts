// NATS JetStream sink against a real nats-server -js: the records of a replay are stored exactly once
// (count, content, subject, order), a retried batch is dropped by Nats-Msg-Id, and writes reject while
// the server is down and succeed after it restarts.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'nats';
import type { NatsConnection } from 'nats';
import { createNatsSink } from '../../../src/export/sinks/nats.js';
import type { SinkRecord } from '../../../src/export/sinks/sink.js';
import { needTool } from '../../_support/tools.js';
import { natsServer, sleep } from './_support/servers.js';
import type { TestServer } from './_support/servers.js';
import { batches, replayRecords } from './_support/replay-records.js';
import { assertDelivered } from './_support/collectors.js';
import type { Received } from './_support/collectors.js';

async function withServer(t: TestContext): Promise<TestServer | null> {
  if (!needTool(t, 'nats-server')) return null;
  const s = await natsServer();
  t.after(() => s.dispose());
  return s;
}

/** Every message of the stream, in stream order. */
async function streamContents(nc: NatsConnection, stream: string): Promise<Received[]> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  const out: Received[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    out.push({ dest: m.subject, id: m.header.get('Nats-Msg-Id'), body: new TextDecoder().decode(m.data) });
  }
  return out;
}

test('nats sink: options are validated with clear errors', () => {
  assert.throws(() => createNatsSink({ servers: [], stream: 'S', subject: 'a' }), /sinks\.nats\.servers: must be a non-empty/);
  assert.throws(() => createNatsSink({ servers: 'nats://x', stream: 'a.b', subject: 'a' }), /sinks\.nats\.stream: may only use/);
  assert.throws(() => createNatsSink({ servers: 'nats://x', stream: 'S', subject: 'a.>' }), /sinks\.nats\.subject: gives an invalid name/);
  assert.throws(() => createNatsSink({ servers: 'nats://x', stream: 'S' }), /sinks\.nats\.subject: must be a non-empty string/);
  assert.equal(createNatsSink({ servers: 'nats://x', stream: 'S', subject: 'fg.{type}' }).name, 'nats');
});

test('nats sink: a replay\'s records are stored once each in the stream (count, content, subject, order)', async (t) => {
  const server = await withServer(t);
  if (!server) return;
  const records = await replayRecords(t);
  if (!records) return;
  const url = `nats://127.0.0.1:${server.port}`;
  const sink = createNatsSink({ servers: url, stream: 'FLEETGATE', subject: 'fleetgate.{gatewayId}.{type}', gatewayId: 'gw-1' });
  await sink.open();
  t.after(() => sink.close());
  const t0 = performance.now();
  for (const b of batches(records, 100)) await sink.write(b);
  const ms = performance.now() - t0;
  // A retried batch (same ids) is dropped by the stream's duplicate window.
  await sink.write(records.slice(0, 100));
  const nc = await connect({ servers: url });
  const got = await streamContents(nc, 'FLEETGATE');
  await nc.close();
  await sink.close();
  assert.equal(got.length, records.length, 'stream holds each record exactly once');
  assertDelivered(records, got, (r: SinkRecord) => `fleetgate.gw-1.${r.type}`);
  t.diagnostic(`${records.length} records acknowledged by JetStream in ${ms.toFixed(0)} ms`);
});

test('nats sink: write rejects while nats-server is down and succeeds after it restarts', async (t) => {
  const server = await withServer(t);
  if (!server) return;
  const enc = new TextEncoder();
  const rec = (i: number): SinkRecord => ({ id: `r${i}`, type: 'anomaly', body: enc.encode(`{"n":${i}}`) });
  const url = `nats://127.0.0.1:${server.port}`;
  const sink = createNatsSink({ servers: url, stream: 'FG', subject: 'fg.{type}', ackTimeoutMs: 1500 });
  await sink.open();
  t.after(() => sink.close());
  await sink.write([rec(1)]);
  await server.stop();
  await assert.rejects(sink.write([rec(2)]), /nats sink|timeout|TIMEOUT|disconnect|503/i);
  await server.start();
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = await sink.write([rec(2)]).then(() => true, () => false);
    if (!ok) await sleep(200);
  }
  assert.ok(ok, 'write never succeeded after nats-server restarted');
  const nc = await connect({ servers: url });
  const got = await streamContents(nc, 'FG');
  await nc.close();
  await sink.close();
  assert.deepEqual(new Set(got.map((g) => g.id)), new Set(['r1', 'r2']));
});
