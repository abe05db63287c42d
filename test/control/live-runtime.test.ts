// LiveDataPlane.attachLive over a port (here a pcap file port: no root needed): the LiveGateway runs the
// runtime's pipeline, its afterPacket hook feeds the direction counters and the capture tap, its own
// LiveJunction mirrors to a peer from the store (VXLAN to a local UDP socket), a redirection the mode
// cannot run is reported as a problem, and reports and flows reach the store's history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { loadConfig } from '../../src/control/config/load-config.js';
import { LiveDataPlane } from '../../src/control/live-data-plane.js';
import { openPorts } from '../../src/pipeline/live-ports.js';
import { writeSimCapture } from '../_support/sim-capture.js';

// a loopback address of its own: the VXLAN mirror port is fixed (4789)
const PEER = '127.0.0.77';

test('attachLive: the live gateway over a port, controlled by the store', async (t) => {
  const sim = await writeSimCapture({ devices: 5, durationSec: 40, seed: 7 });
  t.after(() => rmSync(sim.dir, { recursive: true, force: true }));
  const cfg = loadConfig(sim.config);
  const gwId = cfg.gateway.id;
  const store = Store.open(':memory:');
  t.after(() => store.close());
  store.seedFromConfig(cfg);
  const actor = systemActor(cfg.operator.id);

  let copies = 0;
  const sock = createSocket('udp4');
  sock.on('message', (m) => {
    if (m.length > 8 && m.readUIntBE(4, 3) === 31) copies++;
  });
  await new Promise<void>((r) => sock.bind(4789, PEER, r));
  t.after(() => sock.close());
  store.gateways.addPeer(actor, gwId, { ipAddress: PEER, protocol: 'vxlan', vni: 31, enabled: true });
  store.gateways.setRedirection(actor, gwId, { enabled: true, gateway: { address: '192.0.2.2', protocol: 'vxlan', vni: 10 } });

  const dp = new LiveDataPlane({ store, captureDir: join(sim.dir, 'captures'), flowCapacity: 1 << 14 });
  let ended!: () => void;
  const fileEnd = new Promise<void>((r) => (ended = r));
  const attaching = dp.attachLive(gwId, openPorts({ devices: { kind: 'pcap', file: sim.pcap, pace: 'fast' }, gatewayMac: '02:66:67:00:00:01' }, { onFileEnd: () => ended() }));
  // the runtime exists at once; frames flow only once the ports are open
  let pcapPath: string | null = null;
  const captured = new Promise<void>((r) => dp.startCapture(gwId, {}, 60, (p) => ((pcapPath = p), r())));
  const rt = await attaching;
  assert.equal(rt.gateway?.mode, 'file');
  await fileEnd;
  await new Promise((r) => setTimeout(r, 200)); // the last batch's copies leave the socket

  const c = dp.counters(gwId);
  assert.ok(c);
  assert.equal(c.frames, sim.frames, 'every frame of the file went through the pipeline');
  assert.equal(c.upPackets + c.downPackets, c.ipPackets, 'the afterPacket hook counted every IP packet by direction');
  assert.equal(c.toNetwork, 0, 'a file port forwards nothing');
  const j = dp.junctionStatus(gwId);
  assert.ok(j);
  assert.equal(j.mirroring.length, 1);
  assert.equal(j.mirroring[0].state, 'mirroring');
  assert.ok((j.mirroring[0].sent ?? 0) > 0);
  // a fast file replay bursts faster than a loopback socket's buffer: some copies are dropped by the kernel
  assert.ok(copies > 0 && copies <= (j.mirroring[0].sent ?? 0), `copies arrived at the peer (${copies})`);
  assert.equal(j.redirection, null, 'a file port cannot redirect');
  assert.match(j.problems.join('\n'), /\(bump, vpg or routed mode\), not file/);
  t.diagnostic(`${c.frames} frames, ${c.ipPackets} IP packets (${c.upPackets} up, ${c.downPackets} down), ${j.mirroring[0].sent} mirror copies sent, ${copies} received`);

  // a change through the store reaches the running gateway: the peer disabled
  store.gateways.updatePeer(actor, gwId, PEER, { protocol: 'vxlan', vni: 31, enabled: false });
  await rt.junction.ready;
  assert.equal(dp.junctionStatus(gwId)?.mirroring[0].state, 'disabled');

  rt.captures[0]?.finish();
  await captured;
  assert.ok(pcapPath);
  const pcap = readFileSync(pcapPath);
  assert.equal(pcap.readUInt32LE(20), 1, 'the capture keeps the frames link type (Ethernet here)');

  await dp.closeAndDrain();
  const reports = store.history.reports({ operatorId: cfg.operator.id, gatewayId: gwId, limit: 1000 });
  assert.ok(reports.length > 0, 'reports reached the store');
  const attributed = reports.reduce((n, r) => n + r.payloads.uplink.packets + r.payloads.downlink.packets, 0);
  assert.equal(attributed, c.ipPackets - c.unattributedPackets, 'reports hold every attributed packet');
});
