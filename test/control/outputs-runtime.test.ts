// OutputsRuntime: unchanged outputs keep their batcher, a same-name replacement opens after its
// predecessor drained (records wait meanwhile and none is lost), a failed start is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OutputsRuntime } from '../../src/control/outputs-runtime.js';
import type { OutputsConfig, OutputSinkConfig } from '../../src/control/config/types.js';
import type { FlowRecord } from '../../src/export/flows/flow-record.js';

const sink = (name: string, path: string, extra: Partial<OutputSinkConfig> = {}): OutputSinkConfig => ({ name, kind: 'jsonl', types: ['flow'], envelope: true, batchSize: 50, options: { path }, ...extra });
const flow = (i: number): FlowRecord => ({ proto: 'UDP', ipVersion: 4, aAddr: '10.0.0.1', aPort: 1000 + i, bAddr: '192.0.2.1', bPort: 53, pktsAB: 1, pktsBA: 1, bytesAB: 60, bytesBA: 90, firstUs: 1_000_000 + i, lastUs: 2_000_000 + i, app: 'DNS', appMethod: 'port', device: { ip: '10.0.0.1', side: 'a' }, endReason: 'idle' });
const lines = (p: string) => readFileSync(p, 'utf8').split('\n').filter((l) => l).length;

test('outputs runtime: keep, replace by name with a drain, remove; nothing lost', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ort-'));
  const rt = new OutputsRuntime({ gatewayId: 'gw', operatorId: 'op', baseDir: dir, drainMs: 2000 });
  try {
    const v1: OutputsConfig = { sinks: [sink('a', 'a.jsonl'), sink('b', 'b1.jsonl')] };
    rt.apply(v1);
    assert.deepEqual(rt.status().map((s) => s.state), ['opening', 'opening']);
    for (let i = 0; i < 100; i++) rt.emitFlows([flow(i)]); // wait in memory while opening
    await rt.settled();
    assert.deepEqual(rt.status().map((s) => [s.name, s.state, s.queued]), [['a', 'open', 100], ['b', 'open', 100]]);
    // b changes (new file, same name); a is the same
    rt.apply({ sinks: [sink('a', 'a.jsonl'), sink('b', 'b2.jsonl')] });
    for (let i = 100; i < 200; i++) rt.emitFlows([flow(i)]);
    const st = rt.status();
    assert.equal(st.find((s) => s.name === 'a')!.state, 'open', 'a kept running');
    assert.deepEqual(st.filter((s) => s.name === 'b').map((s) => s.state).sort(), ['closing', 'opening']);
    await rt.settled();
    assert.deepEqual(rt.status().map((s) => [s.name, s.state, s.queued]), [['a', 'open', 200], ['b', 'open', 100]]);
    rt.apply(null);
    await rt.settled();
    assert.deepEqual(rt.status(), []);
    assert.equal(lines(join(dir, 'a.jsonl')), 200);
    assert.equal(lines(join(dir, 'b1.jsonl')) + lines(join(dir, 'b2.jsonl')), 200);
    assert.equal(lines(join(dir, 'b1.jsonl')), 100);
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('outputs runtime: an output that cannot start is failed with its reason, and retried on the next apply', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ort-'));
  writeFileSync(join(dir, 'file'), 'x');
  const rt = new OutputsRuntime({ gatewayId: 'gw', operatorId: 'op', baseDir: dir });
  const orig = console.error;
  console.error = () => {};
  try {
    // the spool folder would be under a plain file
    const bad: OutputsConfig = { spool: { dir: 'file/spool', limitBytes: 1 << 20, durable: true }, sinks: [sink('a', 'a.jsonl')] };
    rt.apply(bad);
    rt.emitFlows([flow(1)]);
    await rt.settled();
    const [s] = rt.status();
    assert.equal(s.state, 'failed');
    assert.ok(s.lastError && s.lastError.length > 0);
    assert.equal(s.dropped, 1);
    rt.apply({ sinks: [sink('a', 'a.jsonl')] });
    await rt.settled();
    assert.equal(rt.status()[0].state, 'open');
  } finally {
    console.error = orig;
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Prometheus output set through the API reports its siblings, the gateway totals and the ports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-ort-'));
  const rt = new OutputsRuntime({ gatewayId: 'gw', operatorId: 'op', baseDir: dir, drainMs: 2000 });
  try {
    rt.setTotals(
      () => ({ frames: 7, ipPackets: 6, ipBytes: 600 }),
      () => [{ port: 'vxlan 0.0.0.0:4789', rxPackets: 7, rxBytes: 900, txPackets: 5, txBytes: 700 }],
    );
    rt.apply({ sinks: [sink('archive', 'a.jsonl'), sink('metrics', '', { kind: 'prometheus', types: ['flow', 'inspection'], options: { textfile: 'fleet.prom' } })] });
    await rt.settled();
    for (let i = 0; i < 30; i++) rt.emitFlows([flow(i)]);
    for (let n = 0; n < 100 && rt.status().find((s) => s.name === 'archive')?.sent !== 30; n++) await new Promise((r) => setTimeout(r, 20));
    rt.apply(null); // closing writes the text file
    await rt.settled();
    const prom = readFileSync(join(dir, 'fleet.prom'), 'utf8');
    assert.match(prom, /fleetgate_output_records_total\{[^}]*sink="archive"[^}]*outcome="sent"[^}]*\} 30/, prom);
    assert.match(prom, /fleetgate_gateway_frames_total\{gateway="gw"\} 7/);
    assert.match(prom, /fleetgate_port_packets_total\{[^}]*port="vxlan 0\.0\.0\.0:4789"[^}]*direction="rx"[^}]*\} 7/);
  } finally {
    await rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
