// Elasticsearch sink with the real v9 client against a local HTTP stand-in (Elasticsearch cannot run on
// this machine): the index template is put on open, `_bulk` carries `create` + `_id` = record id into the
// record's daily index, a duplicate's 409 counts as delivered, any other item error or an unreachable
// node rejects the write, and it succeeds once the node is back.
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createElasticsearchSink } from '../../../src/export/sinks/elasticsearch.js';
import { dayIndex, recordTimeMs } from '../../../src/export/sinks/elasticsearch/day-index.js';
import type { Sink, SinkRecord } from '../../../src/export/sinks/sink.js';
import { Batcher } from '../../../src/export/batcher/index.js';
import { outputProblems } from '../../../src/control/config/output-checks.js';
import { EsStandIn } from './_support/es-stand-in.js';
import { batches, replayRecords } from './_support/replay-records.js';
import { assertDelivered, waitUntil } from './_support/collectors.js';

const enc = new TextEncoder();
const DAY = Date.UTC(2026, 10, 23, 12); // 2026-11-23
const rec = (i: number, t = DAY): SinkRecord => ({ id: `r${i}`, type: 'alert', body: enc.encode(JSON.stringify({ n: i, timestamp: new Date(t).toISOString() })) });

async function standIn(t: TestContext): Promise<EsStandIn> {
  const s = await EsStandIn.start();
  t.after(() => s.stop());
  return s;
}

async function opened(t: TestContext, opts: Record<string, unknown>): Promise<Sink> {
  const sink = createElasticsearchSink(opts);
  await sink.open();
  t.after(() => sink.close());
  return sink;
}

test('elasticsearch sink: options are validated with clear errors', () => {
  assert.throws(() => createElasticsearchSink({}), /sinks\.elasticsearch\.node: must be a non-empty string/);
  assert.throws(() => createElasticsearchSink({ node: 'ftp://x' }), /sinks\.elasticsearch\.node: scheme must be/);
  assert.throws(() => createElasticsearchSink({ node: 'http://x:9200', indexPrefix: 'Fleet' }), /sinks\.elasticsearch\.indexPrefix: must be lower case/);
  assert.throws(() => createElasticsearchSink({ node: 'http://x:9200', auth: { username: 'u' } }), /sinks\.elasticsearch\.auth: must be \{ username, password \} or \{ apiKey \}/);
  assert.throws(() => createElasticsearchSink({ node: 'http://x:9200', index: 'x' }), /sinks\.elasticsearch\.index: unknown option/);
  assert.equal(createElasticsearchSink({ node: 'https://x:9200', auth: { apiKey: 'k' } }).name, 'elasticsearch');
});

test('elasticsearch sink: the daily index comes from the record time (envelope, EVE, Inspection, flow)', () => {
  const eve = { timestamp: '2023-09-18T23:59:59.999999+0000', src_ip: '10.0.0.1' };
  assert.equal(dayIndex('fg', 'eve', recordTimeMs(eve)), 'fg-eve-2023.09.18');
  assert.equal(dayIndex('fg', 'eve', recordTimeMs({ id: 'x', type: 'eve', time: '2024-01-02T03:04:05.000Z', record: eve })), 'fg-eve-2024.01.02');
  assert.equal(dayIndex('fg', 'inspection', recordTimeMs({ timestamp: Date.UTC(2025, 4, 6, 7) })), 'fg-inspection-2025.05.06');
  assert.equal(dayIndex('fg', 'flow', recordTimeMs({ firstUs: 1, lastUs: Date.UTC(2022, 11, 31) * 1000 })), 'fg-flow-2022.12.31');
  assert.match(dayIndex('fg', 'flow', recordTimeMs({})), /^fg-flow-\d{4}\.\d\d\.\d\d$/);
});

test('elasticsearch sink: template on open; a replay is bulk-created once each with _id = record id', async (t) => {
  const es = await standIn(t);
  const records = await replayRecords(t);
  if (!records) return;
  const sink = await opened(t, { node: es.url, indexPrefix: 'fleet', auth: { username: 'elastic', password: 'pw' } });
  const tpl = es.templates.get('fleet-records') as { index_patterns: string[]; template: { mappings: { dynamic_templates: Record<string, { match?: string; mapping: { type: string } }>[] } } };
  assert.ok(tpl, 'template fleet-records was put');
  assert.deepEqual(tpl.index_patterns, ['fleet-*']);
  const typeOf = (field: string): string | undefined =>
    tpl.template.mappings.dynamic_templates.map((d) => Object.values(d)[0]).find((d) => d.match === field)?.mapping.type;
  assert.equal(typeOf('timestamp'), 'date');
  assert.equal(typeOf('src_ip'), 'ip');
  assert.equal(typeOf('aAddr'), 'ip');
  const t0 = performance.now();
  for (const b of batches(records, 500)) await sink.write(b);
  const ms = performance.now() - t0;
  // A retried batch: every item is a 409 duplicate, which counts as delivered.
  await sink.write(records.slice(0, 50));
  assert.deepEqual(es.problems, []);
  assert.equal(es.docs.length, records.length);
  const byId = new Map(records.map((r) => [r.id, r]));
  const indexOf = (r: SinkRecord): string => dayIndex('fleet', r.type, recordTimeMs(JSON.parse(new TextDecoder().decode(r.body)) as Record<string, unknown>));
  assertDelivered(records, es.docs.map((d) => ({ dest: d.index, id: d.id, body: d.source })), indexOf);
  assert.ok(es.docs.every((d) => /^fleet-(flow|eve)-\d{4}\.\d\d\.\d\d$/.test(d.index) && byId.has(d.id)));
  const bulk = es.requests.filter((r) => r.path === '/_bulk');
  assert.ok(bulk.every((r) => /x-ndjson/.test(r.contentType) && r.authorization === `Basic ${Buffer.from('elastic:pw').toString('base64')}`));
  t.diagnostic(`${records.length} records bulk-indexed by the stand-in in ${ms.toFixed(0)} ms (${Math.round(records.length / (ms / 1000))} records/s)`);
});

test('elasticsearch sink: an item error other than 409 rejects the batch; after the fix the retry completes it', async (t) => {
  const es = await standIn(t);
  const sink = await opened(t, { node: es.url, auth: { apiKey: 'a2V5' } });
  assert.ok(es.requests.every((r) => r.authorization === 'ApiKey a2V5'));
  await sink.write([rec(1)]);
  es.failItem = { match: /^r3$/, status: 400, type: 'mapper_parsing_exception' };
  await assert.rejects(sink.write([rec(1), rec(2), rec(3)]), /1 of 3 records refused \(first: r3: 400 mapper_parsing_exception/);
  es.failItem = null;
  await sink.write([rec(1), rec(2), rec(3)]); // r1, r2: 409 (delivered), r3 created
  assert.deepEqual(es.docs.map((d) => `${d.index}/${d.id}`), ['fleetgate-alert-2026.11.23/r1', 'fleetgate-alert-2026.11.23/r2', 'fleetgate-alert-2026.11.23/r3']);
  es.failHttp = 503;
  await assert.rejects(sink.write([rec(4)]), /elasticsearch sink: bulk request failed/);
  assert.deepEqual(es.problems, []);
});

test('elasticsearch sink: open and write fail while the node is down; through a Batcher nothing is lost', async (t) => {
  const es = await standIn(t);
  await es.stop();
  const sink = createElasticsearchSink({ node: es.url, timeoutMs: 2000 });
  await assert.rejects(sink.open(), /cannot put the index template/);
  const batcher = new Batcher(sink, { batchSize: 10, retryBaseMs: 50, retryMaxMs: 300 });
  await batcher.open();
  t.after(() => batcher.close(1000));
  for (let i = 0; i < 40; i++) batcher.push(rec(i, DAY + i * 3600e3)); // spans two days
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(batcher.counters.sent, 0);
  await es.listen();
  const t0 = performance.now();
  assert.ok(await waitUntil(() => batcher.counters.sent === 40, 15_000), `all sent after the node came back (sent ${batcher.counters.sent})`);
  const ms = performance.now() - t0;
  assert.deepEqual(es.docs.map((d) => d.id), Array.from({ length: 40 }, (_, i) => `r${i}`));
  assert.deepEqual([...new Set(es.docs.map((d) => d.index))], ['fleetgate-alert-2026.11.23', 'fleetgate-alert-2026.11.24', 'fleetgate-alert-2026.11.25']);
  assert.ok(es.templates.has('fleetgate-records'));
  assert.deepEqual(es.problems, []);
  t.diagnostic(`40 queued records delivered ${ms.toFixed(0)} ms after the node came back`);
});

test('elasticsearch sink: a config output of kind elasticsearch is checked, with errors at its path', () => {
  assert.deepEqual(outputProblems({ sinks: [{ name: 'es', kind: 'elasticsearch', node: 'https://es:9200', indexPrefix: 'fg', auth: { apiKey: 'k' } }] }), []);
  const bad = outputProblems({ sinks: [{ name: 'es', kind: 'elasticsearch', node: 'https://es:9200', indexPrefix: 'FG' }] });
  assert.deepEqual(bad.map((p) => p.segs.join('.')), ['gateway.outputs.sinks.0.indexPrefix']);
});
