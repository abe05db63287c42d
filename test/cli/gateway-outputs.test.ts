// GatewayOutputs: the outputs of `fleetgate gateway` follow reloads through OutputsRuntime. An output
// whose settings did not change keeps its Batcher (its counters go on from where they were, its file
// is not reopened); a new one starts and gets the records emitted after the reload; a removed one is
// drained and closed; --output flags stay added on top; the reload line names what changed.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/control/config/index.js';
import { GatewayOutputs, describeOutputsChange } from '../../src/cli/gateway-outputs.js';
import { describeIdsChange, restartNeeded, restartSuffix } from '../../src/cli/gateway-reload.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';

function fleet(dir: string, sinks: string[], extra = ''): ReturnType<typeof parseConfig> {
  const lines = ['operator: { id: op }', 'gateway:', '  id: gw-out', '  deviceSubnets: [10.128.0.0/24]', '  outputs:', `    spool: { dir: ${join(dir, 'spool')} }`, '    sinks:'];
  for (const s of sinks) lines.push(`      - { name: ${s}, kind: jsonl, types: [flow], path: ${join(dir, `${s}.jsonl`)} }`);
  return parseConfig(lines.join('\n') + '\n' + extra);
}

/** The aPort of each flow record in a JSONL output file (enveloped). */
const ports = (path: string) =>
  readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { record: FlowRecord }).record.aPort);
const flow = (n: number): FlowRecord => ({
  proto: 'UDP', ipVersion: 4, aAddr: '10.128.0.2', aPort: 40000 + n, bAddr: '192.0.2.1', bPort: 53,
  pktsAB: 1, pktsBA: 1, bytesAB: 60, bytesBA: 90, firstUs: 1_700_000_000_000_000 + n, lastUs: 1_700_000_000_500_000 + n,
  app: 'DNS', appMethod: 'dpi', endReason: 'idle',
});

test('a reload keeps an unchanged output, starts a new one and closes a removed one', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-gwout-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = new GatewayOutputs({ gatewayId: 'gw-out', operatorId: 'op', flags: { output: [`jsonl:${join(dir, 'flag.jsonl')}`] } });
  await out.start(fleet(dir, ['archive', 'old']));
  assert.equal(out.size, 3, 'two from the config, one from --output');
  for (let i = 0; i < 5; i++) out.emitFlow(flow(i));
  const before = out.status().find((s) => s.name === 'archive');
  assert.ok(before);

  const change = out.apply(fleet(dir, ['archive', 'extra']));
  assert.deepEqual(change, { kept: ['archive', 'cli-jsonl-1'], added: ['extra'], replaced: [], removed: ['old'] });
  assert.equal(describeOutputsChange(change), '; outputs 2 kept, 1 added, 0 replaced, 1 removed');
  for (let i = 5; i < 8; i++) out.emitFlow(flow(i));
  const archive = out.status().filter((s) => s.name === 'archive');
  assert.equal(archive.length, 1, 'one archive output: kept, not closed and reopened');
  assert.equal(archive[0].state, 'open');

  const last = await out.close(5000);
  const get = (name: string) => last.find((l) => l.startsWith(`output ${name}:`));
  assert.match(get('archive') ?? '', /sent 8,/, `archive kept its counters across the reload: ${last.join(' | ')}`);
  assert.match(get('extra') ?? '', /sent 3,/, 'the new output got the records after the reload');
  assert.match(get('cli-jsonl-1') ?? '', /sent 8,/, '--output stays on top of the config');
  assert.equal(get('old'), undefined, 'the removed output is gone');
  assert.deepEqual(ports(join(dir, 'archive.jsonl')), [40000, 40001, 40002, 40003, 40004, 40005, 40006, 40007]);
  assert.deepEqual(ports(join(dir, 'extra.jsonl')), [40005, 40006, 40007]);
  assert.deepEqual(ports(join(dir, 'old.jsonl')), [40000, 40001, 40002, 40003, 40004], 'the removed output was drained before it closed');
});

test('a changed output is replaced; an id change replaces every output under the new id; late EVE outputs need a restart', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-gwout-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const out = new GatewayOutputs({ gatewayId: 'gw-out', operatorId: 'op', flags: {} });
  const a = fleet(dir, ['archive']);
  await out.start(a);
  const b = parseConfig(
    ['operator: { id: op }', 'gateway:', '  id: gw-other', '  deviceSubnets: [10.128.0.0/24]', '  outputs:', `    spool: { dir: ${join(dir, 'spool')} }`, '    sinks:',
      `      - { name: archive, kind: jsonl, types: [flow, eve], path: ${join(dir, 'archive.jsonl')} }`].join('\n') + '\n',
  );
  out.setIds('gw-other', 'op');
  const change = out.apply(b);
  assert.deepEqual(change.replaced, ['archive']);
  out.emitFlow(flow(9));
  const needed = restartNeeded(out, false);
  assert.deepEqual(needed, ['EVE records for the new outputs (no output took them at start)']);
  assert.match(restartSuffix(needed), /^; restart to apply: EVE records/);
  assert.deepEqual(restartNeeded(out, true), []);
  assert.equal(describeIdsChange(a, b), '; gateway id gw-out → gw-other (the records from now on, open report intervals too)');
  assert.equal(describeIdsChange(a, a), '');
  await out.close(1000);
  // the id change replaced the output: the flow emitted after it carries the new id, in its id and envelope
  const rows = readFileSync(join(dir, 'archive.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string; gateway: string });
  assert.equal(rows.length, 1);
  assert.equal(rows[0].gateway, 'gw-other');
  assert.match(rows[0].id, /^gw-other:/);
});
