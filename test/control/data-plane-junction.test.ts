// The API-driven data plane's Junction: real VXLAN mirroring to a local UDP socket from the store's
// peers (counters kept across a reconfiguration), peers that cannot run shown in state 'error',
// count-only redirection, and the directional (up/down) counters.
import test from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { parseConfigObject } from '../../src/control/config/load-config.js';
import { LiveDataPlane, type GatewayRuntime } from '../../src/control/live-data-plane.js';
import { fleetDescription, LiveSimulator } from '../../src/sim/index.js';
import { filterRules, redirectionFromStore, redirectionProblems } from '../../src/control/junction-config.js';
import { openVxlanSink } from '../ui/_support/vxlan-sink.js';

interface Harness {
  store: Store;
  dp: LiveDataPlane;
  rt: GatewayRuntime;
  gw: string;
  actor: ReturnType<typeof systemActor>;
  /** Feeds simulated traffic up to `sec` seconds after the start, as one batch. */
  run(sec: number): void;
  close(): Promise<void>;
}

function harness(): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'fg-dpj-'));
  const sim = { devices: 10, seed: 3 };
  const fleet = parseConfigObject(fleetDescription(sim), '(sim)');
  const store = Store.open(':memory:');
  store.seedFromConfig(fleet);
  const gw = fleet.gateway.id;
  const actor = systemActor(fleet.operator.id);
  const dp = new LiveDataPlane({ store, captureDir: join(dir, 'captures'), outputsDir: join(dir, 'outputs'), flowCapacity: 4096 });
  const rt = dp.attach(gw);
  const t0 = 1_700_000_000_000_000;
  const simulator = new LiveSimulator({ ...sim, durationSec: 3600, startTimeUs: t0 });
  const emit = (buf: Uint8Array, off: number, len: number, tsUs: number) => rt.feed(buf, off, len, len, tsUs);
  return {
    store,
    dp,
    rt,
    gw,
    actor,
    run(sec) {
      rt.beginBatch();
      simulator.nextBatch(t0 + sec * 1e6, emit);
      rt.endBatch();
    },
    async close() {
      await rt.junction.close();
      dp.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}


async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((d) => setTimeout(d, 20));
}

/** Runs second by second, letting the sink read each batch's copies (a loopback socket buffer is small). */
async function runPaced(h: Harness, from: number, to: number, sink: { got: Buffer[] }, address: string): Promise<void> {
  for (let s = from; s <= to; s++) {
    h.run(s);
    const sent = h.dp.junctionStatus(h.gw)?.mirroring.find((p) => p.address === address)?.sent ?? 0;
    await until(() => sink.got.length >= sent, 1000);
  }
}

test('junction-config: API peer filters become accept rules per direction, redirection maps to the data path config', () => {
  const rules = filterRules({ protocols: ['tcp'], cidrs: ['203.0.113.0/24'], ports: [443, 444, 445, 8883] });
  assert.equal(rules.length, 4); // 2 port ranges x 2 directions
  assert.deepEqual(
    rules.map((r) => [r.direction, r.destinationPorts ?? null, r.sourcePorts ?? null, r.destinationCidr ? 'dst' : r.sourceCidr ? 'src' : null]),
    [
      ['uplink', { from: 443, to: 445 }, null, 'dst'],
      ['uplink', { from: 8883, to: 8883 }, null, 'dst'],
      ['downlink', null, { from: 443, to: 445 }, 'src'],
      ['downlink', null, { from: 8883, to: 8883 }, 'src'],
    ],
  );
  assert.ok(rules.every((r) => r.action === 'accept' && r.protocol === 6));
  assert.throws(() => filterRules({ protocols: ['tcp', 'udp', 'icmp'], cidrs: Array.from({ length: 64 }, (_, i) => `10.${i}.0.0/16`), ports: Array.from({ length: 64 }, (_, i) => 1000 + 2 * i) }), /rules/);
  const r = redirectionFromStore({ enabled: true, gateway: { address: '198.51.100.1', protocol: 'geneve', vni: 7 }, selector: { groups: ['meters'], cidrs: ['203.0.113.0/24'], tags: ['x'] } });
  assert.equal(r?.primary.address, '198.51.100.1');
  assert.equal(r?.primary.port, 6081);
  assert.equal(r?.localPort, 0);
  assert.deepEqual(r?.selector?.groups, ['meters']);
  assert.equal(r?.selector?.destinations?.length, 1);
  assert.equal(redirectionFromStore(null), null);
  assert.match(redirectionProblems({ enabled: true, gateway: { address: '198.51.100.1', protocol: 'vxlan', vni: 7 }, selector: { tags: ['x'] } })[0], /tags \(x\)/);
});

test('data plane junction: VXLAN copies reach the peer, counters survive a reconfiguration, bad peers show an error state', { timeout: 20_000 }, async (t) => {
  const h = harness();
  const sink = await openVxlanSink();
  try {
    h.run(5);
    assert.deepEqual(h.dp.junctionStatus(h.gw), { mirroring: [], redirection: null, problems: [] });
    h.store.gateways.addPeer(h.actor, h.gw, { ipAddress: sink.address, protocol: 'vxlan', vni: 42, enabled: true });
    h.run(6); // takes the snapshot, starts connecting
    await h.rt.junction.ready;
    await runPaced(h, 7, 20, sink, sink.address);
    const st1 = h.dp.junctionStatus(h.gw)!.mirroring[0];
    assert.equal(st1.state, 'mirroring');
    assert.ok((st1.sent ?? 0) > 50, JSON.stringify(st1));
    await until(() => sink.got.length >= (st1.sent ?? 0));
    assert.equal(sink.got.length, st1.sent);
    const v = sink.got[0];
    assert.equal(v[0], 0x08); // VXLAN flags: VNI present
    assert.equal((v[4] << 16) | (v[5] << 8) | v[6], 42);
    const bytes = sink.got.reduce((n, b) => n + b.length, 0);
    assert.equal(st1.bytes, bytes);

    // A second (disabled) and a third (invalid: its filter is too large) peer: the first keeps counting.
    h.store.gateways.addPeer(h.actor, h.gw, { ipAddress: '192.0.2.200', protocol: 'vxlan', enabled: false });
    h.store.gateways.addPeer(h.actor, h.gw, {
      ipAddress: '192.0.2.201',
      protocol: 'vxlan',
      enabled: true,
      filter: { protocols: ['tcp', 'udp', 'icmp'], cidrs: Array.from({ length: 64 }, (_, i) => `10.${i}.0.0/16`), ports: Array.from({ length: 64 }, (_, i) => 1000 + 2 * i) },
    });
    h.run(21);
    await h.rt.junction.ready;
    await runPaced(h, 22, 30, sink, sink.address);
    const st2 = h.dp.junctionStatus(h.gw)!.mirroring;
    const first = st2.find((p) => p.address === sink.address)!;
    assert.equal(first.state, 'mirroring');
    assert.ok((first.sent ?? 0) > (st1.sent ?? 0), `${first.sent} after ${st1.sent}`);
    assert.equal(st2.find((p) => p.address === '192.0.2.200')?.state, 'disabled');
    const bad = st2.find((p) => p.address === '192.0.2.201')!;
    assert.equal(bad.state, 'error');
    assert.match(bad.error ?? '', /rules/);
    await until(() => sink.got.length >= (first.sent ?? 0));
    assert.equal(sink.got.length, first.sent);

    // A GRE peer: needs the native raw socket (root). Either it mirrors or it says why not; the data
    // path keeps running either way.
    h.store.gateways.addPeer(h.actor, h.gw, { ipAddress: '127.0.0.1', protocol: 'gre', key: 5, enabled: true });
    const frames = h.rt.counters().frames;
    h.run(31);
    await h.rt.junction.ready;
    h.run(40);
    assert.ok(h.rt.counters().frames > frames);
    const gre = h.dp.junctionStatus(h.gw)!.mirroring.find((p) => p.address === '127.0.0.1')!;
    assert.ok(gre.state === 'mirroring' || (gre.state === 'error' && (gre.error ?? '').length > 0), JSON.stringify(gre));
    t.diagnostic(`vxlan peer: ${first.sent} copies, ${first.bytes} bytes received; gre peer: ${gre.state} ${gre.error ?? `${gre.sent} sent`}`);
  } finally {
    sink.sock.close();
    await h.close();
  }
});

test('data plane junction: count-only redirection and directional counters', { timeout: 20_000 }, async () => {
  const h = harness();
  try {
    h.store.gateways.setRedirection(h.actor, h.gw, {
      enabled: true,
      gateway: { address: '198.51.100.1', protocol: 'vxlan', vni: 10 },
      standby: { address: '198.51.100.2', protocol: 'vxlan', vni: 10 },
    });
    h.run(1); // applies the snapshot at the batch boundary: traffic from here on is selected
    const before = h.rt.counters().ipPackets;
    h.run(30);
    const c = h.rt.counters();
    const red = h.dp.junctionStatus(h.gw)!.redirection!;
    assert.equal(red.mode, 'count-only');
    assert.equal(red.active, 'primary');
    // no selector: every IP packet after the switch-on is counted as redirected, none dropped
    assert.equal(red.redirected, c.ipPackets - before);
    assert.ok(red.redirected > 100);
    assert.equal(red.peers[0].packets, red.redirected);
    assert.equal(red.peers[0].queueDrops, 0);
    assert.deepEqual(
      red.peers.map((p) => [p.role, p.address, p.healthy, p.state, p.switches]),
      [
        ['primary', '198.51.100.1', true, 'unprobed', 0],
        ['standby', '198.51.100.2', true, 'unprobed', 0],
      ],
    );
    // Directional counters add up to the IP totals and both directions carry traffic.
    assert.equal(c.upPackets + c.downPackets, c.ipPackets);
    assert.equal(c.upBytes + c.downBytes, c.ipBytes);
    assert.ok(c.upPackets > 0 && c.downPackets > 0, JSON.stringify(c));
    // Disabled redirection: nothing runs.
    h.store.gateways.setRedirection(h.actor, h.gw, { enabled: false, gateway: { address: '198.51.100.1', protocol: 'vxlan', vni: 10 } });
    h.run(31);
    assert.equal(h.dp.junctionStatus(h.gw)!.redirection, null);
  } finally {
    await h.close();
  }
});
