import test from 'node:test';
import assert from 'node:assert/strict';
import { DeviceDirectory } from '../../../src/control/devices/index.js';
import { parseConfig } from '../../../src/control/config/index.js';
import { parseAddress } from '../../../src/control/config/cidr.js';
import { ConfigError } from '../../../src/core/errors.js';

/** Puts two addresses in one buffer at offsets 3 and 40, like a packet would (the offsets are absolute). */
function pair(a: string, b: string): { buf: Uint8Array; aOff: number; bOff: number; v: 4 | 6 } {
  const ab = parseAddress(a);
  const bb = parseAddress(b);
  assert.ok(ab && bb);
  const buf = new Uint8Array(64).fill(0xee);
  buf.set(ab, 3);
  buf.set(bb, 40);
  return { buf, aOff: 3, bOff: 40, v: ab.length === 4 ? 4 : 6 };
}

function attr(dir: DeviceDirectory, a: string, b: string, teid = -1): { idx: number; side: 0 | 1 } {
  const p = pair(a, b);
  const out: { side: 0 | 1 } = { side: 0 };
  const idx = dir.attribute(p.buf, p.aOff, p.bOff, p.v, teid, out);
  return { idx, side: out.side };
}

const CONFIG = parseConfig(`operator: { id: op }
gateway: { id: gw, deviceSubnets: [10.128.0.0/16, "fd00:128::/64"] }
devices:
  - { imsi: "001010000000001", ip: 10.128.0.1, name: meter-1, group: meters, teid: 4097, tags: [a] }
  - { imsi: "001010000000002", ip: "fd00:128::2", name: meter-2, teid: 4098 }
  - { ip: 10.128.0.3 }
`);

test('declared devices come first, in config order, registered', () => {
  const d = DeviceDirectory.fromConfig(CONFIG);
  assert.equal(d.count, 3);
  assert.equal(d.mode, 'subnets');
  assert.deepEqual(d.device(0), { idx: 0, ip: '10.128.0.1', registered: true, imsi: '001010000000001', name: 'meter-1', group: 'meters', tags: ['a'], teid: 4097 });
  assert.equal(d.device(1).ip, 'fd00:128::2');
  assert.equal(d.device(2).imsi, undefined);
  assert.equal(d.findByIp('10.128.0.3'), 2);
  assert.throws(() => d.device(3), RangeError);
});

test('rule 1: a declared TEID picks its device; the side is the one with its address', () => {
  const d = DeviceDirectory.fromConfig(CONFIG);
  assert.deepEqual(attr(d, '10.128.0.1', '8.8.8.8', 4097), { idx: 0, side: 0 });
  assert.deepEqual(attr(d, '8.8.8.8', '10.128.0.1', 4097), { idx: 0, side: 1 });
  // address not matching the device (e.g. re-addressed): device anyway, side A
  assert.deepEqual(attr(d, '192.0.2.1', '8.8.8.8', 4097), { idx: 0, side: 0 });
  assert.deepEqual(attr(d, '2001:db8::1', 'fd00:128::2', 4098), { idx: 1, side: 1 });
  // an undeclared TEID falls through to the subnet rule
  assert.deepEqual(attr(d, '8.8.8.8', '10.128.0.3', 999), { idx: 2, side: 1 });
});

test('rule 2: the side inside a device subnet is the device', () => {
  const d = DeviceDirectory.fromConfig(CONFIG);
  assert.deepEqual(attr(d, '10.128.0.1', '203.0.113.10'), { idx: 0, side: 0 });
  assert.deepEqual(attr(d, '203.0.113.10', '10.128.0.1'), { idx: 0, side: 1 });
  assert.deepEqual(attr(d, '2001:db8::5', 'fd00:128::2'), { idx: 1, side: 1 });
  // both inside: side A
  assert.deepEqual(attr(d, '10.128.0.3', '10.128.0.1'), { idx: 2, side: 0 });
  // neither inside: not a fleet packet
  assert.deepEqual(attr(d, '192.168.1.1', '8.8.8.8'), { idx: -1, side: 0 });
  assert.deepEqual(attr(d, '2001:db8::1', 'fd00:129::1'), { idx: -1, side: 0 });
});

test('rule 2: undeclared addresses in a subnet become unregistered devices with stable indexes', () => {
  const d = DeviceDirectory.fromConfig(CONFIG);
  const first = attr(d, '10.128.9.9', '203.0.113.10');
  assert.deepEqual(first, { idx: 3, side: 0 });
  assert.deepEqual(d.device(3), { idx: 3, ip: '10.128.9.9', registered: false });
  assert.deepEqual(attr(d, '203.0.113.99', '10.128.9.9'), { idx: 3, side: 1 });
  const v6 = attr(d, 'fd00:128::abcd', '2001:db8::1');
  assert.equal(v6.idx, 4);
  assert.equal(d.device(4).ip, 'fd00:128::abcd');
  assert.equal(d.count, 5);
  assert.equal(d.registeredCount, 3);
  assert.equal(d.unregisteredCount, 2);
});

test('--device-subnet values: IPv4 and IPv6, all devices unregistered', () => {
  const d = DeviceDirectory.fromSubnets(['192.168.0.0/23', '2001:db8:abc0::/44']);
  assert.equal(d.mode, 'subnets');
  assert.deepEqual(attr(d, '192.168.1.200', '1.1.1.1'), { idx: 0, side: 0 });
  assert.deepEqual(attr(d, '1.1.1.1', '192.168.2.1'), { idx: -1, side: 0 });
  assert.deepEqual(attr(d, '2001:4860::8888', '2001:db8:abcf::1'), { idx: 1, side: 1 });
  assert.equal(d.device(1).registered, false);
  assert.throws(() => DeviceDirectory.fromSubnets(['10.0.0.1/8']), (e: unknown) => e instanceof ConfigError && e.path === '--device-subnet' && /did you mean 10\.0\.0\.0\/8/.test(e.message));
});

test('subnet edge prefixes: /0 takes everything, /32 and /128 take one address', () => {
  const all = DeviceDirectory.fromSubnets(['0.0.0.0/0']);
  assert.deepEqual(attr(all, '8.8.8.8', '1.1.1.1'), { idx: 0, side: 0 });
  // /0 for IPv4 does not cover IPv6
  assert.equal(attr(all, '2001:db8::1', '2001:db8::2').idx, -1);
  const one = DeviceDirectory.fromSubnets(['10.0.0.7/32', 'fd00::7/128']);
  assert.equal(attr(one, '10.0.0.8', '8.8.8.8').idx, -1);
  assert.deepEqual(attr(one, '8.8.8.8', '10.0.0.7'), { idx: 0, side: 1 });
  assert.equal(attr(one, 'fd00::8', '2001:db8::1').idx, -1);
  assert.deepEqual(attr(one, 'fd00::7', '2001:db8::1'), { idx: 1, side: 0 });
  const v6all = DeviceDirectory.fromSubnets(['::/0']);
  assert.deepEqual(attr(v6all, '2001:db8::1', 'fd00::1'), { idx: 0, side: 0 });
  assert.equal(attr(v6all, '10.0.0.1', '10.0.0.2').idx, -1);
});

test('rule 3 (nothing declared): the private-range side, side A first; both public: side A', () => {
  const d = DeviceDirectory.empty();
  assert.equal(d.mode, 'private-ranges');
  assert.deepEqual(attr(d, '192.168.1.5', '8.8.8.8'), { idx: 0, side: 0 });
  assert.deepEqual(attr(d, '8.8.8.8', '192.168.1.5'), { idx: 0, side: 1 });
  assert.deepEqual(attr(d, '10.1.1.1', '172.16.0.1'), { idx: 1, side: 0 }); // both private: A
  assert.deepEqual(attr(d, '203.0.113.1', '198.51.100.1'), { idx: 2, side: 0 }); // both public: A
  assert.deepEqual(attr(d, '1.1.1.1', '100.64.0.9'), { idx: 3, side: 1 }); // RFC 6598
  assert.deepEqual(attr(d, '1.1.1.1', '169.254.3.4'), { idx: 4, side: 1 }); // link-local
  assert.deepEqual(attr(d, '1.1.1.1', '172.32.0.1'), { idx: 5, side: 0 }); // just outside 172.16/12
  assert.deepEqual(attr(d, '2001:db8::1', 'fd12::1'), { idx: 6, side: 1 }); // ULA
  assert.deepEqual(attr(d, '2001:db8::1', 'fe80::1'), { idx: 7, side: 1 }); // link-local
  assert.deepEqual(attr(d, '2001:db8::1', 'fec0::1'), { idx: 8, side: 0 }); // not fe80::/10
  assert.ok(d.device(0).registered === false);
});

test('unregistered devices stop at the bound; later ones are counted, not created', () => {
  const d = DeviceDirectory.empty(2);
  assert.equal(attr(d, '10.0.0.1', '8.8.8.8').idx, 0);
  assert.equal(attr(d, '10.0.0.2', '8.8.8.8').idx, 1);
  assert.equal(attr(d, '10.0.0.3', '8.8.8.8').idx, -1);
  assert.equal(attr(d, '10.0.0.4', '8.8.8.8').idx, -1);
  assert.equal(attr(d, '10.0.0.1', '8.8.4.4').idx, 0, 'known devices still resolve');
  assert.equal(d.unregisteredOverflow, 2);
  assert.equal(d.count, 2);
  // declared devices do not count against the bound
  const c = new DeviceDirectory({ devices: CONFIG.devices, subnets: CONFIG.gateway.deviceSubnets, maxUnregistered: 0 });
  assert.equal(attr(c, '10.128.0.1', '8.8.8.8').idx, 0);
  assert.equal(attr(c, '10.128.0.50', '8.8.8.8').idx, -1);
  assert.equal(c.unregisteredOverflow, 1);
});

test('maxUnregisteredDevices from the config is used', () => {
  const cfg = parseConfig('operator: { id: o }\ngateway: { id: g, deviceSubnets: [10.0.0.0/8], maxUnregisteredDevices: 1 }\n');
  const d = DeviceDirectory.fromConfig(cfg);
  assert.equal(d.maxUnregistered, 1);
  assert.equal(attr(d, '10.0.0.1', '8.8.8.8').idx, 0);
  assert.equal(attr(d, '10.0.0.2', '8.8.8.8').idx, -1);
});
