import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { fleetDescription, simulate } from '../../src/sim/index.js';

test('fleetDescription has the fleet-config shape with IMSIs, names, groups and subnet addresses', () => {
  const f = fleetDescription({ devices: 12 });
  assert.deepEqual(f.operator, { id: 'sim-operator' });
  assert.deepEqual(f.gateway.deviceSubnets, ['10.128.0.0/16']);
  assert.equal(f.devices.length, 12);
  assert.deepEqual(f.devices[0], { imsi: '001010000000001', ip: '10.128.0.2', name: 'meter-0001', group: 'meters' });
  assert.deepEqual(f.devices[1], { imsi: '001010000000002', ip: '10.128.0.3', name: 'camera-0002', group: 'cameras' });
  assert.deepEqual(new Set(f.devices.map((d) => d.group)), new Set(['meters', 'cameras', 'sensors', 'routers']));
  assert.equal(new Set(f.devices.map((d) => d.ip)).size, 12);
});

test('the default is 50 devices; a custom subnet is honoured', () => {
  assert.equal(fleetDescription().devices.length, 50);
  const f = fleetDescription({ devices: 3, deviceSubnet: '100.64.8.0/24' });
  assert.deepEqual(f.gateway.deviceSubnets, ['100.64.8.0/24']);
  assert.equal(f.devices[2].ip, '100.64.8.4');
});

test('bad options are config errors', () => {
  assert.throws(() => fleetDescription({ devices: 300, deviceSubnet: '10.0.0.0/24' }), ConfigError);
  assert.throws(() => fleetDescription({ deviceSubnet: 'nope' }), ConfigError);
  assert.throws(() => simulate({ devices: 1, durationSec: 0 }, () => {}), ConfigError);
  assert.throws(() => simulate({ devices: 1, scenarios: ['bogus' as 'scanner'] }, () => {}), ConfigError);
});

test('every simulated device sends traffic from its own address', () => {
  const seen = new Set<string>();
  simulate({ devices: 10, durationSec: 30, seed: 9, deviceSubnet: '10.200.0.0/16' }, (b, off) => {
    if (b[off + 26] === 10) seen.add(`${b[off + 26]}.${b[off + 27]}.${b[off + 28]}.${b[off + 29]}`);
  });
  assert.deepEqual([...seen].sort(), fleetDescription({ devices: 10, deviceSubnet: '10.200.0.0/16' }).devices.map((d) => d.ip).sort());
});
