// End to end, `fleetgate gateway` as a loopback bump in the wire moves onto new ports when its config
// file changes gateway.ports (no restart of the process), on one thread and with --workers 2:
//
//   test (UDP socket) ── VXLAN ──► 127.0.0.1:P1 ─┐
//                                                 ├─► back to the test, as it came
//   test (UDP socket) ── GENEVE ─► 127.0.0.1:P2 ─┘   (after the rewrite; P1 closed)
//
// Steps, 20 packets of one device flow after each: (1) VXLAN on P1; (2) a rewrite to GENEVE on P2 and
// gateway.id gw-e2e → gw-moved: the reload line names the move and the new id, datagrams to P2 come
// back, P1 answers nothing; (3) a rewrite to a port another socket holds (P3): refused with the reason,
// P2 keeps working; (4) VXLAN on P2 (the same port, another tunnel kind: closed, then reopened). At the
// end the reports count exactly the 80 packets the gateway answered, and carry the new id (the open
// interval too: reported under it).
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVICE_IMSI, DEVICE_IP, SERVER_IP, canRunLab, fleetHead, settle, tempDir } from './_support/lab-traffic.js';
import { deviceLines, startLoopbackGateway } from './_support/loopback-gateway.js';
import { stoppedSummary } from './_support/junction-lab.js';
import { bindLoopback, geneveDatagram, waitFor } from '../_support/loopback-vxlan.js';
import { needNative } from '../_support/tools.js';

const PER_PHASE = 20;

function fleetText(kind: 'vxlan' | 'geneve', port: number, id: string): string {
  const head = fleetHead(`devices: { kind: ${kind}, address: 127.0.0.1, port: ${port}, replyPort: 0 }`).map((l) => (l === '  id: gw-e2e' ? `  id: ${id}` : l));
  return [...head, ...deviceLines()].join('\n') + '\n';
}

interface ReportRow {
  imsi?: string;
  gatewayId: string;
  recordId: string;
  payloads: { uplink: { packets: number } };
}

/** Sends one datagram from a connected socket to port: 'reply', 'refused' (ICMP port unreachable) or 'nothing'. */
async function probeClosed(port: number): Promise<'reply' | 'refused' | 'nothing'> {
  const s = createSocket('udp4');
  try {
    await bindLoopback(s, 0);
    await new Promise<void>((ok, fail) => {
      s.once('error', fail);
      s.connect(port, '127.0.0.1', () => ok());
    });
    let got: 'reply' | 'refused' | 'nothing' = 'nothing';
    s.on('message', () => (got = 'reply'));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED' && got === 'nothing') got = 'refused';
    });
    s.send(geneveDatagram(DEVICE_IP, SERVER_IP, 'to the old port'));
    await settle(300);
    return got;
  } finally {
    s.close();
  }
}

async function scenario(t: TestContext, workers: number): Promise<void> {
  const base = 20000 + Math.floor(Math.random() * 30000);
  const [P1, P2, P3] = [base, base + 1, base + 2];
  const dir = tempDir(t);
  const fleet = join(dir, 'fleet.yaml');
  writeFileSync(fleet, fleetText('vxlan', P1, 'gw-e2e'));
  const blocker = createSocket('udp4');
  t.after(() => blocker.close());
  await bindLoopback(blocker, P3);

  const { gw, back, phase, send } = await startLoopbackGateway(t, fleet, dir, P1, workers > 1 ? ['--workers', String(workers)] : []);
  await phase(PER_PHASE);

  writeFileSync(fleet, fleetText('geneve', P2, 'gw-moved'));
  await gw.waitFor(new RegExp(`reloaded .*ports reopened: devices vxlan 127\\.0\\.0\\.1:${P1} → geneve 127\\.0\\.0\\.1:${P2}.*gateway id gw-e2e → gw-moved`), 'the reload moving the ports');
  assert.doesNotMatch(gw.out, /restart to apply/, 'nothing left for a restart');
  const want = back() + PER_PHASE;
  for (let i = 0; i < PER_PHASE; i++) send(geneveDatagram(DEVICE_IP, SERVER_IP, `after the move ${i}`), P2);
  await waitFor(() => back() >= want, () => `${PER_PHASE} GENEVE datagrams back from the new port (got ${back() - want + PER_PHASE})`, 5000);
  const old = await probeClosed(P1);
  t.diagnostic(`workers ${workers}: a datagram to the old port: ${old}`);
  assert.notEqual(old, 'reply', 'the old port is closed');

  writeFileSync(fleet, fleetText('vxlan', P3, 'gw-moved'));
  await gw.waitFor(/ports change refused/, 'the refusal');
  assert.match(gw.out, new RegExp(`ports change refused, the running ports stay \\((devices )?geneve 127\\.0\\.0\\.1:${P2}.*\\): .*vxlan 127\\.0\\.0\\.1:${P3}: cannot bind`));
  const want2 = back() + PER_PHASE;
  for (let i = 0; i < PER_PHASE; i++) send(geneveDatagram(DEVICE_IP, SERVER_IP, `after the refusal ${i}`), P2);
  await waitFor(() => back() >= want2, () => `${PER_PHASE} datagrams back from the kept port`, 5000);

  // another tunnel kind on the same port: the running socket closes first, the new one takes the port
  writeFileSync(fleet, fleetText('vxlan', P2, 'gw-moved'));
  await gw.waitFor(new RegExp(`ports reopened: devices geneve 127\\.0\\.0\\.1:${P2} → vxlan 127\\.0\\.0\\.1:${P2}`), 'the reload changing the tunnel kind');
  await phase(PER_PHASE, P2);
  await settle(300);

  assert.equal(await gw.stop('SIGTERM'), 0, gw.out);
  assert.equal(back(), 4 * PER_PHASE);
  const reloads = gw.out.split('\n').filter((l) => /fleetgate gateway: reload(ed| refused)/.test(l));
  assert.equal(reloads.length, 3, reloads.join('\n'));
  for (const l of reloads) t.diagnostic(`workers ${workers}: ${l.replace(dir, '<dir>')}`);
  const reports = readFileSync(join(dir, 'reports.jsonl'), 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as ReportRow);
  const mine = reports.filter((r) => r.imsi === DEVICE_IMSI);
  const up = mine.reduce((n, r) => n + r.payloads.uplink.packets, 0);
  t.diagnostic(`workers ${workers}: ${mine.length} report(s), ${up} uplink packets, ids ${[...new Set(mine.map((r) => r.gatewayId))].join(', ')}`);
  assert.equal(up, 4 * PER_PHASE, 'the reports count every packet once, across the moves');
  for (const r of mine) {
    assert.equal(r.gatewayId, 'gw-moved', 'reports emitted after the reload carry the new id');
    assert.match(r.recordId, /^gw-moved:/);
  }
  t.diagnostic(`workers ${workers}: record ids ${mine.map((r) => r.recordId.replace(/^gw-moved:\d+:/, '…:')).join(', ')}`);
  assert.equal(new Set(mine.map((r) => r.recordId)).size, mine.length, 'record ids stay unique (a pool restart reports the open interval in parts)');
  const sum = stoppedSummary(gw.out) as { frames: number; poolRestarts?: number };
  assert.equal(sum.frames, 4 * PER_PHASE, 'frames across the moves');
  if (workers > 1) assert.equal(sum.poolRestarts, 2, 'two pool restarts (the refused change stopped nothing)');
}

describe('e2e: gateway moves onto new ports on a config reload (loopback bump in the wire)', { timeout: 90_000 }, () => {
  it('one thread: VXLAN → GENEVE on another port, the old port closed, a taken port refused, a new gateway.id', async (t) => {
    if (!canRunLab(t)) return;
    if (!needNative(t)) return;
    await scenario(t, 1);
  });

  it('--workers 2: the same, the worker pool restarted on the new ports', async (t) => {
    if (!canRunLab(t)) return;
    if (!needNative(t)) return;
    await scenario(t, 2);
  });
});
