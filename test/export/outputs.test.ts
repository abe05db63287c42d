// Outputs: per-output record-type filter, envelope on or off, schema validation before records leave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Outputs, flowRecordId } from '../../src/export/outputs.js';
import { outputsFromFlags } from '../../src/export/outputs-from-flags.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';

const flow: FlowRecord = {
  proto: 'TCP', ipVersion: 4, aAddr: '10.0.0.1', aPort: 40000, bAddr: '192.0.2.1', bPort: 443,
  pktsAB: 3, pktsBA: 2, bytesAB: 300, bytesBA: 200, firstUs: 1_700_000_000_000_000, lastUs: 1_700_000_001_000_000,
  app: 'TLS', appMethod: 'dpi', endReason: 'end',
};

test('each output gets the types it asked for, enveloped or bare; invalid records never leave', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-outputs-'));
  try {
    const o = new Outputs(
      {
        sinks: [
          { name: 'all', kind: 'jsonl', types: ['flow', 'eve'], envelope: true, batchSize: 10, options: { path: join(dir, 'all.jsonl') } },
          { name: 'bare', kind: 'jsonl', types: ['flow'], envelope: false, batchSize: 10, options: { path: join(dir, 'bare.jsonl') } },
          { name: 'none', kind: 'jsonl', types: ['alert'], envelope: true, batchSize: 10, options: { path: join(dir, 'none.jsonl') } },
        ],
      },
      { gatewayId: 'gw', operatorId: 'op' },
    );
    await o.open();
    assert.equal(o.wants('inspection'), false);
    o.emitFlow(flow);
    o.emit('flow', 'bad', { ...flow, aPort: -1 });
    await o.close();
    const env = readFileSync(join(dir, 'all.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(env.length, 1);
    assert.deepEqual(env[0], { id: flowRecordId('gw', flow), type: 'flow', gateway: 'gw', operator: 'op', time: '2023-11-14T22:13:21.000Z', record: flow });
    assert.equal(env[0].id, 'gw:1700000000000000:TCP:10.0.0.1:40000:192.0.2.1:443');
    assert.deepEqual(readFileSync(join(dir, 'bare.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), [flow]);
    assert.equal(readFileSync(join(dir, 'none.jsonl'), 'utf8'), '');
    assert.equal(o.invalid, 1);
    assert.match(o.invalidSamples[0], /^flow bad: \/aPort: must be >= 0/);
    assert.equal(o.counters().all.sent, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('command-line flags add outputs after the config ones; --spool is durable', () => {
  const c = outputsFromFlags(undefined, { ipfix: '127.0.0.1:9995', output: ['jsonl:/tmp/x.jsonl', 'webhook:http://h/in'], spool: '/tmp/sp' })!;
  assert.deepEqual(c.sinks.map((s) => [s.name, s.kind, s.types.join(','), s.envelope, s.options]), [
    ['cli-ipfix-1', 'ipfix', 'flow', false, { collector: '127.0.0.1:9995' }],
    ['cli-jsonl-2', 'jsonl', 'inspection,flow,alert,anomaly,eve', true, { path: '/tmp/x.jsonl' }],
    ['cli-webhook-3', 'webhook', 'inspection,flow,alert,anomaly,eve', true, { url: 'http://h/in' }],
  ]);
  assert.deepEqual(c.spool, { dir: '/tmp/sp', limitBytes: 1 << 30, durable: true });
  assert.equal(outputsFromFlags(undefined, {}), undefined);
  assert.throws(() => outputsFromFlags(undefined, { output: ['smtp:x'] }), /unknown kind 'smtp'/);
  assert.throws(() => outputsFromFlags(undefined, { output: ['jsonl'] }), /expected <kind>:<target>/);
});

test('a bad sink option names the config path', () => {
  assert.throws(
    () => new Outputs({ sinks: [{ name: 'x', kind: 'ipfix', types: ['flow'], envelope: false, batchSize: 1, options: {} }] }, { gatewayId: 'g', operatorId: 'o' }),
    /gateway\.outputs\.sinks\[0\]\.collector: must be a non-empty string/,
  );
});

test('a producer held back by an unreachable output is told which one and why', async () => {
  // a webhook to a port nothing listens on: every write fails, records pile up in memory
  const o = new Outputs(
    { sinks: [{ name: 'hook', kind: 'webhook', types: ['flow'], envelope: true, batchSize: 500, options: { url: 'http://127.0.0.1:9/in' } }] },
    { gatewayId: 'gw', operatorId: 'op' },
  );
  await o.open();
  try {
    for (let i = 0; i < 40_000 && !o.batcher('hook')!.wantsPause; i++) o.emitFlow({ ...flow, aPort: 1 + (i % 60_000), firstUs: flow.firstUs + i });
    const lines: string[] = [];
    const wait = o.pause({ warnAfterMs: 300, onWaiting: (t) => lines.push(t) });
    assert.ok(wait, 'the output past half its memory bound asks the producer to wait');
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(lines.length, 1);
    assert.match(lines[0], /waiting for outputs .*: hook \(.+\); nothing is dropped/);
    assert.equal(o.counters().hook.dropped, 0);
  } finally {
    await o.close(10);
  }
});
