// `fleetgate gateway --workers 2` as a loopback bump in the wire (VXLAN port on 127.0.0.1, no root
// needed): 16 devices, each talking to one server, so the inner-flow steering program (the symmetric hash
// of the inner addresses, src/io/native/flow-hash.ts) spreads them over both workers.
//
//   16 test sockets ── VXLAN ──► 2 workers bound to the same port ──► back to each socket, as it came
//                                      └── mirror copies (after a SIGHUP adds the peer) ──► test socket
//
// Checked: both workers got traffic; every datagram came back to the socket that sent it; the merged
// summary (frames, flows, reports, mirror counters) and the Inspection reports equal what was sent; the
// SIGHUP reload reached both workers (every packet of the second phase is mirrored, whichever worker
// handled it); one device talking to 16 servers is spread by peer and its report parts merged. Also:
// --workers > 1 is refused, with the reason, in file mode. (A redirection of two tunnel protocols runs:
// gateway-workers-mixed-peers.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { Background } from '../../e2e/_support/netns.js';
import { stoppedSummary } from '../../e2e/_support/junction-lab.js';
import { bindLoopback, vxlanDatagram, waitFor } from '../../_support/loopback-vxlan.js';
import { needNative } from '../../_support/tools.js';
import { run } from '../../../src/cli/commands/gateway.js';
import { FleetgateError } from '../../../src/core/errors.js';

const DEVICES = 16;
const PER_PHASE = 10;
const SERVER_IP = '10.129.0.10';
const base = 20000 + Math.floor(Math.random() * 20000);
const GW_PORT = base;
const MIRROR_PORT = base + 1;

const imsiOf = (d: number) => `0010100000001${String(d).padStart(2, '0')}`;
const ipOf = (d: number) => `10.128.0.${d + 2}`;

function writeFleet(path: string, mirror: boolean): void {
  const lines = [
    'operator: { id: op-mw }',
    'gateway:',
    '  id: gw-mw',
    '  deviceSubnets: [10.128.0.0/24]',
    '  inspection: { intervalSeconds: 60 }',
    '  ports:',
    `    devices: { kind: vxlan, address: 127.0.0.1, port: ${GW_PORT}, replyPort: 0 }`,
  ];
  if (mirror) lines.push('  junction:', '    mirroring:', '      peers:', `        - { address: 127.0.0.1, protocol: vxlan, vni: 99, port: ${MIRROR_PORT} }`);
  lines.push('devices:');
  for (let d = 0; d < DEVICES; d++) lines.push(`  - { imsi: "${imsiOf(d)}", ip: ${ipOf(d)} }`);
  writeFileSync(path, lines.join('\n') + '\n');
}



const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));


function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'fg-mw-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}


interface Summary {
  workers: number;
  frames: number;
  ipPackets: number;
  flows: number;
  reports: number;
  perWorkerFrames: number[];
  forwarding: { returned: number };
  devicesPort: { rxFrames: number; txFrames: number; txDrops: number };
  mirroring: { sent: number; dropped: number }[];
}

describe('gateway --workers 2 (loopback bump in the wire)', { timeout: 60_000 }, () => {
  it('spreads tunnels over both workers, returns every datagram, merges counters and reports, relays SIGHUP to both', async (t) => {
    if (!needNative(t)) return;
    const dir = tempDir(t);
    const fleet = join(dir, 'fleet.yaml');
    const reportsPath = join(dir, 'reports.jsonl');
    const flowsPath = join(dir, 'flows.jsonl');
    writeFleet(fleet, false);

    const socks: Socket[] = [];
    const back = new Array<number>(DEVICES).fill(0);
    const wrong: string[] = [];
    for (let d = 0; d < DEVICES; d++) {
      const s = createSocket('udp4');
      // every datagram must come back to the socket (tunnel endpoint) that sent it
      s.on('message', (m) => {
        if (m.includes(Buffer.from(`dev ${d} seq`))) back[d]++;
        else wrong.push(`socket ${d} got ${m.subarray(-16).toString()}`);
      });
      await bindLoopback(s, 0);
      socks.push(s);
    }
    const mirror = createSocket('udp4');
    let copies = 0;
    mirror.on('message', () => copies++);
    await bindLoopback(mirror, MIRROR_PORT);
    t.after(() => {
      for (const s of socks) s.close();
      mirror.close();
    });

    const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
    const gw = new Background(
      spawn(process.execPath, [script, '--config', fleet, '--workers', '2', '--out', reportsPath, '--flows-out', flowsPath, '--status-every', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    t.after(() => gw.stop('SIGKILL'));
    await gw.waitFor(/fleetgate gateway: ready \(bump\): .*2 workers/, 'the gateway');

    let seq = 0;
    const total = () => back.reduce((a, b) => a + b, 0);
    const phase = async (): Promise<void> => {
      const want = total() + DEVICES * PER_PHASE;
      for (let i = 0; i < PER_PHASE; i++) {
        for (let d = 0; d < DEVICES; d++) socks[d].send(vxlanDatagram(ipOf(d), SERVER_IP, `dev ${d} seq ${seq}`), GW_PORT, '127.0.0.1');
        seq++;
        await settle(2);
      }
      await waitFor(() => total() >= want, () => `${want} datagrams back (got ${total()})`);
    };

    await phase();
    assert.equal(copies, 0, 'no mirroring before the reload');
    writeFleet(fleet, true);
    gw.child.kill('SIGHUP');
    await gw.waitFor(/reloaded .* on 2 of 2 workers: 16 device\(s\); mirror peers 0 kept, 1 added, 0 removed/, 'the reload on both workers');
    await phase();
    await waitFor(() => copies >= DEVICES * PER_PHASE, () => `${DEVICES * PER_PHASE} mirror copies (got ${copies})`);

    assert.equal(await gw.stop('SIGTERM'), 0, gw.out);
    const sent = 2 * DEVICES * PER_PHASE;
    assert.deepEqual(wrong, [], 'no datagram went to another tunnel endpoint');
    assert.deepEqual(back, new Array<number>(DEVICES).fill(2 * PER_PHASE), 'every datagram came back to its sender');
    assert.equal(copies, DEVICES * PER_PHASE, 'the reload reached both workers: every packet after it was mirrored once');

    const sum = stoppedSummary(gw.out) as unknown as Summary;
    t.diagnostic(`per-worker frames ${JSON.stringify(sum.perWorkerFrames)}, flows ${sum.flows}, reports ${sum.reports}, mirroring ${JSON.stringify(sum.mirroring)}`);
    assert.equal(sum.workers, 2);
    assert.equal(sum.perWorkerFrames.length, 2);
    assert.ok(sum.perWorkerFrames.every((n) => n > 0), `both workers got traffic: ${JSON.stringify(sum.perWorkerFrames)}`);
    assert.equal(sum.perWorkerFrames[0] + sum.perWorkerFrames[1], sent);
    assert.equal(sum.frames, sent, 'merged frames');
    assert.equal(sum.ipPackets, sent, 'merged IP packets');
    assert.equal(sum.devicesPort.rxFrames, sent);
    assert.equal(sum.devicesPort.txFrames, sent);
    assert.equal(sum.forwarding.returned, sent);
    assert.equal(sum.flows, DEVICES, 'one flow per device: a tunnel stays on one worker');
    assert.equal(sum.mirroring.length, 1);
    assert.equal(sum.mirroring[0].sent, DEVICES * PER_PHASE, 'mirror counters summed over the workers');

    // Inspection reports: one per device (it stayed on one worker), counting every packet once
    const reports = readFileSync(reportsPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { imsi?: string; payloads: { uplink: { packets: number } } });
    assert.equal(sum.reports, reports.length);
    for (let d = 0; d < DEVICES; d++) {
      const mine = reports.filter((r) => r.imsi === imsiOf(d));
      assert.equal(mine.length, 1, `one report for device ${d}`);
      assert.equal(mine[0].payloads.uplink.packets, 2 * PER_PHASE, `device ${d}: every packet counted once`);
    }
    // finished flows, streamed back from both workers to --flows-out
    const flows = readFileSync(flowsPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { pktsAB: number });
    assert.equal(flows.length, DEVICES);
    assert.ok(flows.every((f) => f.pktsAB === 2 * PER_PHASE), 'each flow: every packet, one worker');
  });

  it('a device talking to several servers is spread by peer: its parts are merged into one report, the sums are right', async (t) => {
    if (!needNative(t)) return;
    const dir = tempDir(t);
    const fleet = join(dir, 'fleet.yaml');
    const reportsPath = join(dir, 'reports.jsonl');
    writeFleet(fleet, false);
    // device 0 behind a VTEP that picks its UDP source port per inner flow (as Linux VXLAN does), one
    // server per flow: the steering hash of (device, server) spreads the flows over the workers
    const ENDPOINTS = 16;
    const socks: Socket[] = [];
    let back = 0;
    for (let k = 0; k < ENDPOINTS; k++) {
      const s = createSocket('udp4');
      s.on('message', () => back++);
      await bindLoopback(s, 0);
      socks.push(s);
    }
    t.after(() => {
      for (const s of socks) s.close();
    });
    const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
    const gw = new Background(spawn(process.execPath, [script, '--config', fleet, '--workers', '2', '--out', reportsPath, '--status-every', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
    t.after(() => gw.stop('SIGKILL'));
    await gw.waitFor(/ready \(bump\)/, 'the gateway');
    for (let i = 0; i < PER_PHASE; i++) {
      for (let k = 0; k < ENDPOINTS; k++) socks[k].send(vxlanDatagram(ipOf(0), `10.129.0.${10 + k}`, `dev 0 seq ${i}`, 5000 + k), GW_PORT, '127.0.0.1');
      await settle(2);
    }
    const sent = ENDPOINTS * PER_PHASE;
    await waitFor(() => back >= sent, () => `${sent} datagrams back (got ${back})`);
    assert.equal(await gw.stop('SIGTERM'), 0, gw.out);

    const sum = stoppedSummary(gw.out) as unknown as Summary & { mergedReportParts: number; lateReportParts: number };
    const busy = sum.perWorkerFrames.filter((n) => n > 0).length;
    assert.equal(busy, 2, `16 servers spread over both workers: ${JSON.stringify(sum.perWorkerFrames)}`);
    t.diagnostic(`per-worker frames ${JSON.stringify(sum.perWorkerFrames)}, merged report parts ${sum.mergedReportParts}, late parts ${sum.lateReportParts}`);
    assert.equal(sum.frames, sent);
    assert.equal(sum.flows, ENDPOINTS, 'one flow per inner flow, each whole on one worker');
    const reports = readFileSync(reportsPath, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { recordId: string; imsi?: string; payloads: { uplink: { packets: number } } });
    const mine = reports.filter((r) => r.imsi === imsiOf(0));
    // one interval (60 s) in this test: the workers' parts are merged into one report for the device
    assert.equal(sum.lateReportParts, 0);
    assert.equal(mine.length, 1, 'one report for the device, whichever workers carried it');
    assert.equal(sum.mergedReportParts, busy - 1, 'a part per busy worker, merged');
    assert.equal(mine[0].payloads.uplink.packets, sent, 'the merged report counts every packet once');
  });

  it('refuses --workers > 1 in file mode and bump mode without the native addon, with the reason', async (t) => {
    const dir = tempDir(t);
    const fleet = join(dir, 'fleet.yaml');
    writeFileSync(
      fleet,
      ['operator: { id: op-mw }', 'gateway:', '  id: gw-mw', '  deviceSubnets: [10.128.0.0/24]', '  ports:', `    devices: { kind: pcap, file: ${join(dir, 'x.pcap')} }`, 'devices: []', ''].join('\n'),
    );
    await assert.rejects(run(['--config', fleet, '--workers', '2', '--quiet']), (e: unknown) => {
      assert.ok(e instanceof FleetgateError);
      assert.equal(e.code, 'FG_ERR_USAGE');
      assert.match(e.message, /--workers 2: several workers need live ports .* file mode, which runs on one thread/);
      return true;
    });
    await assert.rejects(run(['--config', fleet, '--workers', '0']), /--workers must be an integer from 1 to 64/);

    // bump mode without the native addon: a clear FG_ERR_UNSUPPORTED before anything is opened
    const bump = join(dir, 'bump.yaml');
    writeFileSync(
      bump,
      ['operator: { id: op-mw }', 'gateway:', '  id: gw-mw', '  deviceSubnets: [10.128.0.0/24]', '  ports:', '    devices: { kind: geneve, address: 127.0.0.1, port: 6999 }', 'devices: []', ''].join('\n'),
    );
    const saved = process.env.FLEETGATE_NATIVE_PATH;
    process.env.FLEETGATE_NATIVE_PATH = join(dir, 'missing.node');
    try {
      await assert.rejects(run(['--config', bump, '--workers', '2', '--quiet']), (e: unknown) => {
        assert.ok(e instanceof FleetgateError);
        assert.equal(e.code, 'FG_ERR_UNSUPPORTED');
        assert.match(e.message, /--workers 2: several workers share the geneve port with SO_REUSEPORT, which needs the native addon/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.FLEETGATE_NATIVE_PATH;
      else process.env.FLEETGATE_NATIVE_PATH = saved;
    }
  });
});
