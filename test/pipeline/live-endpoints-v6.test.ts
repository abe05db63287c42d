// DeviceEndpoints for IPv6 devices: learned and found by the 16 address bytes where they lie in the
// packet, replaced when the tunnel header or MAC changes (a source port alone is refreshed), many
// devices past the initial capacity beside IPv4 ones, shared between live workers (changed6 →
// exportSlot → adopt), and a declared GTP-U downlink TEID found by the IPv6 address.
import test from 'node:test';
import assert from 'node:assert/strict';
import { DeviceEndpoints, MAX_TUNNEL_HDR } from '../../src/pipeline/live-endpoints.js';
import { DeviceDirectory } from '../../src/control/devices/index.js';

const VTEP = ((198 << 24) | (18 << 16) | (1 << 8) | 2) >>> 0;

/** fd00:66::<n> at offset `at` of a fresh buffer. */
function v6(n: number, at = 0): Uint8Array {
  const b = new Uint8Array(at + 16);
  b.set([0xfd, 0x00, 0x00, 0x66], at);
  b[at + 14] = n >> 8;
  b[at + 15] = n & 0xff;
  return b;
}

/** A VXLAN header (VNI vni) followed by an Ethernet header whose source MAC ends in macLast, at offset 3. */
function vxlanEth(vni: number, macLast: number): Uint8Array {
  const b = new Uint8Array(3 + 8 + 14);
  b.set([0x08, 0, 0, 0, vni >> 16, (vni >> 8) & 0xff, vni & 0xff, 0], 3);
  b.set([2, 0, 0, 0, 0, 9, 2, 0, 0, 0, 0, macLast, 0x86, 0xdd], 11);
  return b;
}

const vniOf = (ep: DeviceEndpoints, slot: number) => {
  const h = slot * MAX_TUNNEL_HDR;
  return (ep.hdr[h + 4] << 16) | (ep.hdr[h + 5] << 8) | ep.hdr[h + 6];
};

test('learn6, find6 (any offset), replace, and a source port alone', () => {
  const ep = new DeviceEndpoints(4);
  assert.equal(ep.find6(v6(16), 0), -1);
  assert.ok(ep.learn6(v6(16, 8), 8, VTEP, 40000, vxlanEth(42, 7), 3, 8, 3 + 8 + 6));
  const slot = ep.find6(v6(16, 24), 24);
  assert.ok(slot >= 0);
  assert.equal(ep.size, 1);
  assert.equal(ep.addr[slot], VTEP);
  assert.equal(vniOf(ep, slot), 42);
  assert.equal(ep.ethernet[slot], 1);
  assert.deepEqual([...ep.mac.subarray(slot * 6, slot * 6 + 6)], [2, 0, 0, 0, 0, 7]);
  assert.equal(ep.updates, 1);
  ep.learn6(v6(16), 0, VTEP, 40000, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  assert.equal(ep.updates, 1, 'the same endpoint: nothing to do');
  ep.learn6(v6(16), 0, VTEP, 40001, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  assert.equal(ep.port[slot], 40001, 'a new source port is refreshed');
  ep.learn6(v6(16), 0, VTEP + 1, 40001, vxlanEth(43, 8), 3, 8, 3 + 8 + 6);
  assert.equal(ep.find6(v6(16), 0), slot, 'replaced in its slot');
  assert.equal(ep.addr[slot], VTEP + 1);
  assert.equal(vniOf(ep, slot), 43);
  assert.equal(ep.mac[slot * 6 + 5], 8);
  assert.equal(ep.size, 1);
  assert.equal(ep.learn6(v6(17), 0, VTEP, 1, vxlanEth(1, 1), 3, MAX_TUNNEL_HDR + 1, -1), false, 'a header longer than kept is refused');
  assert.equal(ep.find6(v6(17), 0), -1);
});

test('capacity: 600 IPv6 and 600 IPv4 devices from an initial 1, each in its own slot', () => {
  const ep = new DeviceEndpoints(1);
  for (let i = 0; i < 600; i++) {
    ep.learn6(v6(i), 0, VTEP, 1000 + i, vxlanEth(i, i & 0xff), 3, 8, 3 + 8 + 6);
    ep.learn((10 << 24) | (128 << 16) | i, VTEP, 5000 + i, vxlanEth(100_000 + i, 1), 3, 8, 3 + 8 + 6);
  }
  assert.equal(ep.size, 1200);
  const seen = new Set<number>();
  for (let i = 0; i < 600; i++) {
    const s6 = ep.find6(v6(i), 0);
    const s4 = ep.find((10 << 24) | (128 << 16) | i);
    assert.equal(ep.port[s6], 1000 + i);
    assert.equal(vniOf(ep, s6), i);
    assert.equal(ep.port[s4], 5000 + i);
    assert.equal(vniOf(ep, s4), 100_000 + i);
    seen.add(s6).add(s4);
  }
  assert.equal(seen.size, 1200);
  assert.equal(ep.find6(v6(600), 0), -1);
});

test('IPv6 endpoints are shared between workers by slot and adopted by address, not shared again', () => {
  const a = new DeviceEndpoints(1);
  a.changed = [];
  a.changed6 = [];
  a.learn((10 << 24) | 1, VTEP, 1, vxlanEth(5, 5), 3, 8, 3 + 8 + 6); // an IPv4 device first: slots differ between workers
  a.learn6(v6(16), 0, VTEP, 40000, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  a.learn6(v6(16), 0, VTEP, 40001, vxlanEth(42, 7), 3, 8, 3 + 8 + 6);
  const slot = a.find6(v6(16), 0);
  assert.deepEqual(a.changed6, [slot], 'first learned; a source port alone is not shared');
  assert.deepEqual(a.changed, [(10 << 24) | 1]);
  const e = a.exportSlot(slot)!;
  assert.deepEqual([...e.ip6!], [...v6(16)]);
  assert.equal(a.exportSlot(99), null);
  const b = new DeviceEndpoints(1);
  b.changed = [];
  b.changed6 = [];
  assert.ok(b.adopt(structuredClone(e)));
  assert.deepEqual(b.changed6, [], 'adopted endpoints are not shared again');
  const sb = b.find6(v6(16), 0);
  assert.equal(sb, 0);
  assert.equal(b.port[sb], 40001);
  assert.equal(vniOf(b, sb), 42);
  assert.equal(b.mac[sb * 6 + 5], 7);
});

test('a GTP-U downlink TEID declared for an IPv6 device is found by its address', () => {
  const ep = new DeviceEndpoints(1);
  ep.setDownlinkTeids(new DeviceDirectory({ devices: [{ ip: 'fd00:66::10', downlinkTeid: 0x0a0b0c0d, tags: [] }] }));
  const g = Uint8Array.of(0x30, 255, 0, 40, 0, 0, 0x10, 0x01);
  ep.learn6(v6(0x10), 0, VTEP, 2152, g, 0, 8, -1);
  const slot = ep.find6(v6(0x10), 0);
  assert.equal(ep.teidOf(slot), 0x0a0b0c0d);
  assert.deepEqual([...ep.hdr.subarray(slot * MAX_TUNNEL_HDR + 4, slot * MAX_TUNNEL_HDR + 8)], [0x0a, 0x0b, 0x0c, 0x0d]);
  ep.setDownlinkTeids(null);
  assert.equal(ep.teidOf(slot), 0x1001, 'removed: the uplink TEID again');
});
