// `fleetgate replay <capture> --ipfix <host:port>` into nfcapd (nfdump): every flow nfdump reads back
// has the packets and bytes fleetgate counted, each way (RFC 5103 reverse counters → nfdump's out counters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { needTool } from '../../_support/tools.js';
import { writeSimCapture } from '../../_support/sim-capture.js';
import { protoNumber } from '../../../src/export/sinks/ipfix/encoder.js';
import type { FlowRecord } from '../../../src/export/flows/flow-record.js';

const CLI = resolve('dist/src/cli/main.js');

async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

test('replay --ipfix: nfcapd collects every flow with our packets and bytes', { timeout: 120_000 }, async (t) => {
  if (!needTool(t, 'nfcapd') || !needTool(t, 'nfdump')) return;
  const cap = await writeSimCapture({ devices: 25, durationSec: 120, seed: 11, startTimeUs: Date.UTC(2026, 0, 1) * 1000 });
  const dir = mkdtempSync(join(tmpdir(), 'fg-nfcapd-'));
  try {
    const port = await freeUdpPort();
    const nfcapd = spawn('nfcapd', ['-b', '127.0.0.1', '-p', String(port), '-w', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    nfcapd.stdout.on('data', (d: Buffer) => (log += d.toString()));
    nfcapd.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<void>((r) => nfcapd.on('exit', () => r()));
    for (let i = 0; i < 50 && !/Startup/.test(log); i++) await new Promise((r) => setTimeout(r, 50));
    const flowsFile = join(cap.dir, 'flows.jsonl');
    const started = Date.now();
    const res = spawnSync(process.execPath, [CLI, 'replay', cap.pcap, '--config', cap.config, '--ipfix', `127.0.0.1:${port}`, '--flows-out', flowsFile, '--out', '/dev/null'], { encoding: 'utf8' });
    const ms = Date.now() - started;
    assert.equal(res.status, 0, res.stderr);
    await new Promise((r) => setTimeout(r, 300));
    nfcapd.kill('SIGTERM');
    await exited;

    const ours = readFileSync(flowsFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as FlowRecord);
    assert.ok(ours.length > 50, `only ${ours.length} flows`);
    assert.match(res.stderr, new RegExp(`output cli-ipfix-1: queued ${ours.length}, sent ${ours.length}, retried 0, spooled 0, dropped 0`));
    const nf = spawnSync('nfdump', ['-R', dir, '-q', '-N', '-o', 'fmt:%pr|%sa|%sp|%da|%dp|%ipkt|%opkt|%ibyt|%obyt'], { encoding: 'utf8' });
    assert.equal(nf.status, 0, nf.stderr);
    const theirs = nf.stdout.trim().split('\n').map((l) => l.split('|').map((x) => x.trim()));
    // nfdump -N prints the protocol number; ports only mean something for TCP and UDP
    const key = (proto: number, sa: string, sp: number | string, da: string, dp: number | string, ...n: (number | string)[]) =>
      [proto, sa, proto === 6 || proto === 17 ? Number(sp) : '', da, proto === 6 || proto === 17 ? Number(dp) : '', ...n.map(Number)].join('|');
    const want = ours.map((f) => key(protoNumber(f.proto), f.aAddr, f.aPort, f.bAddr, f.bPort, f.pktsAB, f.pktsBA, f.bytesAB, f.bytesBA)).sort();
    const got = theirs.map((c) => key(Number(c[0]), c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8])).sort();
    assert.equal(got.length, want.length, 'nfdump read back as many flows as fleetgate exported');
    assert.deepEqual(got, want);
    t.diagnostic(`${ours.length} flows exported and matched in ${ms} ms (replay included)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(cap.dir, { recursive: true, force: true });
  }
});
