// DeviceEndpoints shared between live workers: a worker records the devices whose endpoint it learned or
// changed (not for a source port alone), exports them, and another worker adopts them without
// recording them again (no ping-pong); a declared downlink TEID is applied by the adopting side.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DeviceEndpoints, MAX_TUNNEL_HDR } from '../../src/pipeline/live-endpoints.js';
import { DeviceDirectory } from '../../src/control/devices/index.js';

const KEY = (10 << 24) | (128 << 16) | 2; // 10.128.0.2
const VTEP = ((198 << 24) | (18 << 16) | (1 << 8) | 2) >>> 0;

/** A VXLAN header (VNI vni) followed by an Ethernet header whose source MAC ends in macLast, at offset 3. */
function vxlanEth(vni: number, macLast: number): Uint8Array {
  const b = new Uint8Array(3 + 8 + 14);
  b.set([0x08, 0, 0, 0, vni >> 16, (vni >> 8) & 0xff, vni & 0xff, 0], 3);
  b.set([2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, macLast, 8, 0], 11);
  return b;
}

test('learned and changed endpoints are recorded for sharing; a new source port alone is not', () => {
  const a = new DeviceEndpoints(1);
  a.changed = [];
  a.learn(KEY, VTEP, 40000, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  assert.deepEqual(a.changed, [KEY], 'first learned');
  a.learn(KEY, VTEP, 40001, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  assert.deepEqual(a.changed, [KEY], 'a source port alone: refreshed, not shared');
  assert.equal(a.port[a.find(KEY)], 40001);
  a.learn(KEY, VTEP, 40001, vxlanEth(43, 7), 3, 8, 3 + 8 + 6);
  assert.deepEqual(a.changed, [KEY, KEY], 'a new VNI is shared');

  const e = a.exportEndpoint(KEY);
  assert.ok(e);
  assert.equal(a.exportEndpoint(KEY + 1), null);
  const b = new DeviceEndpoints(1);
  b.changed = [];
  assert.ok(b.adopt(e));
  assert.deepEqual(b.changed, [], 'adopted endpoints are not shared again');
  const sa = a.find(KEY);
  const sb = b.find(KEY);
  assert.equal(b.addr[sb], VTEP);
  assert.equal(b.port[sb], 40001);
  assert.equal(b.ethernet[sb], 1);
  assert.deepEqual(b.hdr.subarray(sb * MAX_TUNNEL_HDR, sb * MAX_TUNNEL_HDR + 8), a.hdr.subarray(sa * MAX_TUNNEL_HDR, sa * MAX_TUNNEL_HDR + 8));
  assert.deepEqual(b.mac.subarray(sb * 6, sb * 6 + 6), Uint8Array.of(2, 0, 0, 0, 0, 7));
  // the structured clone a worker message makes keeps it usable
  assert.ok(b.adopt(structuredClone(e)));
  assert.equal(b.updates, 1, 'the same endpoint again changes nothing');
});

test('a GTP-U endpoint is exported with the uplink TEID the device sent; the adopting worker applies its downlink TEID', () => {
  const dir = new DeviceDirectory({ devices: [{ ip: '10.128.0.2', teid: 4097, downlinkTeid: 0x0a0b0c0d, tags: [] }] });
  const a = new DeviceEndpoints(1);
  a.setDownlinkTeids(dir);
  const g = new Uint8Array(8);
  g.set([0x30, 255, 0, 40, 0, 0, 0x10, 0x01]);
  a.learn(KEY, VTEP, 2152, g, 0, 8, -1);
  assert.equal(a.teidOf(a.find(KEY)), 0x0a0b0c0d);
  const e = a.exportEndpoint(KEY)!;
  assert.deepEqual([...e.bytes.subarray(4, 8)], [0, 0, 0x10, 0x01], 'as the device sent it');
  const b = new DeviceEndpoints(1);
  b.setDownlinkTeids(dir);
  b.adopt(e);
  assert.equal(b.teidOf(b.find(KEY)), 0x0a0b0c0d);
});
