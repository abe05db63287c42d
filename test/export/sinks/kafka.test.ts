// Kafka sink with the real kafkajs client against a local TCP stand-in that speaks the broker side of
// ApiVersions v2 / Metadata v6 / Produce v7 (Kafka cannot run on this machine): records arrive with their
// key (= record id), headers, content and order; write rejects on a broker error code or a broker that
// is down, and succeeds once the broker is back (the batcher retries).
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaSink } from '../../../src/export/sinks/kafka.js';
import type { Sink, SinkRecord } from '../../../src/export/sinks/sink.js';
import { Batcher } from '../../../src/export/batcher/index.js';
import { outputProblems } from '../../../src/control/config/output-checks.js';
import { KafkaStandIn } from './_support/kafka-stand-in.js';
import { batches, replayRecords } from './_support/replay-records.js';
import { assertDelivered, waitUntil } from './_support/collectors.js';

const enc = new TextEncoder();
const rec = (i: number, type: SinkRecord['type'] = 'anomaly'): SinkRecord => ({ id: `r${i}`, type, body: enc.encode(`{"n":${i}}`) });

async function standIn(t: TestContext): Promise<KafkaStandIn> {
  const k = await KafkaStandIn.start();
  t.after(() => k.stop());
  return k;
}

async function opened(t: TestContext, opts: Record<string, unknown>): Promise<Sink> {
  const sink = createKafkaSink(opts);
  await sink.open();
  t.after(() => sink.close());
  return sink;
}

test('kafka sink: options are validated with clear errors', () => {
  assert.throws(() => createKafkaSink({ brokers: [], topic: 'a' }), /sinks\.kafka\.brokers: must be a non-empty/);
  assert.throws(() => createKafkaSink({ brokers: 'kafka:x', topic: 'a' }), /sinks\.kafka\.brokers: 'kafka:x' is not host:port/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'fleet/{type}' }), /sinks\.kafka\.topic: gives an invalid name/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'fg.{device}' }), /sinks\.kafka\.topic: unknown placeholder \{device\}/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'a', acks: 0 }), /sinks\.kafka\.acks: must be -1/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'a', compression: 'snappy' }), /sinks\.kafka\.compression/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'a', sasl: { mechanism: 'md5' } }), /sinks\.kafka\.sasl\.mechanism/);
  assert.throws(() => createKafkaSink({ brokers: 'k:9092', topic: 'a', partitions: 3 }), /sinks\.kafka\.partitions: unknown option/);
  const ok = createKafkaSink({ brokers: ['k1:9092', 'k2:9092'], topic: 'fg.{gatewayId}.{type}', ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
  assert.equal(ok.name, 'kafka');
});

test('kafka sink: a replay\'s records arrive with key = id, headers, content, topic and order (acks -1)', async (t) => {
  const k = await standIn(t);
  const records = await replayRecords(t);
  if (!records) return;
  const sink = await opened(t, { brokers: k.brokers, topic: 'fleetgate.{gatewayId}.{type}', gatewayId: 'gw-1' });
  const t0 = performance.now();
  for (const b of batches(records, 500)) await sink.write(b);
  const ms = performance.now() - t0;
  await sink.close();
  assert.deepEqual(k.problems, []);
  assert.equal(k.messages.length, records.length);
  assertDelivered(
    records,
    k.messages.map((m) => ({ dest: m.topic, id: m.key ?? '', body: m.value?.toString() ?? '' })),
    (r) => `fleetgate.gw-1.${r.type}`,
  );
  const types = new Map(records.map((r) => [r.id, r.type]));
  for (const m of k.messages) assert.deepEqual(m.headers, { 'fg-type': types.get(m.key ?? ''), 'fg-gateway': 'gw-1' });
  assert.ok(k.produces.every((p) => p.acks === -1), 'every produce asks acks=-1');
  // kafkajs negotiated the versions a Kafka 3.x broker gets.
  assert.deepEqual([...new Set(k.requests.map((r) => `${r.apiKey}v${r.version}`))].sort(), ['0v7', '18v2', '3v6']);
  assert.ok(k.requests.every((r) => r.clientId === 'fleetgate-gw-1'));
  t.diagnostic(`${records.length} records acknowledged by the stand-in in ${ms.toFixed(0)} ms (${Math.round(records.length / (ms / 1000))} records/s)`);
});

test('kafka sink: gzip compression and acks 1 reach the wire', async (t) => {
  const k = await standIn(t);
  const sink = await opened(t, { brokers: k.brokers, topic: 'fg.{type}', acks: 1, compression: 'gzip' });
  await sink.write([rec(1, 'alert'), rec(2, 'anomaly'), rec(3, 'alert')]);
  assert.deepEqual(k.problems, []);
  assert.deepEqual(k.produces.map((p) => p.acks), [1]);
  assert.ok(k.produces[0].compression.length > 0 && k.produces[0].compression.every((c) => c === 'gzip'));
  assert.deepEqual(
    k.messages.map((m) => `${m.topic} ${m.key} ${m.value?.toString()}`),
    ['fg.alert r1 {"n":1}', 'fg.alert r3 {"n":3}', 'fg.anomaly r2 {"n":2}'],
  );
});

test('kafka sink: write rejects on a broker error code, and succeeds once the broker accepts again', async (t) => {
  const k = await standIn(t);
  const sink = await opened(t, { brokers: k.brokers, topic: 'fg.{type}', ackTimeoutMs: 3000 });
  await sink.write([rec(1)]);
  k.produceError = 10; // MESSAGE_TOO_LARGE: not retriable
  await assert.rejects(sink.write([rec(2)]), /kafka sink: batch not acknowledged/);
  k.produceError = 6; // NOT_LEADER_OR_FOLLOWER: kafkajs retries twice, then gives up
  await assert.rejects(sink.write([rec(2)]), /kafka sink: batch not acknowledged/);
  k.produceError = 0;
  await sink.write([rec(2)]);
  assert.deepEqual(k.messages.map((m) => m.key), ['r1', 'r2']);
  assert.deepEqual(k.problems, []);
});

test('kafka sink: write rejects while the broker is down; through a Batcher nothing is lost', async (t) => {
  const k = await standIn(t);
  const sink = createKafkaSink({ brokers: k.brokers, topic: 'fg.{type}', ackTimeoutMs: 2000 });
  const batcher = new Batcher(sink, { batchSize: 10, retryBaseMs: 50, retryMaxMs: 300 });
  await batcher.open();
  t.after(() => batcher.close(1000));
  for (let i = 0; i < 20; i++) batcher.push(rec(i));
  assert.ok(await waitUntil(() => batcher.counters.sent === 20, 10_000), 'first 20 sent');
  await k.stop();
  await assert.rejects(sink.write([rec(999)]), /kafka sink/);
  for (let i = 20; i < 60; i++) batcher.push(rec(i));
  assert.ok(await waitUntil(() => batcher.counters.retried > 0, 10_000), 'the batcher saw failed writes');
  await k.listen();
  const t0 = performance.now();
  assert.ok(await waitUntil(() => batcher.counters.sent === 60, 20_000), `all sent after restart (sent ${batcher.counters.sent})`);
  const ms = performance.now() - t0;
  const keys = k.messages.map((m) => m.key).filter((x) => x !== 'r999');
  assert.deepEqual([...new Set(keys)], Array.from({ length: 60 }, (_, i) => `r${i}`));
  assert.deepEqual(k.problems, []);
  t.diagnostic(`40 queued records delivered ${ms.toFixed(0)} ms after the broker came back`);
});

test('kafka sink: a config output of kind kafka is checked, with errors at its path', () => {
  const ok = outputProblems({ sinks: [{ name: 'k', kind: 'kafka', brokers: ['k1:9092'], topic: 'fg.{type}', acks: -1, compression: 'gzip' }] });
  assert.deepEqual(ok, []);
  const bad = outputProblems({ sinks: [{ name: 'k', kind: 'kafka', brokers: ['k1:9092'], topic: 'fg.{type}', acks: 0 }] });
  assert.deepEqual(bad.map((p) => [p.segs.join('.'), p.problem]), [['gateway.outputs.sinks.0.acks', 'must be -1 (all replicas) or 1 (leader); 0 has no acknowledgement']]);
});
