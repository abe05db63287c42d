// MQTT sink against a real mosquitto: the records of a replay arrive exactly (count, content, topic,
// order), a stopped broker makes write() reject and a restarted one accepts again, and a 30 s broker
// outage in the middle of a batched replay loses nothing.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'mqtt';
import type { MqttClient } from 'mqtt';
import { createMqttSink } from '../../../src/export/sinks/mqtt.js';
import type { SinkRecord } from '../../../src/export/sinks/sink.js';
import { Batcher } from '../../../src/export/batcher/batcher.js';
import { ConfigError } from '../../../src/core/errors.js';
import { needTool } from '../../_support/tools.js';
import { mosquittoServer, sleep } from './_support/servers.js';
import type { TestServer } from './_support/servers.js';
import { batches, replayRecords } from './_support/replay-records.js';
import { assertDelivered, OUTAGE_MS, waitUntil } from './_support/collectors.js';
import type { Received } from './_support/collectors.js';

const topicOf = (r: SinkRecord): string => `fleet/gw-1/${r.type}`;

/** A persistent-session subscriber (survives broker restarts with its queued messages). */
async function subscriber(port: number, clientId: string): Promise<{ client: MqttClient; got: Received[] }> {
  const got: Received[] = [];
  const client = connect(`mqtt://127.0.0.1:${port}`, {
    clientId,
    clean: false,
    protocolVersion: 5,
    properties: { sessionExpiryInterval: 3600 },
    reconnectPeriod: 200,
  });
  // listening before the connection is up: a resumed session's queued messages come right after CONNACK
  client.on('message', (topic, payload, packet) => {
    const id = packet.properties?.userProperties?.['fg-id'];
    got.push({ dest: topic, id: String(id), body: payload.toString('utf8') });
  });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  client.on('error', () => {});
  await client.subscribeAsync('fleet/#', { qos: 1 });
  return { client, got };
}

async function withBroker(t: TestContext): Promise<TestServer | null> {
  if (!needTool(t, 'mosquitto')) return null;
  const broker = await mosquittoServer();
  t.after(() => broker.dispose());
  return broker;
}

test('mqtt sink: options are validated with clear errors', () => {
  assert.throws(() => createMqttSink({ url: 'http://x', topic: 't' }), (e: unknown) => e instanceof ConfigError && /sinks\.mqtt\.url: scheme/.test(e.message));
  assert.throws(() => createMqttSink({ url: 'mqtt://x', topic: '' }), /sinks\.mqtt\.topic: must be a non-empty string/);
  assert.throws(() => createMqttSink({ url: 'mqtt://x', topic: 'a/{kind}' }), /unknown placeholder \{kind\}/);
  assert.throws(() => createMqttSink({ url: 'mqtt://x', topic: 'a/#' }), /invalid name/);
  assert.throws(() => createMqttSink({ url: 'mqtt://x', topic: 'a', qos: 0 }), /sinks\.mqtt\.qos: must be 1 or 2/);
  assert.throws(() => createMqttSink({ url: 'mqtt://x', topic: 'a', tpoic: 'b' }), /sinks\.mqtt\.tpoic: unknown option/);
  assert.equal(createMqttSink({ url: 'mqtt://x', topic: 'a/{type}' }).name, 'mqtt');
});

test('mqtt sink: a replay\'s records reach mosquitto exactly (count, content, topic, order)', async (t) => {
  const broker = await withBroker(t);
  if (!broker) return;
  const records = await replayRecords(t);
  if (!records) return;
  const sub = await subscriber(broker.port, 'fg-test-sub-1');
  t.after(() => sub.client.endAsync(true));
  const sink = createMqttSink({ url: `mqtt://127.0.0.1:${broker.port}`, topic: 'fleet/{gatewayId}/{type}', gatewayId: 'gw-1' });
  await sink.open();
  t.after(() => sink.close());
  const t0 = performance.now();
  for (const b of batches(records, 100)) await sink.write(b);
  const ms = performance.now() - t0;
  assert.ok(await waitUntil(() => sub.got.length >= records.length, 10_000), `received ${sub.got.length}/${records.length}`);
  await sleep(200); // nothing more (no duplicates on a healthy connection)
  assert.equal(sub.got.length, records.length);
  assertDelivered(records, sub.got, topicOf);
  t.diagnostic(`${records.length} records acknowledged (QoS 1) in ${ms.toFixed(0)} ms`);
});

test('mqtt sink: write rejects while the broker is down and succeeds after it restarts', async (t) => {
  const broker = await withBroker(t);
  if (!broker) return;
  const enc = new TextEncoder();
  const rec = (i: number): SinkRecord => ({ id: `r${i}`, type: 'alert', body: enc.encode(`{"n":${i}}`) });
  const sink = createMqttSink({ url: `mqtt://127.0.0.1:${broker.port}`, topic: 'fleet/{type}', ackTimeoutMs: 2000 });
  await sink.open();
  t.after(() => sink.close());
  await sink.write([rec(1)]);
  await broker.stop();
  await sleep(100);
  await assert.rejects(sink.write([rec(2)]), /mqtt sink/);
  await broker.start();
  assert.ok(await waitUntil(() => false, 1500) === false); // give mqtt.js its reconnect period
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = await sink.write([rec(2)]).then(() => true, () => false);
    if (!ok) await sleep(200);
  }
  assert.ok(ok, 'write never succeeded after the broker restarted');
});

test(`mqtt sink + batcher: broker stopped ${OUTAGE_MS / 1000} s mid-replay, every record arrives in order`, { timeout: OUTAGE_MS + 90_000 }, async (t) => {
  const broker = await withBroker(t);
  if (!broker) return;
  const records = await replayRecords(t);
  if (!records) return;
  // The referee is a persistent session that is offline during the run: the broker queues every record
  // for it (and keeps the queue through its restart), and it collects them afterwards. A subscriber
  // connected through the restart is not a reliable referee: mosquitto can drop messages it has
  // acknowledged but not yet delivered to a connected client when it is stopped.
  const offline = await subscriber(broker.port, 'fg-test-sub-fault');
  await offline.client.endAsync();
  const sink = createMqttSink({ url: `mqtt://127.0.0.1:${broker.port}`, topic: 'fleet/{gatewayId}/{type}', gatewayId: 'gw-1', ackTimeoutMs: 3000 });
  const batcher = new Batcher(sink, { batchSize: 20, retryBaseMs: 100, retryMaxMs: 1000, onDrop: () => {} });
  await batcher.open();
  t.after(() => batcher.close());
  const half = records.length >> 1;
  for (let i = 0; i < half; i++) batcher.push(records[i]);
  await sleep(20); // some batches are in flight when the broker goes away
  await broker.stop();
  const stopped = Date.now();
  // The rest of the replay is pushed over the outage, as a live replay would.
  for (let i = half; i < records.length; i++) {
    batcher.push(records[i]);
    if (i % 50 === 0) await sleep(((OUTAGE_MS / 2) * 50) / (records.length - half));
  }
  await sleep(Math.max(0, stopped + OUTAGE_MS - Date.now()));
  const down = performance.now();
  await broker.start();
  assert.ok(await batcher.drain(60_000), 'batcher did not drain after the broker came back');
  const recovered = performance.now() - down;
  const sub = await subscriber(broker.port, 'fg-test-sub-fault');
  t.after(() => sub.client.endAsync(true));
  const missing = (): string => {
    const seen = new Set(sub.got.map((g) => g.id));
    const gone = records.map((r, i) => [r.id, i] as const).filter(([id]) => !seen.has(id)).map(([, i]) => i);
    return gone.length === 0 ? 'none' : `${gone.length} missing, record indexes ${gone[0]}..${gone[gone.length - 1]} (outage began after ${half})`;
  };
  assert.ok(await waitUntil(() => new Set(sub.got.map((g) => g.id)).size >= records.length, 15_000), `received ${sub.got.length}/${records.length}: ${missing()}`);
  assertDelivered(records, sub.got, topicOf);
  assert.equal(batcher.counters.dropped, 0);
  t.diagnostic(`${records.length} records, ${batcher.counters.retried} failed writes retried, ${sub.got.length - records.length} duplicates, drained ${recovered.toFixed(0)} ms after restart`);
});
