// Fault: fleetgate is killed (SIGKILL) while its webhook destination is down; the next run delivers
// the spooled records first, in order, with the same record ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { writeSimCapture } from '../../_support/sim-capture.js';

const CLI = resolve('dist/src/cli/main.js');

function spoolBytes(dir: string): number {
  let n = 0;
  const walk = (d: string): void => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      if (f.isDirectory()) walk(join(d, f.name));
      else if (f.name.endsWith('.spool')) n += statSync(join(d, f.name)).size;
    }
  };
  try {
    walk(dir);
  } catch {
    return 0;
  }
  return n;
}

test('killed mid-run with the destination down: spooled records are delivered after restart', { timeout: 120_000 }, async (t) => {
  const cap = await writeSimCapture({ devices: 10, durationSec: 90, seed: 8, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  const spool = mkdtempSync(join(tmpdir(), 'fg-spool-'));
  try {
    // the reference: the same replay into a file, envelopes carry the record ids
    const ref = join(cap.dir, 'ref.jsonl');
    const r0 = spawnSync(process.execPath, [CLI, 'replay', cap.pcap, '--config', cap.config, '--output', `jsonl:${ref}`, '--out', '/dev/null', '--quiet']);
    assert.equal(r0.status, 0, String(r0.stderr));
    const refIds = readFileSync(ref, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id);
    assert.ok(refIds.length > 100);

    // a port nobody listens on yet
    const got: string[] = [];
    const srv = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        for (const l of Buffer.concat(parts).toString().trim().split('\n')) got.push((JSON.parse(l) as { id: string }).id);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    const port = (srv.address() as { port: number }).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const args = [CLI, 'replay', cap.pcap, '--config', cap.config, '--output', `webhook:http://127.0.0.1:${port}/in`, '--spool', spool, '--out', '/dev/null', '--quiet'];

    const run1 = spawn(process.execPath, args, { stdio: 'ignore', env: { ...process.env, FLEETGATE_OUTPUT_DRAIN_MS: '600000' } });
    const exit1 = new Promise<NodeJS.Signals | null>((r) => run1.on('exit', (_c, sig) => r(sig)));
    let last = -1;
    let stable = 0;
    for (let i = 0; i < 300 && stable < 4; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const n = spoolBytes(spool);
      stable = n > 0 && n === last ? stable + 1 : 0;
      last = n;
    }
    run1.kill('SIGKILL');
    assert.equal(await exit1, 'SIGKILL', 'run 1 was still waiting for its destination when killed');
    assert.ok(last > 0, 'records were spooled');

    // the destination comes back; a new run starts on the same spool
    await new Promise<void>((r) => srv.listen(port, '127.0.0.1', () => r()));
    const started = Date.now();
    const run2 = spawn(process.execPath, args, { stdio: 'ignore' });
    const exit2 = new Promise<number | null>((r) => run2.on('exit', (c) => r(c)));
    let recoveredMs = -1;
    for (let i = 0; i < 600 && recoveredMs < 0; i++) {
      if (got.length >= refIds.length) recoveredMs = Date.now() - started;
      else await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(await exit2, 0);
    srv.close();
    // run 1's records first, in order, ids unchanged; then run 2's own (duplicates a consumer drops by id)
    assert.deepEqual(got.slice(0, refIds.length), refIds);
    assert.deepEqual(got.slice(refIds.length), refIds);
    assert.equal(spoolBytes(spool), 0, 'the drained spool gives its disk back');
    t.diagnostic(`${refIds.length} spooled records delivered ${recoveredMs} ms after the restart (process start included)`);
  } finally {
    rmSync(spool, { recursive: true, force: true });
    rmSync(cap.dir, { recursive: true, force: true });
  }
});
