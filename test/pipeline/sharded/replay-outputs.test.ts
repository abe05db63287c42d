// `fleetgate replay --workers 2` with outputs, --flows-out and --records sends the same records as
// one thread: the same report and flow ids, the same per-flow totals, as many EVE records per type.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../../src/cli/commands/replay.js';
import { writeSimCapture } from '../../_support/sim-capture.js';

interface Env {
  id: string;
  type: string;
  record: Record<string, unknown>;
}

const lines = (p: string) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const flowKey = (f: Record<string, unknown>) => `${f.proto}|${f.aAddr}|${f.aPort}|${f.bAddr}|${f.bPort}|${f.firstUs}`;
const flowTotals = (fs: Record<string, unknown>[]) => new Map(fs.map((f) => [flowKey(f), `${f.pktsAB}/${f.pktsBA}/${f.bytesAB}/${f.bytesBA}/${f.lastUs}/${f.app}`]));
const countBy = (xs: string[]) => {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
};

// No --spool: a replay outruns its outputs, and waits for them (Outputs.pause) instead of dropping records.
test('replay --workers 2 with --output jsonl sends the same records as --workers 1', async (t) => {
  const cap = await writeSimCapture({ devices: 12, durationSec: 90, seed: 5, startTimeUs: Date.UTC(2026, 0, 1) * 1000, scenarios: ['scanner'] });
  t.after(() => rmSync(cap.dir, { recursive: true, force: true }));
  const out: Record<number, { env: Env[]; flows: Record<string, unknown>[]; eve: Record<string, unknown>[]; reports: Record<string, unknown>[] }> = {};
  for (const workers of [1, 2]) {
    const f = (n: string) => join(cap.dir, `w${workers}-${n}`);
    const rc = await run([cap.pcap, '--config', cap.config, '--interval', '20s', '--workers', String(workers), '--quiet', '--out', f('reports.jsonl'), '--flows-out', f('flows.jsonl'), '--records', f('eve.jsonl'), '--output', `jsonl:${f('all.jsonl')}`]);
    assert.equal(rc, 0);
    out[workers] = { env: lines(f('all.jsonl')) as unknown as Env[], flows: lines(f('flows.jsonl')), eve: lines(f('eve.jsonl')), reports: lines(f('reports.jsonl')) };
  }
  const [one, two] = [out[1], out[2]];
  const types = (e: Env[]) => countBy(e.map((x) => x.type));
  assert.ok((types(one.env).get('inspection') ?? 0) > 12, 'reports sent');
  assert.ok((types(one.env).get('flow') ?? 0) > 50, 'flows sent');
  assert.ok((types(one.env).get('eve') ?? 0) > 50, 'eve records sent');
  assert.deepEqual(types(two.env), types(one.env), 'as many records of each type');
  for (const o of [one, two]) {
    assert.equal(types(o.env).get('flow'), o.flows.length, 'every flow reached the output (nothing dropped)');
    assert.equal(types(o.env).get('inspection'), o.reports.length, 'every report reached the output');
    assert.equal(types(o.env).get('eve'), o.eve.length, 'every EVE record reached the output');
  }

  // reports and flows: the same ids (flow ids come from the flow's addresses and first packet time)
  const ids = (e: Env[], type: string) => e.filter((x) => x.type === type).map((x) => x.id).sort();
  assert.deepEqual(ids(two.env, 'inspection'), ids(one.env, 'inspection'));
  assert.deepEqual(ids(two.env, 'flow'), ids(one.env, 'flow'));
  assert.equal(new Set(two.env.map((x) => x.id)).size, two.env.length, 'no duplicate ids with 2 workers');
  // per-flow totals, in the output and in --flows-out
  assert.deepEqual(flowTotals(two.env.filter((x) => x.type === 'flow').map((x) => x.record)), flowTotals(one.env.filter((x) => x.type === 'flow').map((x) => x.record)));
  assert.deepEqual(flowTotals(two.flows), flowTotals(one.flows));
  assert.equal(two.flows.length, one.flows.length);
  // EVE: as many of each event type (flow ids differ: each shard numbers its own flows)
  assert.deepEqual(countBy(two.eve.map((r) => String(r.event_type))), countBy(one.eve.map((r) => String(r.event_type))));
  assert.equal(new Set(two.eve.filter((r) => r.event_type === 'flow').map((r) => r.flow_id)).size, two.eve.filter((r) => r.event_type === 'flow').length, 'flow ids unique across shards');
  // --out: the same reports (sorted with workers; in emission order on one thread)
  const sorted = (rs: Record<string, unknown>[]) => [...rs].sort((a, b) => Number(a.timestamp) - Number(b.timestamp) || String(a.recordId).localeCompare(String(b.recordId)));
  assert.deepEqual(sorted(two.reports), sorted(one.reports));
});
