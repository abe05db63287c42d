// `fleetgate gateway --workers 2` as a loopback bump in the wire WITH redirection (no root needed): 16
// devices, half of them talking to port 8080 (selected), the others to 7000. Both the devices port and
// the redirection return port are SO_REUSEPORT groups steered by the symmetric hash of the inner
// addresses, so a packet the peer returns reaches the worker that sent it there, which holds its way
// back (BumpPaths). The peer is a UDP socket playing an appliance that returns every datagram it gets.
//
// Checked: both workers carried traffic; every datagram came back, byte for byte, to the socket that sent
// it; the peer got the selected flows only; the merged counters say every selected packet was redirected
// and returned, none dropped; Inspection counted each packet once. Twice: with a fixed localPort, and
// with `localPort: 0` (worker 0 binds an ephemeral port, the other worker joins it): every datagram at
// the peer then comes from that one port, as an appliance that returns to one configured port needs.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Background } from '../../e2e/_support/netns.js';
import { stoppedSummary } from '../../e2e/_support/junction-lab.js';
import { bindLoopback, waitFor } from '../../_support/loopback-vxlan.js';
import { needNative } from '../../_support/tools.js';
import { buildFrame } from '../../../src/packet/build/compose.js';
import { flowWorkerOfIpv4 } from '../../../src/io/native/flow-hash.js';
import { parseIPv4 } from '../../../src/core/ip.js';

const DEVICES = 16;
const PER_DEVICE = 10;
const base = 20000 + Math.floor(Math.random() * 20000);
const GW_PORT = base;
const RETURN_PORT = base + 1;
const PEER_PORT = base + 2;
const ipOf = (d: number) => `10.128.0.${d + 2}`;
/** Half the devices talk to port 8080 (selected), on both workers (the steering hash follows the address parity here). */
const selected = (d: number) => d % 4 < 2;
const dportOf = (d: number) => (selected(d) ? 8080 : 7000);

function datagram(d: number, seq: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = 0x08;
  h.writeUIntBE(100 + d, 4, 3); // a VNI per device: each must come back with its own
  const frame = buildFrame({ ip: { src: ipOf(d), dst: '10.129.0.10' }, udp: { sport: 5000, dport: dportOf(d) }, payload: `dev ${d} seq ${String(seq).padStart(4, '0')} ${'.'.repeat(24)}` });
  return Buffer.concat([h, frame]);
}

interface Summary {
  perWorkerFrames: number[];
  ipPackets: number;
  forwarding: { returned: number };
  redirection: { redirected: number; returned: number; drops: number };
}

describe('gateway --workers 2: bump in the wire with redirection (loopback)', { timeout: 60_000 }, () => {
  it('returns every datagram to its sender with its header, the selected flows through the peer, on both workers', async (t) => {
    await bumpRedirectRun(t, RETURN_PORT);
  });

  it('localPort 0: both workers share the port the kernel picked for worker 0', async (t) => {
    await bumpRedirectRun(t, 0);
  });

  it('a reload from a fixed localPort to 0: worker 0 binds a new port, the other joins it', async (t) => {
    await bumpRedirectRun(t, RETURN_PORT, 0);
  });
});

/**
 * The loopback run with the redirection's localPort (0 = ephemeral); with `reloadTo`, half the traffic,
 * then a SIGHUP with that localPort, then the other half.
 */
async function bumpRedirectRun(t: TestContext, localPort: number, reloadTo?: number): Promise<void> {
  if (!needNative(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'fg-mwr-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fleet = join(dir, 'fleet.yaml');
  const lines = (port: number) => [
    'operator: { id: op-mwr }',
    'gateway:',
    '  id: gw-mwr',
    '  deviceSubnets: [10.128.0.0/24]',
    '  ports:',
    `    devices: { kind: vxlan, address: 127.0.0.1, port: ${GW_PORT}, replyPort: 0 }`,
    '  junction:',
    '    redirection:',
    `      localPort: ${port}`,
    `      primary: { address: 127.0.0.1, protocol: vxlan, port: ${PEER_PORT} }`,
    '      selector: { ports: [8080] }',
    'devices:',
    ...Array.from({ length: DEVICES }, (_, d) => `  - { imsi: "0010100000002${String(d).padStart(2, '0')}", ip: ${ipOf(d)} }`),
  ];
  writeFileSync(fleet, lines(localPort).join('\n') + '\n');

  const sent: string[][] = Array.from({ length: DEVICES }, () => []);
  const got: string[][] = Array.from({ length: DEVICES }, () => []);
  const socks: Socket[] = [];
  for (let d = 0; d < DEVICES; d++) {
    const s = createSocket('udp4');
    s.on('message', (m) => got[d].push(m.toString('hex')));
    await bindLoopback(s, 0);
    socks.push(s);
  }
  const peer = createSocket('udp4');
  let atPeer = 0;
  // the return ports the peer saw datagrams from, before and after the reload
  const fromPorts = [new Set<number>(), new Set<number>()];
  let phase = 0;
  peer.on('message', (m, r) => {
    atPeer++;
    fromPorts[phase].add(r.port);
    peer.send(m, r.port, r.address);
  });
  await bindLoopback(peer, PEER_PORT);
  t.after(() => {
    for (const s of socks) s.close();
    peer.close();
  });

  const script = resolve(process.cwd(), 'dist/test/e2e/_support/run-gateway.js');
  const gw = new Background(spawn(process.execPath, [script, '--config', fleet, '--workers', '2', '--out', join(dir, 'r.jsonl'), '--status-every', '0'], { stdio: ['ignore', 'pipe', 'pipe'] }));
  t.after(() => gw.stop('SIGKILL'));
  await gw.waitFor(/fleetgate gateway: ready \(bump\): .*2 workers.*redirection to 127\.0\.0\.1/, 'the gateway');

  const total = () => got.reduce((a, g) => a + g.length, 0);
  for (let i = 0; i < PER_DEVICE; i++) {
    if (reloadTo !== undefined && i === PER_DEVICE / 2) {
      await waitFor(() => total() >= i * DEVICES, () => `the first half back (got ${total()})`);
      writeFileSync(fleet, lines(reloadTo).join('\n') + '\n');
      gw.child.kill('SIGHUP');
      await gw.waitFor(/reloaded .* on 2 of 2 workers.*redirection replaced/, 'the reload');
      phase = 1;
    }
    for (let d = 0; d < DEVICES; d++) {
      const m = datagram(d, i);
      sent[d].push(m.toString('hex'));
      socks[d].send(m, GW_PORT, '127.0.0.1');
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const want = DEVICES * PER_DEVICE;
  await waitFor(() => total() >= want, () => `${want} datagrams back (got ${total()}, ${atPeer} at the peer)`);
  assert.equal(await gw.stop('SIGTERM'), 0, gw.out);

  for (let d = 0; d < DEVICES; d++) assert.deepEqual([...got[d]].sort(), [...sent[d]].sort(), `device ${d}: each datagram back, byte for byte (VNI ${100 + d})`);
  const nSelected = (DEVICES / 2) * PER_DEVICE;
  // the selected devices' flows are steered to both workers: both kept ways back and got returns
  const sel = Array.from({ length: DEVICES }, (_, d) => d).filter(selected);
  const selWorkers = new Set(sel.map((d) => flowWorkerOfIpv4(parseIPv4(ipOf(d)), parseIPv4('10.129.0.10'), 2)));
  assert.equal(selWorkers.size, 2, 'the selected flows are spread over both workers');
  assert.equal(atPeer, nSelected, 'the peer got the port-8080 flows only');
  const ports = fromPorts.map((p) => [...p]);
  t.diagnostic(`localPort ${localPort}${reloadTo !== undefined ? ` then ${reloadTo}` : ''}: the peer got datagrams from port(s) ${JSON.stringify(ports)}`);
  for (const [k, want] of (reloadTo === undefined ? [localPort] : [localPort, reloadTo]).entries()) {
    assert.equal(ports[k].length, 1, `both workers send from one return port (phase ${k})`);
    if (want !== 0) assert.equal(ports[k][0], want);
    else assert.notEqual(ports[k][0], RETURN_PORT, 'an ephemeral port, not the fixed one');
  }
  const sum = stoppedSummary(gw.out) as unknown as Summary;
  t.diagnostic(`per-worker frames ${JSON.stringify(sum.perWorkerFrames)}, redirection ${JSON.stringify(sum.redirection)}`);
  assert.ok(sum.perWorkerFrames.every((n) => n > 0), `both workers carried traffic: ${JSON.stringify(sum.perWorkerFrames)}`);
  assert.equal(sum.ipPackets, want, 'each packet counted once');
  assert.equal(sum.redirection.redirected, nSelected);
  assert.equal(sum.redirection.returned, nSelected);
  assert.equal(sum.redirection.drops, 0, 'every returned packet reached the worker that kept its way back');
  assert.equal(sum.forwarding.returned, want);
}
