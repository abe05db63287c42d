// `fleetgate gateway --workers 2` (loopback bump in the wire, no root) redirecting to a VXLAN primary
// with a GENEVE standby: the two workers' shared return socket takes the 'vxlan+geneve' steering program,
// which tells the two tunnels apart per datagram. The peers are user-space sockets (EchoPeer: answers
// probes inside the tunnel, returns every other datagram unchanged). The standby carries a 12-byte GENEVE
// option, so a VXLAN-only program would read its inner frame at the wrong offset (and a GENEVE-only one
// would take VXLAN's flags byte as 32 bytes of options): returns would reach the wrong worker, dropped.
//
// Checked: the probes of the two peers are owned by the two workers; round 0 goes through the primary;
// the primary stops answering; round 1 goes through the standby; every datagram comes back byte for byte
// to its sender, the selected flows (on both workers) through the peer, redirection drops 0. Twice: with
// the two protocols from the start, and with a VXLAN standby that a SIGHUP reload turns into the GENEVE
// one after round 0 (worker 0 re-attaches the program to the socket group it keeps: adopt()).
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Background } from '../../e2e/_support/netns.js';
import { stoppedSummary, type RedirectPeerSummary } from '../../e2e/_support/junction-lab.js';
import { bindLoopback, waitFor } from '../../_support/loopback-vxlan.js';
import { EchoPeer } from '../../actions/redirect/_support/echo-peer.js';
import { loadNative, nativeLoadError } from '../../../src/io/native/index.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { flowWorkerOfIpv4 } from '../../../src/io/native/flow-hash.js';
import { probeOwner } from '../../../src/actions/redirect/workers.js';
import { parseIPv4 } from '../../../src/core/ip.js';

const WORKERS = 2;
const DEVICES = 16;
const PER_ROUND = 5;
const base = 20000 + Math.floor(Math.random() * 20000);
const GW_PORT = base;
const RETURN_PORT = base + 1;
const LOCAL = '10.200.0.254';
const ipOf = (d: number) => `10.128.0.${d + 2}`;
const SERVER = '10.129.0.10';
const selected = (d: number) => d % 4 < 2;
const dportOf = (d: number) => (selected(d) ? 8080 : 7000);
/** Inner addresses whose probe answers are steered to worker w (each peer probed by another worker). */
const innerFor = (w: number, not?: string) => Array.from({ length: 50 }, (_, k) => `10.200.0.${k + 1}`).find((a) => a !== not && probeOwner(LOCAL, a, WORKERS) === w)!;

function datagram(d: number, round: number, seq: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(100 + d, 4, 3);
  const frame = buildFrame({ ip: { src: ipOf(d), dst: SERVER }, udp: { sport: 5000, dport: dportOf(d) }, payload: `dev ${d} round ${round} seq ${seq} ${'.'.repeat(24)}` });
  return Buffer.concat([h, frame]);
}

interface Summary {
  perWorkerFrames: number[];
  ipPackets: number;
  redirectHealthRelayed: number;
  redirection: { active: string; redirected: number; returned: number; drops: number; peers: Array<RedirectPeerSummary & { prober?: number }> };
}

describe('gateway --workers 2: redirection to a VXLAN primary and a GENEVE standby (loopback)', { timeout: 60_000 }, () => {
  it('fails over to the GENEVE standby; every return reaches the worker that sent it, on both workers', async (t) => {
    await mixedPeersRun(t, false);
  });

  it('a reload turns the VXLAN standby into a GENEVE one: the shared socket is re-steered, same checks', async (t) => {
    await mixedPeersRun(t, true);
  });
});

/** The run; `reload`: the standby starts as VXLAN and a SIGHUP reload makes it GENEVE after round 0. */
async function mixedPeersRun(t: TestContext, reload: boolean): Promise<void> {
  if (!loadNative()) {
    if (process.env.CI) assert.fail(`native addon not built: ${nativeLoadError()} (CI must run this test)`);
    t.skip(`native addon not built: ${nativeLoadError()}`);
    return;
  }
  const primaryInner = innerFor(1);
  const standbyInner = innerFor(0, primaryInner);
  const primary = new EchoPeer();
  const standby = new EchoPeer();
  const pPort = await primary.start();
  const sPort = await standby.start();
  const dir = mkdtempSync(join(tmpdir(), 'fg-mixp-'));
  const socks: Socket[] = [];
  t.after(async () => {
    for (const s of socks) s.close();
    await primary.stop();
    await standby.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const fleet = join(dir, 'fleet.yaml');
  const genevePeer = `standby: { address: 127.0.0.1, protocol: geneve, port: ${sPort}, vni: 11, innerAddress: ${standbyInner}, geneveOptions: [{ class: 0xff01, type: 7, data: "0xcafebabe0badf00d" }] }`;
  const vxlanPeer = `standby: { address: 127.0.0.1, protocol: vxlan, port: ${sPort}, vni: 11, innerAddress: ${standbyInner} }`;
  writeFileSync(fleet, [
    'operator: { id: op-mixp }',
    'gateway:',
    '  id: gw-mixp',
    '  deviceSubnets: [10.128.0.0/24]',
    '  ports:',
    `    devices: { kind: vxlan, address: 127.0.0.1, port: ${GW_PORT}, replyPort: 0 }`,
    '  junction:',
    '    redirection:',
    `      localPort: ${RETURN_PORT}`,
    `      localAddress: ${LOCAL}`,
    '      probe: { intervalMs: 100, threshold: 3 }',
    `      primary: { address: 127.0.0.1, protocol: vxlan, port: ${pPort}, vni: 10, innerAddress: ${primaryInner} }`,
    `      ${reload ? vxlanPeer : genevePeer}`,
    '      selector: { ports: [8080] }',
    'devices:',
    ...Array.from({ length: DEVICES }, (_, d) => `  - { imsi: "0010100000003${String(d).padStart(2, '0')}", ip: ${ipOf(d)} }`),
  ].join('\n') + '\n');

  const sent: string[][] = Array.from({ length: DEVICES }, () => []);
  const got: string[][] = Array.from({ length: DEVICES }, () => []);
  for (let d = 0; d < DEVICES; d++) {
    const s = createSocket('udp4');
    s.on('message', (m) => got[d].push(m.toString('hex')));
    await bindLoopback(s, 0);
    socks.push(s);
  }
  const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
  const gw = new Background(spawn(process.execPath, [script, '--config', fleet, '--workers', String(WORKERS), '--out', join(dir, 'r.jsonl'), '--status-every', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  t.after(() => gw.stop('SIGKILL'));
  await gw.waitFor(/fleetgate gateway: ready \(bump\): .*2 workers.*redirection to 127\.0\.0\.1/, 'the gateway');
  // both peers answered their prober (one on each worker) before traffic starts
  await waitFor(() => primary.lastProbeReplyAt > 0 && standby.lastProbeReplyAt > 0, () => `probe answers from both peers\n${gw.out}`);

  const total = () => got.reduce((a, g) => a + g.length, 0);
  const round = async (r: number): Promise<void> => {
    for (let i = 0; i < PER_ROUND; i++) {
      for (let d = 0; d < DEVICES; d++) {
        const m = datagram(d, r, i);
        sent[d].push(m.toString('hex'));
        socks[d].send(m, GW_PORT, '127.0.0.1');
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    const want = (r + 1) * DEVICES * PER_ROUND;
    await waitFor(() => total() >= want, () => `round ${r}: ${want} datagrams back (got ${total()}; primary ${primary.data.length}, standby ${standby.data.length})\n${gw.out}`);
  };
  const nSelected = (DEVICES / 2) * PER_ROUND;

  await round(0);
  assert.equal(primary.data.length, nSelected, 'round 0: the selected flows through the VXLAN primary');
  assert.equal(standby.data.length, 0);
  if (reload) {
    writeFileSync(fleet, readFileSync(fleet, 'utf8').replace(vxlanPeer, genevePeer));
    const asked = performance.now();
    gw.child.kill('SIGHUP');
    await gw.waitFor(/reloaded .* on 2 of 2 workers: .*redirection replaced/, 'the reload on both workers');
    await waitFor(() => standby.lastProbeReplyAt > asked && primary.lastProbeReplyAt > asked, () => `probe answers after the reload\n${gw.out}`);
  }
  primary.up = false; // crashed appliance: no probe answers, no returns
  const downAt = performance.now();
  await new Promise((res) => setTimeout(res, 3 * 100 + 500)); // threshold x interval, the relay, margin
  await round(1);
  t.diagnostic(`round 1 began ${Math.round(performance.now() - downAt)} ms after the primary stopped`);
  assert.equal(standby.data.length, nSelected, 'round 1: the selected flows through the GENEVE standby');
  assert.ok(standby.data.every(({ d }) => d[0] === 3 && d[2] === 0x65 && d[3] === 0x58), 'GENEVE with 12 bytes of options');
  assert.equal(await gw.stop('SIGTERM'), 0, gw.out);

  for (let d = 0; d < DEVICES; d++) assert.deepEqual([...got[d]].sort(), [...sent[d]].sort(), `device ${d}: each datagram back, byte for byte`);
  const selWorkers = new Set(Array.from({ length: DEVICES }, (_, d) => d).filter(selected).map((d) => flowWorkerOfIpv4(parseIPv4(ipOf(d)), parseIPv4(SERVER), WORKERS)));
  assert.equal(selWorkers.size, WORKERS, 'the selected flows are spread over both workers');
  const sum = stoppedSummary(gw.out) as unknown as Summary;
  t.diagnostic(`per-worker frames ${JSON.stringify(sum.perWorkerFrames)}, health relayed ${sum.redirectHealthRelayed}, redirection ${JSON.stringify(sum.redirection)}`);
  assert.ok(sum.perWorkerFrames.every((n) => n > 0), 'both workers carried traffic');
  assert.equal(sum.ipPackets, 2 * DEVICES * PER_ROUND);
  assert.equal(sum.redirection.redirected, 2 * nSelected);
  assert.equal(sum.redirection.returned, 2 * nSelected);
  assert.equal(sum.redirection.drops, 0, 'every returned packet reached the worker that kept its way back');
  assert.equal(sum.redirection.active, 'standby');
  const [p, s] = sum.redirection.peers;
  assert.deepEqual([p.prober, s.prober], [1, 0], 'each peer probed by its own worker');
  assert.equal(p.state, 'down');
  assert.equal(s.state, 'up');
  assert.equal(p.packets, reload ? 0 : nSelected, 'peer counters are the running Redirector\'s (a reload starts new ones; totals add up)');
  assert.equal(s.packets, nSelected);
  assert.ok(sum.redirectHealthRelayed >= 1, 'the primary going down was relayed from its prober');
}
