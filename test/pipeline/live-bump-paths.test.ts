// BumpPaths (bump-mode redirection): the way back of a redirected flow's packets, per direction, found
// again from the bare IP packet a peer returns; shared by flows of one 5-tuple in different VNIs; bounded
// (records reused, a live flow's only when the store is full, counted); non-first fragments follow the
// first one's path; a packet with no path is counted.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pipeline } from '../../src/pipeline/worker.js';
import { DeviceDirectory } from '../../src/control/devices/device-directory.js';
import { BumpPaths } from '../../src/pipeline/live-bump-paths.js';
import { buildIpPacket } from '../../src/packet/build/compose.js';
import { LinkType } from '../../src/core/layers.js';

const DEV = '10.1.0.5';
const SRV = '10.9.0.1';

function setup(capacity = 64, maxRecords?: number): { pipeline: Pipeline; paths: BumpPaths; track(pkt: Uint8Array): { idx: number; dir: number } } {
  const pipeline = new Pipeline({ operatorId: 'op', gatewayId: 'gw', intervalUs: 60e6, flowCapacity: capacity, devices: DeviceDirectory.fromSubnets(['10.1.0.0/16']) });
  const paths = new BumpPaths(pipeline.flows, maxRecords);
  let ts = 1_000_000;
  const track = (pkt: Uint8Array): { idx: number; dir: number } => {
    pipeline.processFrame(pkt, 0, pkt.length, pkt.length, (ts += 1000), LinkType.RAW, 0);
    return { idx: pipeline.view.flowIdx, dir: pipeline.view.flowDir };
  };
  return { pipeline, paths, track };
}

const udp = (src: string, dst: string, sport: number, dport: number, payload = 'x'.repeat(32)): Uint8Array => buildIpPacket({ ip: { src, dst }, udp: { sport, dport }, payload });
const hdr = (tag: number, len = 8): Uint8Array => Uint8Array.from({ length: len }, (_, i) => (tag + i) & 0xff);

describe('BumpPaths', () => {
  it('keeps one path per direction and finds it from the returned packet; writes prefix + packet', () => {
    const { paths, track } = setup();
    const up = udp(DEV, SRV, 40000, 8080);
    const down = udp(SRV, DEV, 8080, 40000);
    const a = track(up);
    paths.remember(a.idx, a.dir, 0x7f000001, 50001, hdr(1, 22), 0, 22);
    const b = track(down);
    assert.equal(b.idx, a.idx);
    paths.remember(b.idx, b.dir, 0x7f000002, 50002, hdr(2, 22), 0, 22);
    const d = paths.find(up, 0, up.length);
    assert.ok(d >= 0);
    assert.deepEqual([paths.addr, paths.port, paths.prefixLen(d)], [0x7f000001, 50001, 22]);
    const out = new Uint8Array(200);
    const n = paths.writeDatagram(d, out, 3, up, 0, up.length, false);
    assert.equal(n, 22 + up.length);
    assert.deepEqual(out.subarray(3, 25), hdr(1, 22));
    assert.deepEqual(out.subarray(25, 25 + up.length), up);
    const e = paths.find(down, 0, down.length);
    assert.deepEqual([paths.addr, paths.port], [0x7f000002, 50002]);
    assert.notEqual(e, d);
    assert.equal(paths.noPath, 0);
    assert.equal(paths.find(udp(DEV, SRV, 40000, 8081), 0, 60), -1, 'another flow: no path');
    assert.equal(paths.noPath, 1);
  });

  it('IPv6 flows too, and a padded or shortened packet does not confuse the lookup', () => {
    const { paths, track } = setup();
    const up = udp('fd00:66::10', 'fd00:77::10', 40000, 8080);
    const down = udp('fd00:77::10', 'fd00:66::10', 8080, 40000);
    const a = track(up);
    paths.remember(a.idx, a.dir, 5, 6081, hdr(6, 16), 0, 16);
    const b = track(down);
    paths.remember(b.idx, b.dir, 6, 6081, hdr(7, 16), 0, 16);
    assert.ok(paths.find(up, 0, up.length) >= 0);
    assert.deepEqual([paths.addr, paths.port], [5, 6081]);
    const padded = new Uint8Array(down.length + 6);
    padded.set(down);
    assert.ok(paths.find(padded, 0, padded.length) >= 0);
    assert.equal(paths.addr, 6);
    assert.equal(paths.find(up, 0, 30), -1, 'a cut header: no path, no throw');
  });

  it('GTP-U: the length field is rewritten for the returned packet', () => {
    const { paths, track } = setup();
    const up = udp(DEV, SRV, 40000, 8080);
    const a = track(up);
    const g = Uint8Array.of(0x30, 0xff, 0x00, 0x00, 0x0b, 0xad, 0xca, 0xfe);
    paths.remember(a.idx, a.dir, 1, 2152, g, 0, 8);
    const d = paths.find(up, 0, up.length);
    const out = new Uint8Array(200);
    paths.writeDatagram(d, out, 0, up, 0, up.length, true);
    assert.equal((out[2] << 8) | out[3], up.length);
    assert.deepEqual(out.subarray(4, 8), g.subarray(4, 8), 'TEID as it came');
  });

  it('two flows of one 5-tuple (the directions in two VNIs) share the record, each direction its own path', () => {
    const { paths, pipeline } = setup();
    // the same 5-tuple in two VXLAN VNIs is two flows for the pipeline: give them by hand
    const up = udp(DEV, SRV, 40000, 8080);
    const down = udp(SRV, DEV, 8080, 40000);
    const ts = 1_000_000;
    const vx = (vni: number, ip: Uint8Array): Uint8Array => {
      const f = new Uint8Array(8 + 14 + ip.length);
      f[0] = 0x08;
      f[4] = vni >> 16;
      f[5] = (vni >> 8) & 0xff;
      f[6] = vni & 0xff;
      f[8 + 12] = 0x08;
      f.set(ip, 22);
      return f;
    };
    const outer = (d: Uint8Array): Uint8Array => {
      const o = new Uint8Array(28 + d.length);
      o.set(buildIpPacket({ ip: { src: '192.0.2.1', dst: '192.0.2.2' }, udp: { sport: 5000, dport: 4789 }, payload: '' }).subarray(0, 28));
      o[2] = (o.length >> 8) & 0xff;
      o[3] = o.length & 0xff;
      o[24] = ((8 + d.length) >> 8) & 0xff;
      o[25] = (8 + d.length) & 0xff;
      o.set(d, 28);
      return o;
    };
    const f1 = outer(vx(42, up));
    pipeline.processFrame(f1, 0, f1.length, f1.length, ts, LinkType.IPV4, 0);
    const a = { idx: pipeline.view.flowIdx, dir: pipeline.view.flowDir };
    paths.remember(a.idx, a.dir, 11, 1, hdr(42), 0, 8);
    const f2 = outer(vx(43, down));
    pipeline.processFrame(f2, 0, f2.length, f2.length, ts + 1, LinkType.IPV4, 0);
    const b = { idx: pipeline.view.flowIdx, dir: pipeline.view.flowDir };
    assert.notEqual(b.idx, a.idx, 'two flows');
    assert.equal(b.dir, 0, 'each its own side A');
    paths.remember(b.idx, b.dir, 22, 2, hdr(43), 0, 8);
    assert.ok(paths.find(up, 0, up.length) >= 0);
    assert.equal(paths.addr, 11, 'the uplink goes back to the uplink sender');
    assert.ok(paths.find(down, 0, down.length) >= 0);
    assert.equal(paths.addr, 22);
    // the first flow again: it finds the shared record, the downlink path stays
    paths.remember(a.idx, a.dir, 33, 3, hdr(42), 0, 8);
    paths.find(down, 0, down.length);
    assert.equal(paths.addr, 22);
    paths.find(up, 0, up.length);
    assert.equal(paths.addr, 33);
    assert.equal(paths.noPath, 0);
  });

  it('stays bounded: records are reused, live ones only when full (counted), and grow up to the maximum', () => {
    const { paths, track } = setup(64, 4);
    const pkts = Array.from({ length: 10 }, (_, i) => udp(DEV, SRV, 40000 + i, 8080));
    for (const p of pkts) {
      const a = track(p);
      paths.remember(a.idx, a.dir, 1, 4789, hdr(9), 0, 8);
    }
    assert.equal(paths.records, 4);
    assert.equal(paths.recycledLive, 6);
    let found = 0;
    for (const p of pkts) if (paths.find(p, 0, p.length) >= 0) found++;
    assert.equal(found, 4, 'the 4 latest flows keep their path');
    assert.ok(paths.find(pkts[9], 0, pkts[9].length) >= 0);
    assert.equal(paths.find(pkts[0], 0, pkts[0].length), -1);
    // the oldest flow sends again: it takes a record back
    const a = track(pkts[0]);
    paths.remember(a.idx, a.dir, 1, 4789, hdr(9), 0, 8);
    assert.ok(paths.find(pkts[0], 0, pkts[0].length) >= 0);
    // a larger store grows by doubling up to its maximum
    const big = setup(4096);
    for (let i = 0; i < 600; i++) {
      const p = udp(DEV, SRV, 20000 + i, 8080);
      const b = big.track(p);
      big.paths.remember(b.idx, b.dir, 1, 4789, hdr(9), 0, 8);
    }
    assert.equal(big.paths.records, 1024);
    assert.equal(big.paths.recycledLive, 0);
    for (let i = 0; i < 600; i += 97) {
      const p = udp(DEV, SRV, 20000 + i, 8080);
      assert.ok(big.paths.find(p, 0, p.length) >= 0, `flow ${i} after growing`);
    }
  });

  it('a prefix longer than MAX_PATH_HDR is not kept (counted)', () => {
    const { paths, track } = setup();
    const up = udp(DEV, SRV, 40000, 8080);
    const a = track(up);
    paths.remember(a.idx, a.dir, 1, 4789, new Uint8Array(400), 0, 400);
    assert.equal(paths.tooLong, 1);
    assert.equal(paths.find(up, 0, up.length), -1);
  });

  it('non-first fragments follow the path of their first fragment', () => {
    const { paths, track } = setup();
    const whole = udp(DEV, SRV, 40000, 8080, 'y'.repeat(64));
    const a = track(whole);
    paths.remember(a.idx, a.dir, 7, 4789, hdr(5), 0, 8);
    // first fragment: MF, offset 0, id 0x4242; second: offset 40 bytes (5 units), no UDP header
    const first = Uint8Array.from(whole.subarray(0, 20 + 40));
    first[4] = 0x42;
    first[5] = 0x42;
    first[6] = 0x20;
    first[7] = 0;
    first[2] = 0;
    first[3] = 60;
    const second = new Uint8Array(20 + 32);
    second.set(whole.subarray(0, 20));
    second[4] = 0x42;
    second[5] = 0x42;
    second[6] = 0;
    second[7] = 5;
    second[2] = 0;
    second[3] = 52;
    assert.equal(paths.find(second, 0, second.length), -1, 'before its first fragment: no path');
    assert.ok(paths.find(first, 0, first.length) >= 0);
    assert.ok(paths.find(second, 0, second.length) >= 0);
    assert.equal(paths.addr, 7);
    second[5] = 0x43;
    assert.equal(paths.find(second, 0, second.length), -1, 'another datagram id');
  });
});
