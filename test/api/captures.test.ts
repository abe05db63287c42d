// Packet capture sessions, counters and history against the real pipeline fed by the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../src/control/store/store.js';
import { systemActor } from '../../src/control/auth/actor.js';
import { LiveDataPlane } from '../../src/control/live-data-plane.js';
import { parseConfigObject } from '../../src/control/config/load-config.js';
import { LiveSimulator, fleetDescription, type SimOptions } from '../../src/sim/index.js';
import { startApi } from './api-harness.js';

/** IPv4 addresses of each Ethernet/IPv4 frame in a classic little-endian pcap. */
function pcapFrames(buf: Buffer): { src: string; dst: string }[] {
  assert.equal(buf.readUInt32LE(0), 0xa1b2c3d4);
  const out: { src: string; dst: string }[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const cap = buf.readUInt32LE(o + 8);
    const f = o + 16;
    if (buf.readUInt16BE(f + 12) === 0x0800) out.push({ src: [...buf.subarray(f + 26, f + 30)].join('.'), dst: [...buf.subarray(f + 30, f + 34)].join('.') });
    o = f + cap;
  }
  return out;
}

test('capture one device and the whole gateway; download pcaps; counters and history fill up', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-cap-'));
  const store = Store.open(':memory:');
  const simOpts: SimOptions = { devices: 8, seed: 3, startTimeUs: Date.now() * 1000, durationSec: 3600 };
  const cfg = parseConfigObject(fleetDescription(simOpts), '(sim)');
  store.seedFromConfig(cfg);
  const key = store.operators.createKey(systemActor(cfg.operator.id), 'admin', ['read', 'write']).key;
  const dataPlane = new LiveDataPlane({ store, captureDir: dir, flowCapacity: 1 << 14 });
  const h = await startApi({ store, dataPlane });
  const sim = new LiveSimulator(simOpts);
  const rt = dataPlane.attach(cfg.gateway.id);
  let simUs = simOpts.startTimeUs!;
  const run = (sec: number) => {
    rt.beginBatch();
    simUs += sec * 1e6;
    sim.nextBatch(simUs, (buf, off, len, ts) => rt.feed(buf, off, len, len, ts));
    rt.endBatch();
  };
  try {
    const gw = cfg.gateway.id;
    const base = `/v1/gateways/${gw}/packet_capture_sessions`;
    const device = cfg.devices[2];
    // validation: device outside the subnets, duration out of range
    assert.equal((await h.call(key, 'POST', base, { duration: 5, deviceIp: '8.8.8.8' })).json.error.code, 'FG_API_VALIDATION');
    assert.equal((await h.call(key, 'POST', base, { duration: 0 })).json.error.code, 'FG_API_VALIDATION');
    assert.equal((await h.call(key, 'POST', base, { duration: 5, imsi: '999999999999999' })).status, 404);

    let r = await h.call(key, 'POST', base, { duration: 1, imsi: device.imsi, prefix: 'dev_' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.status, 'CAPTURING');
    assert.equal(r.json.deviceIp, device.ip);
    const devSession = r.json.sessionId as string;
    const all = (await h.call(key, 'POST', base, { duration: 3600 })).json.sessionId as string;
    assert.equal((await h.call(key, 'GET', `${base}/${devSession}/pcap`)).json.error.code, 'FG_API_CONFLICT');

    run(120); // two minutes of fleet traffic, fast-forwarded
    r = await h.call(key, 'POST', `${base}/${all}/stop`);
    assert.equal(r.json.status, 'STOPPED');
    assert.match(r.json.url, /\/pcap$/);
    const until = Date.now() + 3000;
    while ((await h.call(key, 'GET', `${base}/${devSession}`)).json.status === 'CAPTURING' && Date.now() < until) await new Promise((res) => setTimeout(res, 50));
    r = await h.call(key, 'GET', `${base}/${devSession}`);
    assert.equal(r.json.status, 'DONE');
    assert.ok(r.json.endedTime >= r.json.startedTime);

    const dl = await fetch(`${h.base}${base}/${devSession}/pcap`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'application/vnd.tcpdump.pcap');
    assert.match(dl.headers.get('content-disposition') ?? '', /filename="dev_cap-/);
    const devFrames = pcapFrames(Buffer.from(await dl.arrayBuffer()));
    assert.ok(devFrames.length > 0, 'the device sent or received packets');
    assert.ok(devFrames.every((f) => f.src === device.ip || f.dst === device.ip), 'only that device');
    const allFrames = pcapFrames(Buffer.from(await (await fetch(`${h.base}${base}/${all}/pcap`, { headers: { authorization: `Bearer ${key}` } })).arrayBuffer()));
    assert.ok(allFrames.length > devFrames.length);
    assert.ok(new Set(allFrames.map((f) => f.src)).size > 2, 'several devices in the gateway capture');
    assert.deepEqual((await h.call(key, 'GET', base)).json.items.map((s: { status: string }) => s.status).sort(), ['DONE', 'STOPPED']);

    const c = (await h.call(key, 'GET', `/v1/gateways/${gw}/counters`)).json;
    assert.equal(c.running, true);
    assert.ok(c.counters.frames >= allFrames.length);
    assert.ok(c.counters.reportsEmitted > 0);

    const reports = (await h.call(key, 'GET', `/v1/reports?gateway=${gw}&device=${device.ip}`)).json.items as { payloads: { device: { ip: string } } }[];
    assert.ok(reports.length > 0);
    assert.ok(reports.every((x) => x.payloads.device.ip === device.ip));
    rt.close(); // ends every flow into the history
    const flows = (await h.call(key, 'GET', `/v1/flows?device=${device.imsi}&limit=1000`)).json.items as { device: { ip: string } }[];
    assert.ok(flows.length > 0);
    assert.ok(flows.every((f) => f.device.ip === device.ip));
  } finally {
    await h.close();
    dataPlane.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runtime takes a new snapshot at the next batch boundary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-snap-'));
  const store = Store.open(':memory:');
  try {
    const cfg = parseConfigObject(fleetDescription({ devices: 2 }), '(sim)');
    store.seedFromConfig(cfg);
    const dp = new LiveDataPlane({ store, captureDir: dir, flowCapacity: 1024 });
    const rt = dp.attach(cfg.gateway.id);
    const v0 = rt.snapshot.version;
    store.gateways.setInspection(systemActor(cfg.operator.id), cfg.gateway.id, { enabled: true, intervalSeconds: 20 });
    assert.equal(rt.snapshot.version, v0, 'not mid-batch');
    rt.beginBatch();
    assert.ok(rt.snapshot.version > v0);
    assert.equal(rt.snapshot.intervalUs, 20e6);
    dp.close();
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
